// Control scenarios on the simulator (issue 5 "Tests"): the controller closed around the
// simulated TinyBMS and battery through the real poller, on a fake clock (charge_loop.hpp).
// Each scenario prints the figures it observed (max cell, time to float, CVL steps).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <deque>

#include "unit/charge_fixtures.hpp"
#include "unit/charge_loop.hpp"

namespace tbgw::control::test {
namespace {

using msg::ChargePhase;

constexpr Millis kHour = 60 * kMinute;

// 16S 280 Ah at 75 % with a wide spread: 1.5 % SOC and 2 % capacity (1 sigma), so near full
// the highest cell runs several percent ahead of the mean, where LiFePO4's curve is steep.
LoopConfig imbalanced_pack() {
  LoopConfig c;
  c.sim.seed = 7;
  c.sim.initial_soc_pct = 75.0;
  c.sim.soc_spread_pct = 1.5;
  c.sim.capacity_spread_pct = 2.0;
  c.sim.time_factor = 1.0;
  return c;
}

double spread_pct(const sim::Simulator& s) {
  const sim::CellPack& cells = s.model().cells();
  double lo = 200.0, hi = -200.0;
  for (int i = 0; i < cells.cells(); ++i) {
    lo = std::min(lo, cells.cell_soc_pct(i));
    hi = std::max(hi, cells.cell_soc_pct(i));
  }
  return hi - lo;
}

// The largest change of CVL over any 60 s window, split into rises and falls.
struct CvlSteps {
  std::deque<float> window;  // one value per second, the last 61 seconds
  float max_rise_per_min = 0.0F;
  float max_fall_per_min = 0.0F;
  int wire_changes = 0;  // changes of the 0.1 V value sent on CAN
  long last_wire = -1;

