// The decision's invariants (core/control/decision_guard.hpp) over random states of every
// chemistry the TinyBMS supports: LiFePO4, Li-ion and LTO settings (perturbed around their
// typical values), 4-16 cells, cells anywhere from under-voltage to over-voltage, -30..+80 degC,
// with and without external sensors, currents both ways, every BMS status, data going stale
// under both policies. Every decision the controller returns (update and tick) must keep every
// rule, and every valid one must encode to a 0x351 the encoder accepts.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

#include "charge_fixtures.hpp"
#include "core/control/decision_guard.hpp"
#include "core/victron/frame_encoder.hpp"

namespace tbgw::control {
namespace {

using test::factory_settings;
using test::kT0;
using test::li_ion_unit_settings;
using test::lto_settings;

constexpr std::uint32_t kSeed = 20261207;

struct Rng {
  std::mt19937 gen{kSeed};
  float uni(float lo, float hi) { return std::uniform_real_distribution<float>(lo, hi)(gen); }
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(gen); }
  bool coin(double p = 0.5) { return std::bernoulli_distribution(p)(gen); }
};

tinybms::BmsSettings random_settings(Rng& r) {
  tinybms::BmsSettings s;
  const int chemistry = r.pick(0, 2);
  s = chemistry == 0 ? factory_settings()
                     : (chemistry == 1 ? li_ion_unit_settings() : lto_settings());
  s.series_cells = static_cast<std::uint16_t>(r.pick(4, 16));
  auto jitter = [&r](std::uint16_t v, int mv) {
    return static_cast<std::uint16_t>(static_cast<int>(v) + r.pick(-mv, mv));
  };
  s.fully_charged_cell_mv = jitter(s.fully_charged_cell_mv, 60);
  s.over_voltage_cutoff_cell_mv =
      std::max<std::uint16_t>(jitter(s.over_voltage_cutoff_cell_mv, 60), s.fully_charged_cell_mv);
  s.under_voltage_cutoff_cell_mv = jitter(s.under_voltage_cutoff_cell_mv, 200);
  s.fully_discharged_cell_mv = jitter(s.fully_discharged_cell_mv, 100);
  s.charge_over_current_a = static_cast<std::uint16_t>(r.pick(1, 300));
  s.discharge_over_current_a = static_cast<std::uint16_t>(r.pick(1, 400));
  s.over_heat_cutoff_c = static_cast<std::int16_t>(r.pick(20, 90));
  s.low_temp_charge_cutoff_c = static_cast<std::int16_t>(r.pick(-40, 10));
  s.capacity_ah = r.uni(5.0F, 600.0F);
  return s;
}

// A random walk of the cells (level_mv) and of the temperature (temp_c) within their ranges,
// so that packs spend time in every state (charging, derated, blocked), not only in noise.
msg::BatterySnapshot random_snapshot(Rng& r, const tinybms::BmsSettings& s, Millis now,
                                     float& level_mv, float& temp_c) {
  msg::BatterySnapshot snap;
  snap.stamp_ms = now;
  snap.cell_count = static_cast<std::uint8_t>(s.series_cells);
  snap.detected_cells = s.series_cells;
  snap.configured_cells = s.series_cells;
  // A random walk between under-voltage - 100 mV and over-voltage + 50 mV.
  const float lo = s.under_voltage_cutoff_cell_mv - 100.0F;
  const float hi = s.over_voltage_cutoff_cell_mv + 50.0F;
  level_mv = std::clamp(level_mv + r.uni(-40.0F, 40.0F), lo, hi);
  float sum = 0.0F;
  for (int i = 0; i < snap.cell_count; ++i) {
    const float mv = std::clamp(level_mv + r.uni(-30.0F, 30.0F), lo, hi);
    snap.cell_mv[static_cast<std::size_t>(i)] = mv;
    sum += mv;
  }
  snap.pack_voltage_v = sum / 1000.0F;
  snap.pack_current_a = r.uni(-100.0F, 80.0F);
  snap.soc_pct = r.uni(0.0F, 100.0F);
  temp_c = std::clamp(temp_c + r.uni(-1.5F, 1.5F), -30.0F, 80.0F);
  const float temp = temp_c;
  const bool external = r.coin(0.95);
  snap.temps_c = {temp + r.uni(0.0F, 15.0F), temp, temp + r.uni(-3.0F, 3.0F)};
  snap.temp_present = {true, external, external && r.coin()};
  const msg::OnlineStatus statuses[] = {msg::OnlineStatus::charging, msg::OnlineStatus::idle,
                                        msg::OnlineStatus::fully_charged,
                                        msg::OnlineStatus::discharging, msg::OnlineStatus::fault};
  snap.online_status = r.coin(0.9) ? msg::OnlineStatus::charging : statuses[r.pick(0, 4)];
  snap.online_status_raw = static_cast<std::uint16_t>(snap.online_status);
  return snap;
}

TEST(ChargeInvariants,
     GIVEN_random_states_of_every_chemistry_WHEN_decided_THEN_every_decision_keeps_the_rules) {
  Rng r;
  int valid = 0;
  int ccl_zero = 0;
  int held = 0;
  for (int pack = 0; pack < 300; ++pack) {
    SCOPED_TRACE(::testing::Message() << "seed " << kSeed << " pack " << pack);
    const tinybms::BmsSettings s = random_settings(r);
    ChargeParams params;
    params.stale_policy = r.coin() ? StalePolicy::hold_safe : StalePolicy::stop_transmitting;
    params.cell_temp_source = static_cast<CellTempSource>(r.pick(0, 2));
    ChargeController controller(params);
    victron::FrameEncoder encoder{victron::EncoderIdentity{}};
    float level_mv = r.uni(s.under_voltage_cutoff_cell_mv, s.over_voltage_cutoff_cell_mv);
    float temp_c = r.uni(-30.0F, 80.0F);
    Millis now = kT0;
    msg::BatterySnapshot last{};
    auto check = [&](const msg::ChargeDecision& d) {
      ASSERT_EQ(check_decision(d), DecisionFault::none) << to_string(check_decision(d));
      if (!d.valid) return;
      ++valid;
      const float n = s.series_cells;
      ASSERT_GE(d.cvl_v, 0.1F);
      ASSERT_GE(d.dvl_v, 0.1F);
      ASSERT_LT(d.dvl_v, d.cvl_v);
      ASSERT_LE(d.cvl_v, n * s.over_voltage_cutoff_cell_mv / 1000.0F + 1e-3F);
      ASSERT_LE(d.ccl_a, s.charge_over_current_a);
      ASSERT_LE(d.dcl_a, s.discharge_over_current_a);
      if (d.ccl_a < 0.05F) {
        ++ccl_zero;
        ASSERT_LE(d.cvl_v, d.pack_v + 1e-3F) << reason_text(d.cvl_reason);
      }
      victron::FrameSet frames;
      const auto encoded =
          encoder.encode({last, d, msg::BatteryAlarms{}, s, victron::EnergyTotals{}}, frames);
      ASSERT_TRUE(encoded.ok()) << victron::to_string(encoded.error()) << " CVL " << d.cvl_v
                                << " DVL " << d.dvl_v << " pack " << d.pack_v;
    };
    const int steps = r.pick(5, 180);
    for (int i = 0; i < steps; ++i) {
      now += 1000;
      last = random_snapshot(r, s, now, level_mv, temp_c);
      check(controller.update(last, s, now));
      if (::testing::Test::HasFatalFailure()) return;
    }
    // The data stops: every second of the stale policy keeps the rules too.
    for (int i = 0; i < 40; ++i) {
      now += 1000;
      const msg::ChargeDecision d = controller.tick(now);
      if (d.valid && controller.is_stale(now)) ++held;
      check(d);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
  std::printf("[ invariants ] 300 packs: %d valid decisions, %d with CCL 0, %d held stale\n", valid,
              ccl_zero, held);
  EXPECT_GT(valid, 1000);
  EXPECT_GT(ccl_zero, 100);           // the rule was exercised, not skipped
  EXPECT_GT(valid - ccl_zero, 1000);  // and so were the decisions that let the pack charge
  EXPECT_GT(held, 10);
}

// The cases that broke it on 7a0cc31: CCL 0 from a derating table, CVL left at absorption.
TEST(ChargeInvariants,
     GIVEN_cold_cells_above_the_bms_cutoff_WHEN_the_table_zeroes_ccl_THEN_cvl_holds) {
  tinybms::BmsSettings s = factory_settings();
  s.low_temp_charge_cutoff_c = -10;  // reg 320
  ChargeController controller;
  test::Drive drive{controller, s};
  test::Pack pack;
  pack.cell_mv = 3325.0F;  // 53.2 V
  pack.temp_c = -3.0F;
  const msg::ChargeDecision d = drive.hold(pack, 5 * test::kMinute);
  ASSERT_TRUE(d.valid);
  EXPECT_FLOAT_EQ(d.ccl_a, 0.0F);
  EXPECT_LE(d.cvl_v, 53.2F + 1e-3F);
  EXPECT_EQ(check_decision(d), DecisionFault::none);
}

TEST(ChargeInvariants,
     GIVEN_hot_cells_below_a_high_cutoff_WHEN_the_table_zeroes_ccl_THEN_cvl_holds) {
  tinybms::BmsSettings s = factory_settings();
  s.over_heat_cutoff_c = 90;  // reg 319
  ChargeController controller;
  test::Drive drive{controller, s};
  test::Pack pack;
  pack.cell_mv = 3325.0F;
  pack.temp_c = 60.0F;
  const msg::ChargeDecision d = drive.hold(pack, 5 * test::kMinute);
  ASSERT_TRUE(d.valid);
  EXPECT_FLOAT_EQ(d.ccl_a, 0.0F);
  EXPECT_LE(d.cvl_v, 53.2F + 1e-3F);
}

// The guard on its own: each rule is enforced, and check_decision names what is broken.
TEST(DecisionGuard, GIVEN_a_decision_breaking_each_rule_WHEN_enforced_THEN_it_keeps_them_all) {
  msg::ChargeDecision d;
  d.valid = true;
  d.cvl_v = 70.0F;  // above 16 x 3.65 = 58.4
  d.ccl_a = 0.02F;  // 0.0 A on the wire
  d.dcl_a = 500.0F;
  d.dvl_v = 60.0F;
  d.pack_v = 52.97F;
  d.cvl_ceiling_v = 58.4F;
  d.ccl_ceiling_a = 150.0F;
  d.dcl_ceiling_a = 200.0F;
  EXPECT_NE(check_decision(d), DecisionFault::none);
  EXPECT_TRUE(enforce_invariants(d));
  EXPECT_EQ(check_decision(d), DecisionFault::none);
  EXPECT_FLOAT_EQ(d.ccl_a, 0.0F);
  EXPECT_FLOAT_EQ(d.cvl_v, 52.9F);  // rounded down to the wire's 0.1 V
  EXPECT_FLOAT_EQ(d.dcl_a, 200.0F);
  EXPECT_LE(d.dvl_v, 52.8F + 1e-4F);
  EXPECT_FALSE(enforce_invariants(d));  // already fine: nothing changes
}

TEST(DecisionGuard, GIVEN_a_decision_without_bounds_WHEN_enforced_THEN_it_becomes_invalid) {
  msg::ChargeDecision d;
  d.valid = true;
  d.cvl_v = 55.2F;
  d.ccl_a = 10.0F;
  d.dcl_a = 10.0F;
  d.dvl_v = 46.4F;
  EXPECT_EQ(check_decision(d), DecisionFault::bounds_missing);
  enforce_invariants(d);
  EXPECT_FALSE(d.valid);
}

}  // namespace
}  // namespace tbgw::control
