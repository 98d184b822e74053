// VenusLimits: cuts at once, rises gated and ramped, stale policy (zero or hand back).
#include <gtest/gtest.h>

#include "core/venus/venus_limits.hpp"

namespace tbgw::venus {
namespace {

// A 16S LiFePO4 decision with its bounds (decision_guard.hpp): the pack at `pack_v`.
msg::ChargeDecision decision(float cvl, float ccl, float dcl, float dvl = 46.4F,
                             float pack_v = 53.0F) {
  msg::ChargeDecision d;
  d.valid = true;
  d.cvl_v = cvl;
  d.ccl_a = ccl;
  d.dcl_a = dcl;
  d.dvl_v = dvl;
  d.pack_v = pack_v;
  d.cvl_ceiling_v = 58.4F;
  d.ccl_ceiling_a = 150.0F;
  d.dcl_ceiling_a = 200.0F;
  return d;
}

TEST(VenusLimits, GivenNoValidDecisionYet_WhenUpdated_ThenEverythingIsInvalid) {
  VenusLimits l;
  EXPECT_FALSE(l.update(msg::ChargeDecision{}, false, 0).valid);
  EXPECT_FALSE(l.update(msg::ChargeDecision{}, true, 1000).valid);
}

TEST(VenusLimits, GivenFirstValidDecision_WhenUpdated_ThenPublishedAsIs) {
  VenusLimits l;
  const auto p = l.update(decision(55.2F, 100.0F, 150.0F), false, 0);
  ASSERT_TRUE(p.valid);
  EXPECT_FLOAT_EQ(p.cvl_v, 55.2F);
  EXPECT_FLOAT_EQ(p.ccl_a, 100.0F);
  EXPECT_FLOAT_EQ(p.dcl_a, 150.0F);
  EXPECT_FLOAT_EQ(p.dvl_v, 46.4F);
}

TEST(VenusLimits, GivenLowerLimit_WhenUpdated_ThenPublishedAtOnce) {
  VenusLimits l;
  l.update(decision(55.2F, 100.0F, 150.0F), false, 0);
  const auto p = l.update(decision(54.0F, 20.0F, 150.0F), false, 1000);
  EXPECT_FLOAT_EQ(p.cvl_v, 54.0F);
  EXPECT_FLOAT_EQ(p.ccl_a, 20.0F);
}

TEST(VenusLimits, GivenHigherLimit_WhenRiseIntervalNotElapsed_ThenKept) {
  LimitOptions o;
  o.rise_interval_ms = 30'000;
  VenusLimits l(o);
  l.update(decision(55.2F, 20.0F, 150.0F), false, 0);
  for (Millis t = 1000; t < 30'000; t += 1000) {
    EXPECT_FLOAT_EQ(l.update(decision(55.2F, 100.0F, 150.0F), false, t).ccl_a, 20.0F) << t;
  }
}

TEST(VenusLimits, GivenHigherLimit_WhenIntervalsElapse_ThenRisesInQuarterSteps) {
  LimitOptions o;
  o.rise_interval_ms = 30'000;
  VenusLimits l(o);
  l.update(decision(55.2F, 0.0F, 150.0F), false, 0);
  EXPECT_FLOAT_EQ(l.update(decision(55.2F, 100.0F, 150.0F), false, 30'000).ccl_a, 25.0F);
  EXPECT_FLOAT_EQ(l.update(decision(55.2F, 100.0F, 150.0F), false, 60'000).ccl_a, 50.0F);
  EXPECT_FLOAT_EQ(l.update(decision(55.2F, 100.0F, 150.0F), false, 90'000).ccl_a, 75.0F);
  EXPECT_FLOAT_EQ(l.update(decision(55.2F, 100.0F, 150.0F), false, 120'000).ccl_a, 100.0F);
}

TEST(VenusLimits, GivenRiseWithinDeadband_WhenIntervalElapsed_ThenNotPublished) {
  VenusLimits l;
  l.update(decision(55.2F, 100.0F, 150.0F), false, 0);
  EXPECT_FLOAT_EQ(l.update(decision(55.2F, 100.5F, 150.0F), false, 60'000).ccl_a, 100.0F);
}

// systemcalc has no staleness timeout and with ESS feed-in only CVL stops the MPPTs: CVL is held
// at min(last CVL, last pack voltage), valid, so the battery stays the selected BMS.
TEST(VenusLimits, GivenStaleData_WhenDefaultPolicy_ThenCurrentsZeroAndCvlHeldAtThePack) {
  VenusLimits l;
  l.update(decision(55.2F, 100.0F, 150.0F, 46.4F, 52.75F), false, 0);
  const auto p = l.update(decision(55.2F, 100.0F, 150.0F), true, 1000);
  ASSERT_TRUE(p.valid);
  EXPECT_FLOAT_EQ(p.ccl_a, 0.0F);
  EXPECT_FLOAT_EQ(p.dcl_a, 0.0F);
  EXPECT_FLOAT_EQ(p.cvl_v, 52.7F);  // the last pack voltage, rounded down to the wire's 0.1 V
  EXPECT_FLOAT_EQ(p.dvl_v, 46.4F);
  // It stays there for as long as the data is stale (it never climbs back on its own).
  EXPECT_FLOAT_EQ(l.update(decision(55.2F, 100.0F, 150.0F), true, 600'000).cvl_v, 52.7F);
}

TEST(VenusLimits, GivenPublishedCclStillZero_WhenTheDecisionRamps_ThenCvlStaysAtThePack) {
  VenusLimits l;
  l.update(decision(53.0F, 0.0F, 150.0F), false, 0);
  // The decision's CCL rises; the gate publishes it only after the rise interval.
  const auto p = l.update(decision(55.2F, 10.0F, 150.0F), false, 1000);
  EXPECT_FLOAT_EQ(p.ccl_a, 0.0F);
  EXPECT_LE(p.cvl_v, 53.0F);
}

TEST(VenusLimits, GivenStaleThenFresh_WhenUpdated_ThenCurrentsRampFromZero) {
  VenusLimits l;
  l.update(decision(55.2F, 100.0F, 100.0F), false, 0);
  l.update(decision(55.2F, 100.0F, 100.0F), true, 1000);
  EXPECT_FLOAT_EQ(l.update(decision(55.2F, 100.0F, 100.0F), false, 2000).ccl_a, 0.0F);
  EXPECT_FLOAT_EQ(l.update(decision(55.2F, 100.0F, 100.0F), false, 31'000).ccl_a, 25.0F);
}

TEST(VenusLimits, GivenStaleData_WhenHandBackPolicy_ThenAllInvalidAndRampOnReturn) {
  LimitOptions o;
  o.hand_back_when_stale = true;
  VenusLimits l(o);
  l.update(decision(55.2F, 100.0F, 100.0F), false, 0);
  EXPECT_FALSE(l.update(decision(55.2F, 100.0F, 100.0F), true, 1000).valid);
  const auto back = l.update(decision(55.2F, 100.0F, 100.0F), false, 2000);
  ASSERT_TRUE(back.valid);
  EXPECT_FLOAT_EQ(back.ccl_a, 0.0F);
  EXPECT_FLOAT_EQ(back.cvl_v, 53.0F) << "CCL 0: CVL at the pack until the current ramps";
}

}  // namespace
}  // namespace tbgw::venus