  void add(float cvl) {
    const long wire = std::lround(static_cast<double>(cvl) * 10.0);
    if (last_wire >= 0 && wire != last_wire) ++wire_changes;
    last_wire = wire;
    window.push_back(cvl);
    if (window.size() > 61) window.pop_front();
    for (const float old : window) {
      max_rise_per_min = std::max(max_rise_per_min, cvl - old);
      max_fall_per_min = std::max(max_fall_per_min, old - cvl);
    }
  }
};

TEST(ChargeScenario, GIVEN_an_imbalanced_pack_WHEN_charged_to_float_THEN_no_cell_passes_its_limit) {
  ChargeLoop loop(imbalanced_pack());
  const double initial_spread = spread_pct(loop.sim());
  double max_cell_mv = 0.0;
  double max_cell_mv_in_float = 0.0;
  CvlSteps steps;
  Millis absorption_at = -1, float_at = -1;
  bool left_float = false;
  bool ever_invalid_after_start = false;
  bool started = false;
  bool charging = false;

  loop.run_for(10 * kHour, [&](ChargeLoop& l) {
    const msg::ChargeDecision& d = l.decision();
    if (!d.valid) {
      ever_invalid_after_start = ever_invalid_after_start || started;
      return true;
    }
    started = true;
    const double cell = l.sim().truth().max_cell_mv;
    max_cell_mv = std::max(max_cell_mv, cell);
    // CCL starts from 0 and makes its first step after limit_step_interval_ms; until then CVL is
    // held at the pack voltage (decision_guard.hpp) and then goes to the phase's value in one
    // step. The rate limits below are those of the running loop, from its first charge current.
    charging = charging || d.ccl_a > 0.0F;
    if (charging) steps.add(d.cvl_v);
    if (absorption_at < 0 && d.phase == ChargePhase::absorption) absorption_at = l.elapsed();
    if (float_at < 0 && d.phase == ChargePhase::float_) float_at = l.elapsed();
    if (float_at >= 0) {
      max_cell_mv_in_float = std::max(max_cell_mv_in_float, cell);
      left_float = left_float || d.phase != ChargePhase::float_;
      return l.elapsed() < float_at + 2 * kHour;  // hold float for 2 h
    }
    return true;
  });

  std::printf(
      "[ imbalanced charge ] initial SOC spread %.2f %%, final %.2f %%; max cell %.1f mV "
      "(in float %.1f mV); absorption at %.1f min, float at %.1f min; CVL: %d wire changes, "
      "max rise %.3f V/min, max fall %.3f V/min; final CVL %.2f V\n",
      initial_spread, spread_pct(loop.sim()), max_cell_mv, max_cell_mv_in_float,
      static_cast<double>(absorption_at) / kMinute, static_cast<double>(float_at) / kMinute,
      steps.wire_changes, static_cast<double>(steps.max_rise_per_min),
      static_cast<double>(steps.max_fall_per_min), static_cast<double>(loop.decision().cvl_v));

  EXPECT_GE(initial_spread, 4.0) << "the pack must be imbalanced for this to mean anything";
  EXPECT_FALSE(ever_invalid_after_start);
  EXPECT_LE(max_cell_mv, 3650.0 - 100.0) << "reg 315 minus the margin";
  ASSERT_GE(float_at, 0) << "float reached";
  EXPECT_FALSE(left_float) << "float held for 2 h";
  // Rises: 0.08 V/min in 20 s steps (a 60 s window can hold a step of up to 40 s worth).
  EXPECT_LE(steps.max_rise_per_min, 0.08F * 80.0F / 60.0F + 0.001F);
  EXPECT_LE(steps.max_fall_per_min, 0.8F + 0.001F);
  EXPECT_LE(steps.wire_changes, 30) << "0.1 V steps on CAN in ~3 h";
}

TEST(ChargeScenario,
     GIVEN_cells_below_the_cold_limit_WHEN_a_charger_is_offered_THEN_ccl_0_dcl_kept) {
  LoopConfig c;
  c.sim.seed = 3;
  c.sim.initial_soc_pct = 50.0;
  c.sim.ambient_c = 2.0;  // the BMS's own cutoff (reg 320) is 0 degC, ours 0 + 5 degC
  c.charger_max_a = 80.0;
  c.house_load_a = 15.0;
  ChargeLoop loop(c);
  int decisions = 0;
  double max_battery_a = -1e9;
  float min_dcl_a = 1e9F;
  float held_cvl_v = 0.0F;
  loop.run_for(30 * kMinute, [&](ChargeLoop& l) {
    const msg::ChargeDecision& d = l.decision();
    if (!d.valid) return true;
    ++decisions;
    EXPECT_EQ(d.ccl_a, 0.0F);
    EXPECT_EQ(d.phase, ChargePhase::blocked);
    EXPECT_TRUE(contains(d.ccl_reason, "CCL 0: cells too cold (2.0"));
    // CVL held at the pack's rest voltage when the block began, never rising (MPPTs in
    // feed-in mode, which ignore CCL, must not charge either).
    if (decisions == 1) held_cvl_v = d.cvl_v;
    EXPECT_LE(d.cvl_v, held_cvl_v);
    EXPECT_LE(d.cvl_v, 52.8F) << "on the 50 % plateau (3.30 V/cell), far from 55.2 V";
    min_dcl_a = std::min(min_dcl_a, d.dcl_a);
    max_battery_a = std::max(max_battery_a, l.sim().truth().current_a);
    return true;
  });
  EXPECT_GT(decisions, 1700);
  EXPECT_NEAR(min_dcl_a, 150.0F * 0.68F, 0.5F) << "DCL derated by the 2 degC table, not zeroed";
  EXPECT_LE(max_battery_a, 0.0) << "no charge current ever flowed";

  // The cells warm up (sensors forced to 12 degC): CCL comes back in 20 s steps.
  loop.sim().faults().sensor_override_c[1] = 12.0;
  loop.sim().faults().sensor_override_c[2] = 12.0;
  float last = 0.0F;
  Millis last_change = loop.now();
  loop.run_for(10 * kMinute, [&](ChargeLoop& l) {
    const float ccl = l.decision().ccl_a;
    if (ccl != last) {
      EXPECT_GE(l.now() - last_change, 20 * kSecond);
      EXPECT_LE(ccl - last, 20.0F * static_cast<float>(l.now() - last_change) / kMinute + 1e-3F);
      last = ccl;
      last_change = l.now();
    }
    return true;
  });
  std::printf(
      "[ cold ] 30 min at 2 degC: CCL 0, DCL %.1f A, CVL held at %.2f V, battery "
      "current <= %.2f A; warmed to 12 degC: CCL %.1f A, charger %.1f A\n",
      static_cast<double>(min_dcl_a), static_cast<double>(held_cvl_v), max_battery_a,
      static_cast<double>(last), loop.charger_a());
  EXPECT_NEAR(last, 50.0F, 0.01F) << "the 10 degC point of the table (12 - 2 degC hysteresis)";
  EXPECT_GT(loop.sim().truth().current_a, 0.0) << "charging again";
}

// Mid-SOC, charging at 50 A, then the BMS goes silent (unplugged) and later comes back.
LoopConfig charging_mid_soc(StalePolicy policy) {
  LoopConfig c;
  c.sim.seed = 5;
  c.sim.initial_soc_pct = 50.0;
  c.charger_max_a = 50.0;
  c.house_load_a = 45.0;  // ~5 A into the pack: cells stay mid-range (3.25-3.35 V)
  c.params.stale_policy = policy;
  return c;
}

TEST(ChargeScenario,
     GIVEN_stop_transmitting_WHEN_the_bms_is_unplugged_and_back_THEN_silent_then_ramped) {
  ChargeLoop loop(charging_mid_soc(StalePolicy::stop_transmitting));
  Millis last_valid = 0;
  msg::ChargeDecision before;
  loop.run_for(10 * kMinute, [&](ChargeLoop& l) {
    if (l.decision().valid) {
      last_valid = l.now();
      before = l.decision();
    }
    return true;
  });
  ASSERT_EQ(before.ccl_a, 100.0F);

  const Millis unplugged = loop.now();
  loop.sim().faults().silent = true;
  Millis first_invalid = -1;
  loop.run_for(5 * kMinute, [&](ChargeLoop& l) {
    if (!l.decision().valid && first_invalid < 0) first_invalid = l.now();
    if (first_invalid >= 0) {
      EXPECT_FALSE(l.decision().valid) << "silent until the BMS is back";
    }
    return true;
  });
  ASSERT_GE(first_invalid, 0);
  EXPECT_LE(first_invalid - unplugged, 5 * kSecond + kSecond) << "within the stale timeout";
  EXPECT_EQ(loop.charger_a(), 0.0) << "the GX fail-safe stopped the charger";

  loop.sim().faults().silent = false;
  const Millis plugged = loop.now();
  Millis first_valid = -1, last_change = 0;
  float last_ccl = 0.0F;
  loop.run_for(10 * kMinute, [&](ChargeLoop& l) {
    const msg::ChargeDecision& d = l.decision();
    if (!d.valid) return true;
    if (first_valid < 0) {
      first_valid = l.now();
      last_change = l.now();
      EXPECT_EQ(d.ccl_a, 0.0F) << "CCL starts again from 0";
      EXPECT_EQ(d.dcl_a, before.dcl_a) << "DCL at once";
    }
    if (d.ccl_a != last_ccl) {
      EXPECT_GE(l.now() - last_change, 20 * kSecond);
      EXPECT_LE(d.ccl_a - last_ccl,
                20.0F * static_cast<float>(l.now() - last_change) / kMinute + 1e-3F);
      last_ccl = d.ccl_a;
      last_change = l.now();
    }
    return true;
  });
  std::printf(
      "[ unplugged, stop_transmitting ] last valid %.1f s before the unplug, invalid "
      "%.1f s after it; back: valid %.1f s after re-plugging, CCL %.1f A after 10 min\n",
      static_cast<double>(unplugged - last_valid) / 1000.0,
      static_cast<double>(first_invalid - unplugged) / 1000.0,
      static_cast<double>(first_valid - plugged) / 1000.0, static_cast<double>(last_ccl));
  ASSERT_GE(first_valid, 0);
  EXPECT_LE(first_valid - plugged, 10 * kSecond);
  EXPECT_EQ(last_ccl, 100.0F);
}

TEST(ChargeScenario, GIVEN_hold_safe_WHEN_the_bms_is_unplugged_THEN_ccl_0_dcl_kept_for_20_min) {
  ChargeLoop loop(charging_mid_soc(StalePolicy::hold_safe));
  msg::ChargeDecision before;
  loop.run_for(10 * kMinute, [&](ChargeLoop& l) {
    if (l.decision().valid) before = l.decision();
    return true;
  });
  ASSERT_TRUE(before.valid);
  const double cell_mv = loop.sim().truth().max_cell_mv;
  ASSERT_LE(cell_mv, 3350.0) << "mid-range, or hold_safe would not hold";

  const Millis unplugged = loop.now();
  loop.sim().faults().silent = true;
  Millis first_held = -1, first_invalid = -1;
  loop.run_for(25 * kMinute, [&](ChargeLoop& l) {
    const msg::ChargeDecision& d = l.decision();
    if (d.valid && d.ccl_a == 0.0F && first_held < 0) first_held = l.now();
    if (first_held >= 0 && d.valid) {
      EXPECT_EQ(d.ccl_a, 0.0F);
      EXPECT_EQ(d.dcl_a, before.dcl_a);
      EXPECT_EQ(d.phase, ChargePhase::blocked);
    }
    if (!d.valid && first_invalid < 0) first_invalid = l.now();
    if (first_invalid >= 0) {
      EXPECT_FALSE(d.valid);
    }
    return true;
  });
  std::printf(
      "[ unplugged, hold_safe ] max cell %.1f mV; CCL 0 after %.1f s, invalid after "
      "%.1f min\n",
      cell_mv, static_cast<double>(first_held - unplugged) / 1000.0,
      static_cast<double>(first_invalid - unplugged) / kMinute);
  ASSERT_GE(first_held, 0);
  EXPECT_LE(first_held - unplugged, 6 * kSecond);
  ASSERT_GE(first_invalid, 0);
  EXPECT_NEAR(static_cast<double>(first_invalid - unplugged), 20.0 * kMinute, 2.0 * kSecond);
}

}  // namespace
}  // namespace tbgw::control::test
