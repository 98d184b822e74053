// BMS cutoffs and recoveries; the rules are tabled in protection.hpp.
#include "sim/protection.hpp"

namespace tbgw::sim {

void Protection::raise(bool& flag, std::uint8_t event_id, const ProtectionContext& ctx) {
  flag = true;
  ctx.events.add(event_id, ctx.lifetime_s);
}

void Protection::recover(bool& flag, std::uint8_t event_id, const ProtectionContext& ctx) {
  flag = false;
  ctx.events.add(event_id, ctx.lifetime_s);
}

double Protection::gate(double demand_a, double dt_s, bool regenerating,
                        const ProtectionContext& ctx) {
  const SettingsTable& s = ctx.settings;
  if (flags_.discharge_over_current) {
    discharge_oc_recovery_s_ -= dt_s;
    if (discharge_oc_recovery_s_ <= 0.0) {
      recover(flags_.discharge_over_current, event::kRecoveredDischargeOverCurrent, ctx);
    }
  }
  if (flags_.charge_over_current) {
    charge_oc_recovery_s_ -= dt_s;
    if (charge_oc_recovery_s_ <= 0.0) {
      recover(flags_.charge_over_current,
              charge_oc_was_regen_ ? event::kRecoveredRegenOverCurrent
                                   : event::kRecoveredChargeOverCurrent,
              ctx);
    }
  }
  const double recovery_s = s.low_byte(reg::kAutoRecoveryS);

  if (demand_a < 0.0 && flags_.discharge_allowed()) {
    const double magnitude = -demand_a;
    const double timeout_s = s.high_byte(reg::kChargerTypeAndOcTimeout);
    discharge_over_limit_s_ =
        magnitude > s.u16(reg::kDischargeOverCurrentA) ? discharge_over_limit_s_ + dt_s : 0.0;
    const bool peak = magnitude > s.u16(reg::kPeakDischargeA);
    // "Longer than the timeout": a 0 s timeout trips on the first sample over the limit.
    const bool sustained =
        discharge_over_limit_s_ > 0.0 && discharge_over_limit_s_ > timeout_s - 1e-9;
    if (peak || sustained) {
      raise(flags_.discharge_over_current, event::kDischargeOverCurrent, ctx);
      BmsStatistics::bump(ctx.stats.discharge_oc_count);
      discharge_oc_recovery_s_ = recovery_s;
      discharge_over_limit_s_ = 0.0;
    }
  } else if (demand_a >= 0.0) {
    discharge_over_limit_s_ = 0.0;
  }

  if (demand_a > 0.0 && flags_.charge_allowed() && demand_a > s.u16(reg::kChargeOverCurrentA)) {
    charge_oc_was_regen_ = regenerating;
    raise(flags_.charge_over_current,
          regenerating ? event::kRegenOverCurrent : event::kChargeOverCurrent, ctx);
    BmsStatistics::bump(ctx.stats.charge_oc_count);
    charge_oc_recovery_s_ = recovery_s;
  }

  if (demand_a < 0.0) return flags_.discharge_allowed() ? demand_a : 0.0;
  return flags_.charge_allowed() ? demand_a : 0.0;
}

Protection::Outcome Protection::evaluate(const Measurements& m, const ProtectionContext& ctx) {
  const SettingsTable& s = ctx.settings;
  Outcome out;

  const double ov_mv = s.u16(reg::kOverVoltageMv);
  if (!flags_.over_voltage && m.max_cell_mv >= ov_mv) {
    raise(flags_.over_voltage, event::kOverVoltageCutoff, ctx);
    BmsStatistics::bump(ctx.stats.over_voltage_count);
  } else if (flags_.over_voltage && m.max_cell_mv <= ov_mv - kVoltageHysteresisMv) {
    recover(flags_.over_voltage, event::kRecoveredOverVoltage, ctx);
  }

  const double uv_mv = s.u16(reg::kUnderVoltageMv);
  if (!flags_.under_voltage && m.min_cell_mv <= uv_mv) {
    raise(flags_.under_voltage, event::kUnderVoltageCutoff, ctx);
    BmsStatistics::bump(ctx.stats.under_voltage_count);
  } else if (flags_.under_voltage && m.min_cell_mv >= uv_mv + kVoltageHysteresisMv) {
    recover(flags_.under_voltage, event::kRecoveredUnderVoltage, ctx);
  }

  const double empty_mv = s.u16(reg::kFullyDischargedMv);
  if (!flags_.fully_discharged && empty_mv > uv_mv && m.min_cell_mv <= empty_mv) {
    raise(flags_.fully_discharged, event::kFullyDischargedCutoff, ctx);
    out.fully_discharged_now = true;
  } else if (flags_.fully_discharged && m.min_cell_mv >= empty_mv + kVoltageHysteresisMv) {
    recover(flags_.fully_discharged, event::kRecoveredFullyDischarged, ctx);
  }

  double hottest_c = -1e9;
  double coldest_cell_c = 1e9;
  const bool any_external = m.present[1] || m.present[2];
  for (std::size_t i = 0; i < m.temps_c.size(); ++i) {
    if (!m.present[i]) continue;
    if (m.temps_c[i] > hottest_c) hottest_c = m.temps_c[i];
    const bool cell_sensor = any_external ? i != 0 : true;
    if (cell_sensor && m.temps_c[i] < coldest_cell_c) coldest_cell_c = m.temps_c[i];
  }
  const double hot_c = s.i16(reg::kOverHeatC);
  if (!flags_.over_temperature && hottest_c >= hot_c) {
    raise(flags_.over_temperature, event::kOverTemperatureCutoff, ctx);
    BmsStatistics::bump(ctx.stats.over_heat_count);
  } else if (flags_.over_temperature && hottest_c <= hot_c - kOverHeatHysteresisC) {
    recover(flags_.over_temperature, event::kRecoveredOverTemperature, ctx);
  }
  const double cold_c = s.i16(reg::kLowTempChargeC);
  if (!flags_.low_temp_charge && coldest_cell_c < cold_c) {
    raise(flags_.low_temp_charge, event::kLowTempChargeCutoff, ctx);
  } else if (flags_.low_temp_charge && coldest_cell_c >= cold_c + kLowTempHysteresisC) {
    recover(flags_.low_temp_charge, event::kRecoveredLowTempWarning, ctx);
  }

  const double full_mv = s.u16(reg::kFullyChargedMv);
  const double finish_a = s.u16(reg::kChargeFinishedMa) / 1000.0;
  const bool charging = m.current_a > kIdleCurrentA;
  const bool tapered =
      charging && m.current_a < finish_a && m.max_cell_mv >= full_mv - kTaperWindowMv;
  if (!flags_.charge_done && charging && (m.max_cell_mv >= full_mv || tapered)) {
    raise(flags_.charge_done, event::kChargingDone, ctx);
    BmsStatistics::bump(ctx.stats.full_charge_count);
    out.charge_done_now = true;
  } else if (flags_.charge_done) {
    const bool restart_by_level = (s.u16(reg::kFlags) & 0x4U) != 0;
    const bool restart =
        restart_by_level ? m.soc_pct < s.u16(reg::kChargeRestartPct) : m.current_a < -kIdleCurrentA;
    if (restart) flags_.charge_done = false;  // the spec lists no event for a restart
  }
  return out;
}

}  // namespace tbgw::sim
