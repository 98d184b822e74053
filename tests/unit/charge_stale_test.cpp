// ChargeController validity and stale BMS data: nothing before the first usable snapshot, the
// two policies (stop_transmitting, hold_safe) with their timeouts, the link-loss shortcut, and
// the recovery when data comes back. Fake clock.
#include <gtest/gtest.h>

#include "unit/charge_fixtures.hpp"

namespace tbgw::control::test {
namespace {

ChargeParams hold_safe() {
  ChargeParams p;
  p.stale_policy = StalePolicy::hold_safe;
  return p;
}

TEST(ChargeValidity, GIVEN_no_snapshot_yet_WHEN_ticked_THEN_invalid) {
  const ChargeController controller;
  const msg::ChargeDecision d = controller.tick(kT0);
  EXPECT_FALSE(d.valid);
  EXPECT_EQ(text(d.cvl_reason), "no BMS data yet");
}

struct RefusedCase {
  const char* given;
  std::uint16_t series_cells;
  std::uint16_t ovp_cell_mv;
  const char* reason;
};

TEST(ChargeValidity, GIVEN_settings_that_cannot_carry_a_decision_WHEN_updated_THEN_invalid) {
  const RefusedCase cases[] = {
      {"settings not read", 0, 3650, "BMS settings not read yet"},
      {"reg 307 = 3", 3, 3650, "BMS series cell count (reg 307) outside 4-16"},
      {"reg 315 below reg 316 + margins", 16, 2900,
       "BMS cell voltage cutoffs (reg 315/316) implausible"},
  };
  for (const RefusedCase& c : cases) {
    SCOPED_TRACE(c.given);
    ChargeController controller;
    tinybms::BmsSettings s = factory_settings();
    s.series_cells = c.series_cells;
    s.over_voltage_cutoff_cell_mv = c.ovp_cell_mv;
    const msg::ChargeDecision d = controller.update(Pack{}.at(kT0), s, kT0);
    EXPECT_FALSE(d.valid);
    EXPECT_EQ(text(d.ccl_reason), c.reason);
  }
}

TEST(ChargeValidity, GIVEN_a_snapshot_older_than_the_timeout_WHEN_updated_THEN_ignored) {
  ChargeController controller;
  const msg::ChargeDecision d =
      controller.update(Pack{}.at(kT0), factory_settings(), kT0 + 5 * kSecond + 1);
  EXPECT_FALSE(d.valid);
}

TEST(ChargeStale, GIVEN_stop_transmitting_WHEN_data_is_older_than_the_timeout_THEN_invalid) {
  for (const Millis timeout_ms : {Millis{1'000}, Millis{5'000}, Millis{30'000}}) {
    SCOPED_TRACE(timeout_ms);
    ChargeParams p;
    p.stale_timeout_ms = timeout_ms;
    ChargeController controller(p);
    ASSERT_TRUE(controller.update(Pack{}.at(kT0), factory_settings(), kT0).valid);
    EXPECT_TRUE(controller.tick(kT0 + timeout_ms).valid);
    const msg::ChargeDecision d = controller.tick(kT0 + timeout_ms + 1);
    EXPECT_FALSE(d.valid);
    EXPECT_TRUE(contains(d.ccl_reason,
                         "old: not transmitting, the GX stops charging and discharging after 3 s"));
  }
}

TEST(ChargeStale, GIVEN_data_WHEN_the_poller_reports_the_link_lost_THEN_invalid_at_once) {
  ChargeController controller;
  ASSERT_TRUE(controller.update(Pack{}.at(kT0), factory_settings(), kT0).valid);
  controller.on_link({kT0 + 3000, msg::LinkStatus::lost, msg::LinkLossReason::timeout}, kT0 + 3000);
  const msg::ChargeDecision d = controller.tick(kT0 + 3000);
  EXPECT_FALSE(d.valid);
  EXPECT_EQ(text(d.ccl_reason),
            "BMS data 3 s old (link lost): not transmitting, the GX stops charging and "
            "discharging after 3 s");
  controller.on_link({kT0 + 3500, msg::LinkStatus::up, msg::LinkLossReason::none}, kT0 + 3500);
  EXPECT_TRUE(controller.tick(kT0 + 3500).valid) << "link up and data 3.5 s old: fresh enough";
  EXPECT_FALSE(controller.tick(kT0 + 5001).valid) << "but no new snapshot came";
}

TEST(ChargeStale, GIVEN_hold_safe_and_mid_range_cells_WHEN_stale_THEN_ccl_0_dcl_kept_for_20_min) {
  ChargeController controller(hold_safe());
  Drive drive{controller};
  const msg::ChargeDecision good = drive.hold(Pack{}, 10 * kMinute);  // 3.300 V cells
  ASSERT_EQ(good.ccl_a, 100.0F);
  const Millis last = drive.now;

  const msg::ChargeDecision held = controller.tick(last + 6 * kSecond);
  ASSERT_TRUE(held.valid);
  EXPECT_EQ(held.ccl_a, 0.0F);
  EXPECT_EQ(held.dcl_a, good.dcl_a);
  EXPECT_EQ(held.dvl_v, good.dvl_v);
  EXPECT_NEAR(held.cvl_v, 52.8F, 0.001F) << "held at the last pack voltage";
  EXPECT_EQ(held.phase, msg::ChargePhase::blocked);
  EXPECT_EQ(text(held.ccl_reason), "CCL 0: BMS data 6 s old");
  EXPECT_EQ(text(held.dcl_reason), "DCL kept: cells were 3.300-3.300 V at the last data");
  EXPECT_EQ(text(held.phase_reason), "charging blocked: BMS data 6 s old; hold ends in 19 min");

  EXPECT_TRUE(controller.tick(last + 20 * kMinute - 1).valid);
  const msg::ChargeDecision over = controller.tick(last + 20 * kMinute);
  EXPECT_FALSE(over.valid);
  EXPECT_EQ(text(over.ccl_reason), "BMS data 20 min old, hold time 20 min over: not transmitting");
}

TEST(ChargeStale, GIVEN_hold_safe_and_cells_near_full_WHEN_stale_THEN_invalid_at_the_timeout) {
  ChargeController controller(hold_safe());
  Drive drive{controller};
  Pack pack;
  pack.cell_mv = 3400.0F;
  pack.odd_cell = 6;
  pack.odd_cell_mv = 3420.0F;
  drive.hold(pack, kMinute);
  const msg::ChargeDecision d = controller.tick(drive.now + 5 * kSecond + 1);
  EXPECT_FALSE(d.valid);
  EXPECT_EQ(text(d.ccl_reason),
            "BMS data 5 s old, cells were not mid-range (3.400-3.420 V): not transmitting");
}

TEST(ChargeStale, GIVEN_stale_data_WHEN_fresh_data_returns_THEN_valid_and_ccl_ramps_from_0) {
  ChargeController controller;
  Drive drive{controller};
  const msg::ChargeDecision before = drive.hold(Pack{}, 10 * kMinute);
  drive.now += 2 * kMinute;  // BMS unplugged for 2 minutes
  ASSERT_FALSE(controller.tick(drive.now).valid);

  msg::ChargeDecision d = drive.step(Pack{});
  EXPECT_TRUE(d.valid);
  EXPECT_EQ(d.ccl_a, 0.0F);
  EXPECT_EQ(text(d.ccl_reason), "CCL rising to 100.0 A at 20.0 A/min");
  EXPECT_EQ(d.dcl_a, before.dcl_a) << "DCL never starts at an artificial 0";
  // CCL 0 holds CVL at the pack voltage (16 x 3.300 V) until the current ramps.
  EXPECT_FLOAT_EQ(d.cvl_v, 52.8F);
  EXPECT_EQ(text(d.cvl_reason), "CVL held at 52.8 V (pack voltage) while CCL is 0");
  d = drive.hold(Pack{}, 20 * kSecond);
  EXPECT_NEAR(d.ccl_a, 20.0F / 3.0F, 0.01F);
  EXPECT_EQ(d.cvl_v, before.cvl_v) << "then CVL is the phase's again";
  d = drive.hold(Pack{}, 5 * kMinute);
  EXPECT_EQ(d.ccl_a, 100.0F);
}

}  // namespace
}  // namespace tbgw::control::test
