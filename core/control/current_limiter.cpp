// CurrentLimiter: see current_limiter.hpp.
#include "core/control/current_limiter.hpp"

#include <algorithm>

#include "core/control/limit_choice.hpp"

namespace tbgw::control {
namespace {

// A ramp is named in the reason only when it is at least half the 0.1 A wire resolution away.
constexpr float kVisibleA = 0.05F;

// The factor of one table over the cell temperature sensors: the worst sensor now, and the
// worst factor within +-h of any sensor (for the release decision).
struct TableHit {
  float now = 1.0F;
  float window = 1.0F;
  TempReading at{};
};

TableHit temp_factor(const DerateTable& t, const PackFacts& f, float h) {
  TableHit r;
  bool first = true;
  auto consider = [&](const TempReading& reading) {
    const float a = t.at(reading.temp_c);
    if (first || a < r.now) {
      r.now = a;
      r.at = reading;
    }
    first = false;
    r.window = std::min(r.window, t.worst_within(reading.temp_c, h));
  };
  for (int i = 0; i < f.cell_temp_count; ++i) {
    const TempReading& reading = f.cell_temps[static_cast<std::size_t>(i)];
    consider(reading);
    // The board estimate is the cells' temperature on the cold side only: on the hot side the
    // board's own (warmer) reading is the cautious one.
    if (reading.sensor == kBoardEstimate) {
      consider({hot_side_c(f, reading), msg::BatterySnapshot::kTempInternal});
    }
  }
  return r;
}

// Falls at once; rises only when the whole hysteresis window allows it.
float sticky(float now, float window, float& prev) {
  prev = now <= prev ? now : std::max(prev, window);
  return prev;
}

void latch(bool& state, bool trip, bool release) {
  if (trip) {
    state = true;
  } else if (release) {
    state = false;
  }
}

// "BMS over-heat (internal sensor at 61.0 degC, cutoff 60.0 degC)", or "resumes below" inside
// the hysteresis band.
void over_heat_text(ReasonWriter& w, const PackFacts& f, float hysteresis_c) {
  w.text("BMS over-heat (").text(sensor_name(f.hottest.sensor)).text(" at ");
  w.celsius(f.hottest.temp_c);
  if (f.hottest.temp_c >= f.over_heat_c) {
    w.text(", cutoff ").celsius(f.over_heat_c).text(")");
  } else {
    w.text(", resumes below ").celsius(f.over_heat_c - hysteresis_c).text(")");
  }
}

float hottest_cell_c(const PackFacts& f) {
  float hot = -1e9F;
  for (int i = 0; i < f.cell_temp_count; ++i) {
    hot = std::max(hot, hot_side_c(f, f.cell_temps[static_cast<std::size_t>(i)]));
  }
  return hot;
}

}  // namespace

void CurrentLimiter::update_locks(const PackFacts& f, const ChargeParams& p) {
  const float h = p.temp_hysteresis_c;
  if (f.cell_temp_count > 0) {
    const float cold_c = f.cold_charge_c + p.cold_charge_margin_c;
    latch(locks_.cold, f.coldest.temp_c < cold_c, f.coldest.temp_c >= cold_c + h);
    const float hot_c = f.over_heat_c - p.hot_charge_margin_c;
    const float hottest = hottest_cell_c(f);
    latch(locks_.hot, hottest >= hot_c, hottest < hot_c - h);
    latch(locks_.too_cold_to_discharge, f.coldest.temp_c < p.discharge_min_temp_c,
          f.coldest.temp_c >= p.discharge_min_temp_c + h);
  }
  if (f.any_temp) {
    latch(locks_.over_heat, f.hottest.temp_c >= f.over_heat_c,
          f.hottest.temp_c < f.over_heat_c - h);
  }
  latch(locks_.under_voltage, f.min_cell_mv <= f.uv_cell_mv,
        f.min_cell_mv >= f.uv_cell_mv + p.uv_release_mv);
}

float CurrentLimiter::charge_target(const PackFacts& f, const ChargeParams& p,
                                    msg::ChargeDecision& out,
                                    msg::ChargeDecision::Reason& block_reason, Outcome& outcome) {
  LimitChoice ccl(out.ccl_reason);
  // The first hard block binds (ties keep the first); its cause is also the phase's reason.
  auto block = [&](auto&& write) {
    if (!outcome.charge_blocked) {
      ReasonWriter cause(block_reason);
      write(cause);
    }
    outcome.charge_blocked = true;
    ccl.offer(0.0F, [&](ReasonWriter& w) { write(w.text("CCL 0: ")); });
  };
  if (f.cell_temp_count == 0) block([](ReasonWriter& w) { w.text("no cell temperature reading"); });
  if (f.count_mismatch) {
    block([&](ReasonWriter& w) {
      w.text("cell count mismatch (").integer(f.detected_cells).text(" detected, ");
      w.integer(f.configured_cells).text(" configured)");
    });
  }
  if (f.bms_fault) block([](ReasonWriter& w) { w.text("BMS reports a fault (status 0x9B)"); });
  if (f.max_cell_mv >= f.ovp_cell_mv) {
    block([&](ReasonWriter& w) {
      w.text("cell ").integer(f.max_cell).text(" at ").cell_volts(f.max_cell_mv);
      w.text(" >= BMS over-voltage cutoff ").cell_volts(f.ovp_cell_mv);
    });
  }
  const float h = p.temp_hysteresis_c;
  if (locks_.over_heat) block([&](ReasonWriter& w) { over_heat_text(w, f, h); });
  if (locks_.cold) {
    block([&](ReasonWriter& w) {
      const float cold_c = f.cold_charge_c + p.cold_charge_margin_c;
      w.text("cells too cold (");
      if (f.coldest.sensor == kBoardEstimate) {
        w.text("board sensor - ").number(f.board_margin_c, 0).text(" = ");
      }
      w.celsius(f.coldest.temp_c);
      if (f.coldest.temp_c < cold_c) {
        w.text(" < ").celsius(cold_c).text(")");
      } else {
        w.text(", resumes at ").celsius(cold_c + h).text(")");
      }
    });
  }
  if (locks_.hot) {
    block([&](ReasonWriter& w) {
      const float hot_c = f.over_heat_c - p.hot_charge_margin_c;
      const float hottest = hottest_cell_c(f);
      w.text("cells too hot (").celsius(hottest);
      if (hottest >= hot_c) {
        w.text(" >= ").celsius(hot_c).text(")");
      } else {
        w.text(", resumes below ").celsius(hot_c - h).text(")");
      }
    });
  }

  const float bms_a = f.charge_oc_a * p.bms_current_fraction;
  const float max_a = std::min(p.ccl_max_a, bms_a);
  outcome.ccl_max_a = max_a;
  ccl.offer(p.ccl_max_a, [&](ReasonWriter& w) {
    w.text("CCL ").amps(p.ccl_max_a).text(": configured maximum");
  });
  ccl.offer(bms_a, [&](ReasonWriter& w) {
    w.text("CCL ").amps(bms_a).text(": ").percent(p.bms_current_fraction * 100.0F);
    w.text(" of the BMS charge over-current cutoff ").amps(f.charge_oc_a);
  });

  const float cell = sticky(p.ccl_by_max_cell_mv.at(f.max_cell_mv),
                            p.ccl_by_max_cell_mv.worst_within(f.max_cell_mv, p.cell_hysteresis_mv),
                            prev_.ccl_cell);
  ccl.offer(max_a * cell, [&](ReasonWriter& w) {
    w.text("CCL limited by cell ").integer(f.max_cell).text(" at ").cell_volts(f.max_cell_mv);
  });
  if (f.cell_temp_count > 0) {
    const TableHit t = temp_factor(p.ccl_by_temp_c, f, p.temp_hysteresis_c);
    ccl.offer(max_a * sticky(t.now, t.window, prev_.ccl_temp), [&](ReasonWriter& w) {
      w.text("CCL limited by ").text(sensor_name(t.at.sensor)).text(" at ").celsius(t.at.temp_c);
    });
  }
  const float soc =
      sticky(p.ccl_by_soc_pct.at(f.soc_pct),
             p.ccl_by_soc_pct.worst_within(f.soc_pct, p.soc_hysteresis_pct), prev_.ccl_soc);
  ccl.offer(max_a * soc,
            [&](ReasonWriter& w) { w.text("CCL limited by SOC ").percent(f.soc_pct, 1); });
  return ccl.value();
}

float CurrentLimiter::discharge_target(const PackFacts& f, const ChargeParams& p,
                                       msg::ChargeDecision& out, float& dcl_max) {
  LimitChoice dcl(out.dcl_reason);
  if (locks_.under_voltage) {
    dcl.offer(0.0F, [&](ReasonWriter& w) {
      w.text("DCL 0: cell ").integer(f.min_cell).text(" at ").cell_volts(f.min_cell_mv);
      w.text(", BMS under-voltage cutoff ").cell_volts(f.uv_cell_mv);
      if (f.min_cell_mv > f.uv_cell_mv) {
        w.text(", resumes at ").cell_volts(f.uv_cell_mv + p.uv_release_mv);
      }
    });
  }
  if (locks_.over_heat) {
    dcl.offer(0.0F,
              [&](ReasonWriter& w) { over_heat_text(w.text("DCL 0: "), f, p.temp_hysteresis_c); });
  }
  if (locks_.too_cold_to_discharge) {
    dcl.offer(0.0F, [&](ReasonWriter& w) {
      w.text("DCL 0: cells too cold to discharge (").celsius(f.coldest.temp_c);
      if (f.coldest.temp_c < p.discharge_min_temp_c) {
        w.text(" < ").celsius(p.discharge_min_temp_c).text(")");
      } else {
        w.text(", resumes at ").celsius(p.discharge_min_temp_c + p.temp_hysteresis_c).text(")");
      }
    });
  }
  const float bms_a = f.discharge_oc_a * p.bms_current_fraction;
  dcl_max = std::min(p.dcl_max_a, bms_a);
  dcl.offer(p.dcl_max_a, [&](ReasonWriter& w) {
    w.text("DCL ").amps(p.dcl_max_a).text(": configured maximum");
  });
  dcl.offer(bms_a, [&](ReasonWriter& w) {
    w.text("DCL ").amps(bms_a).text(": ").percent(p.bms_current_fraction * 100.0F);
    w.text(" of the BMS discharge over-current cutoff ").amps(f.discharge_oc_a);
  });
  const float cell = sticky(p.dcl_by_min_cell_mv.at(f.min_cell_mv),
                            p.dcl_by_min_cell_mv.worst_within(f.min_cell_mv, p.cell_hysteresis_mv),
                            prev_.dcl_cell);
  dcl.offer(dcl_max * cell, [&](ReasonWriter& w) {
    w.text("DCL limited by cell ").integer(f.min_cell).text(" at ").cell_volts(f.min_cell_mv);
  });
  if (f.cell_temp_count > 0) {
    const TableHit t = temp_factor(p.dcl_by_temp_c, f, p.temp_hysteresis_c);
    dcl.offer(dcl_max * sticky(t.now, t.window, prev_.dcl_temp), [&](ReasonWriter& w) {
      w.text("DCL limited by ").text(sensor_name(t.at.sensor)).text(" at ").celsius(t.at.temp_c);
    });
  }
  return dcl.value();
}

CurrentLimiter::Outcome CurrentLimiter::update(const PackFacts& f, const ChargeParams& p,
                                               Millis now, msg::ChargeDecision& out,
                                               msg::ChargeDecision::Reason& block_reason) {
  update_locks(f, p);
  Outcome outcome;
  const float ccl_target = charge_target(f, p, out, block_reason, outcome);
  float dcl_max = 0.0F;
  const float dcl_target = discharge_target(f, p, out, dcl_max);

  const float pct = p.current_recovery_pct_per_min / 100.0F;
  const RampedLimit::Rates ccl_rates{outcome.ccl_max_a * pct, 0.0F, p.limit_step_interval_ms};
  const RampedLimit::Rates dcl_rates{dcl_max * pct, 0.0F, p.limit_step_interval_ms};
  out.ccl_a = ccl_.update(ccl_target, ccl_rates, now);
  out.dcl_a = dcl_.update(dcl_target, dcl_rates, now);
  if (out.ccl_a < ccl_target - kVisibleA) {
    ReasonWriter(out.ccl_reason)
        .text("CCL rising to ")
        .amps(ccl_target)
        .text(" at ")
        .amps(ccl_rates.rise_per_min)
        .text("/min");
  }
  if (out.dcl_a < dcl_target - kVisibleA) {
    ReasonWriter(out.dcl_reason)
        .text("DCL rising to ")
        .amps(dcl_target)
        .text(" at ")
        .amps(dcl_rates.rise_per_min)
        .text("/min");
  }
  return outcome;
}

}  // namespace tbgw::control
