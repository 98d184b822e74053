// ChargeController phases: bulk -> absorption -> float and back, their timers on a fake clock,
// the slow absorption -> float CVL transition, and the phase reasons.
#include <gtest/gtest.h>

#include "unit/charge_fixtures.hpp"

namespace tbgw::control::test {
namespace {

using msg::ChargePhase;

// 16 x 3.445 V = 55.12 V: within 10 mV/cell of the 55.2 V absorption voltage.
Pack at_absorption_voltage(float current_a) {
  Pack p;
  p.cell_mv = 3445.0F;
  p.current_a = current_a;
  p.soc_pct = 99.0;
  p.status = msg::OnlineStatus::charging;
  return p;
}

Pack charging_in_bulk() {
  Pack p;
  p.cell_mv = 3350.0F;
  p.current_a = 80.0F;
  p.soc_pct = 90.0;
  p.status = msg::OnlineStatus::charging;
  return p;
}

Pack full_at_rest() {
  Pack p;
  p.cell_mv = 3380.0F;
  p.soc_pct = 100.0;
  p.status = msg::OnlineStatus::fully_charged;
  return p;
}

TEST(ChargePhases, GIVEN_bulk_WHEN_the_pack_reaches_the_absorption_voltage_THEN_absorption) {
  ChargeController controller;
  Drive drive{controller};
  const msg::ChargeDecision bulk = drive.hold(charging_in_bulk(), 2 * kMinute);
  EXPECT_EQ(bulk.phase, ChargePhase::bulk);
  EXPECT_EQ(text(bulk.phase_reason), "bulk for 119 s (since start); absorption at 55.2 V");
  const msg::ChargeDecision abs = drive.step(at_absorption_voltage(60.0F));
  EXPECT_EQ(abs.phase, ChargePhase::absorption);
  EXPECT_EQ(text(abs.phase_reason),
            "absorption for 0 s of 60 min; ends earlier at 5.6 A tail for 5 min");
}

struct EndCase {
  const char* given;
  float current_a;
  Millis still_absorbing_after;
  Millis float_after;
  const char* float_reason;
};

TEST(ChargePhases, GIVEN_absorption_WHEN_its_timer_or_tail_ends_it_THEN_float_exactly_then) {
  const EndCase cases[] = {
      {"60 A: the 60 min timer", 60.0F, 60 * kMinute - kSecond, 60 * kMinute,
       "float for 0 s (absorption time over); re-bulk below 80 % SOC or 3.200 V"},
      {"4 A (below C/50 = 5.6 A): the tail after 5 min", 4.0F, 5 * kMinute - kSecond, 5 * kMinute,
       "float for 0 s (tail current reached); re-bulk below 80 % SOC or 3.200 V"},
  };
  for (const EndCase& c : cases) {
    SCOPED_TRACE(c.given);
    ChargeController controller;
    Drive drive{controller};
    ASSERT_EQ(drive.step(at_absorption_voltage(c.current_a)).phase, ChargePhase::absorption);
    EXPECT_EQ(drive.hold(at_absorption_voltage(c.current_a), c.still_absorbing_after).phase,
              ChargePhase::absorption);
    const msg::ChargeDecision d =
        drive.hold(at_absorption_voltage(c.current_a), c.float_after - c.still_absorbing_after);
    EXPECT_EQ(d.phase, ChargePhase::float_);
    EXPECT_EQ(text(d.phase_reason), c.float_reason);
  }
}

TEST(ChargePhases, GIVEN_bulk_WHEN_the_bms_reports_fully_charged_THEN_float) {
  ChargeController controller;
  Drive drive{controller};
  drive.hold(charging_in_bulk(), kMinute);
  const msg::ChargeDecision d = drive.step(full_at_rest());
  EXPECT_EQ(d.phase, ChargePhase::float_);
  EXPECT_TRUE(contains(d.phase_reason, "(BMS reported fully charged)"));
}

TEST(ChargePhases, GIVEN_a_full_pack_at_start_WHEN_first_decided_THEN_float_at_the_float_voltage) {
  ChargeController controller;
  Drive drive{controller};
  const msg::ChargeDecision d = drive.step(full_at_rest());
  EXPECT_EQ(d.phase, ChargePhase::float_);
  EXPECT_NEAR(d.cvl_v, 54.0F, 0.001F);
  EXPECT_EQ(text(d.cvl_reason), "CVL 54.00 V: float 3.375 V/cell x 16");
}

struct RebulkCase {
  const char* given;
  double soc_pct;
  float min_cell_mv;
  const char* reason;
};

TEST(ChargePhases, GIVEN_float_WHEN_a_rebulk_condition_holds_60_s_THEN_bulk_not_before) {
  const RebulkCase cases[] = {
      {"SOC 79 %", 79.0, 3300.0F, "bulk for 0 s (SOC fell below the re-bulk level)"},
      {"a cell at 3.19 V", 95.0, 3190.0F, "bulk for 0 s (a cell fell below the re-bulk voltage)"},
  };
  for (const RebulkCase& c : cases) {
    SCOPED_TRACE(c.given);
    ChargeController controller;
    Drive drive{controller};
    ASSERT_EQ(drive.step(full_at_rest()).phase, ChargePhase::float_);
    Pack low;
    low.soc_pct = c.soc_pct;
    low.odd_cell = 2;
    low.odd_cell_mv = c.min_cell_mv;
    low.current_a = -40.0F;
    EXPECT_EQ(drive.hold(low, 59 * kSecond).phase, ChargePhase::float_);
    const msg::ChargeDecision d = drive.step(low);
    EXPECT_EQ(d.phase, ChargePhase::bulk);
    EXPECT_EQ(text(d.phase_reason), std::string(c.reason) + "; absorption at 55.2 V");
  }
}

TEST(ChargePhases, GIVEN_float_WHEN_a_rebulk_condition_is_brief_THEN_float_stays) {
  ChargeController controller;
  Drive drive{controller};
  drive.step(full_at_rest());
  Pack sag = full_at_rest();
  sag.status = msg::OnlineStatus::discharging;
  sag.odd_cell = 5;
  sag.odd_cell_mv = 3150.0F;  // a load step
  for (int i = 0; i < 5; ++i) {
    drive.hold(sag, 30 * kSecond);
    EXPECT_EQ(drive.hold(full_at_rest(), kSecond).phase, ChargePhase::float_);
  }
}

TEST(ChargePhases, GIVEN_absorption_WHEN_charging_is_blocked_for_2_h_THEN_its_timer_pauses) {
  ChargeController controller;
  Drive drive{controller};
  drive.hold(at_absorption_voltage(60.0F), 30 * kMinute);
  Pack cold = at_absorption_voltage(0.0F);
  cold.temp_c = 1.0F;
  const msg::ChargeDecision blocked = drive.hold(cold, 120 * kMinute);
  EXPECT_EQ(blocked.phase, ChargePhase::blocked);
  EXPECT_EQ(controller.charge_phase(), ChargePhase::absorption);
  Pack warm = at_absorption_voltage(60.0F);
  warm.temp_c = 20.0F;
  const msg::ChargeDecision resumed = drive.hold(warm, 29 * kMinute);
  EXPECT_EQ(resumed.phase, ChargePhase::absorption);
  EXPECT_TRUE(contains(resumed.phase_reason, "absorption for 58 min of 60 min"));
  EXPECT_EQ(drive.hold(warm, 2 * kMinute).phase, ChargePhase::float_);
}

TEST(ChargePhases, GIVEN_float_is_entered_WHEN_cvl_moves_down_THEN_at_most_0_064_V_per_min) {
  ChargeController controller;
  Drive drive{controller};
  drive.hold(at_absorption_voltage(60.0F), 60 * kMinute);
  msg::ChargeDecision d = drive.step(at_absorption_voltage(60.0F));
  ASSERT_EQ(d.phase, ChargePhase::float_);
  ASSERT_NEAR(d.cvl_v, 55.2F, 0.002F);
  EXPECT_TRUE(contains(d.cvl_reason, "moving to float 54.00 V at 0.06 V/min"));
  float last = d.cvl_v;
  Millis reached = 0;
  for (int s = 1; s <= 25 * 60; ++s) {
    d = drive.step(at_absorption_voltage(60.0F));
    EXPECT_LE(last - d.cvl_v, 0.064F / 60.0F + 1e-4F) << "at " << s << " s";
    EXPECT_LE(d.cvl_v, last);
    last = d.cvl_v;
    if (reached == 0 && d.cvl_v <= 54.0F + 1e-4F) reached = s;
  }
  EXPECT_NEAR(last, 54.0F, 0.001F);
  EXPECT_NEAR(static_cast<double>(reached), 1.2 / 0.064 * 60.0, 5.0) << "18.75 min";
  EXPECT_EQ(text(d.cvl_reason), "CVL 54.00 V: float 3.375 V/cell x 16");
}

TEST(ChargePhases, GIVEN_float_for_12_min_WHEN_described_THEN_the_reason_says_so) {
  ChargeController controller;
  Drive drive{controller};
  drive.step(full_at_rest());
  const msg::ChargeDecision d = drive.hold(full_at_rest(), 12 * kMinute);
  EXPECT_EQ(text(d.phase_reason),
            "float for 12 min (BMS reported fully charged); re-bulk below 80 % SOC or 3.200 V");
}

}  // namespace
}  // namespace tbgw::control::test
