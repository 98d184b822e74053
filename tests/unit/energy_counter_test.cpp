// EnergyCounter: exact trapezoidal integration, charge/discharge split at the zero crossing,
// no energy invented across gaps, clock jumps or bad samples, restore/reset semantics.
#include "core/energy/energy_counter.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace tbgw::energy {
namespace {

constexpr Millis kHourMs = 3'600'000;

msg::BatterySnapshot sample(Millis stamp_ms, float voltage_v, float current_a) {
  msg::BatterySnapshot s;
  s.stamp_ms = stamp_ms;
  s.pack_voltage_v = voltage_v;
  s.pack_current_a = current_a;
  return s;
}

TEST(EnergyCounter, GivenConstantPowerForAnHour_WhenIntegrated_ThenExactWhAndAh) {
  struct Case {
    const char* name;
    float voltage_v;
    float current_a;
    Millis period_ms;
    double wh_charged, wh_discharged, ah_charged, ah_discharged;
  };
  const Case cases[] = {
      {"charge 1 kW at 1 Hz", 50.0F, 20.0F, 1000, 1000.0, 0.0, 20.0, 0.0},
      {"discharge 600 W at 4 Hz", 48.0F, -12.5F, 250, 0.0, 600.0, 0.0, 12.5},
      {"charge 520 W at 10 Hz", 52.0F, 10.0F, 100, 520.0, 0.0, 10.0, 0.0},
      {"idle", 53.0F, 0.0F, 1000, 0.0, 0.0, 0.0, 0.0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EnergyCounter counter;
    for (Millis t = 0; t <= kHourMs; t += c.period_ms) {
      (void)counter.on_snapshot(sample(t, c.voltage_v, c.current_a));
    }
    const auto e = counter.snapshot();
    EXPECT_EQ(e.wh_charged, c.wh_charged);
    EXPECT_EQ(e.wh_discharged, c.wh_discharged);
    EXPECT_EQ(e.ah_charged, c.ah_charged);
    EXPECT_EQ(e.ah_discharged, c.ah_discharged);
    EXPECT_EQ(e.stamp_ms, kHourMs);
  }
}

TEST(EnergyCounter, GivenIrregularSampleTimes_WhenConstantPowerForAnHour_ThenStillExact) {
  constexpr unsigned kSeed = 4242;
  std::mt19937 rng(kSeed);
  std::uniform_int_distribution<Millis> step(50, 2'000);
  EnergyCounter counter;
  Millis t = 0;
  while (t < kHourMs) {
    (void)counter.on_snapshot(sample(t, 50.0F, 20.0F));
    t = std::min(kHourMs, t + step(rng));
  }
  (void)counter.on_snapshot(sample(kHourMs, 50.0F, 20.0F));
  EXPECT_EQ(counter.snapshot().wh_charged, 1000.0) << "seed " << kSeed;
  EXPECT_EQ(counter.snapshot().ah_charged, 20.0) << "seed " << kSeed;
}

TEST(EnergyCounter, GivenTwoSamples_WhenCurrentChangesSign_ThenSplitAtTheZeroCrossing) {
  struct Case {
    const char* name;
    float current0_a, current1_a;
    double ah_charged, ah_discharged;
  };
  // One hour between the two samples at 50 V: Wh = 50 x Ah for a constant voltage.
  const Case cases[] = {
      {"both charging", 10.0F, 10.0F, 10.0, 0.0},
      {"both discharging", -4.0F, -8.0F, 0.0, 6.0},
      {"symmetric swing up", -10.0F, 10.0F, 2.5, 2.5},
      {"symmetric swing down", 10.0F, -10.0F, 2.5, 2.5},
      {"zero crossing at 2/3", 20.0F, -10.0F, 20.0 * (2.0 / 3.0) / 2.0, 10.0 * (1.0 / 3.0) / 2.0},
      {"from zero to discharge", 0.0F, -10.0F, 0.0, 5.0},
      {"from charge to zero", 6.0F, 0.0F, 3.0, 0.0},
      {"idle", 0.0F, 0.0F, 0.0, 0.0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EnergyCounter counter(kHourMs);
    EXPECT_EQ(counter.on_snapshot(sample(0, 50.0F, c.current0_a)), SampleOutcome::anchored);
    EXPECT_EQ(counter.on_snapshot(sample(kHourMs, 50.0F, c.current1_a)), SampleOutcome::integrated);
    const auto e = counter.snapshot();
    EXPECT_NEAR(e.ah_charged, c.ah_charged, 1e-12);
    EXPECT_NEAR(e.ah_discharged, c.ah_discharged, 1e-12);
    EXPECT_NEAR(e.wh_charged, 50.0 * c.ah_charged, 1e-9);
    EXPECT_NEAR(e.wh_discharged, 50.0 * c.ah_discharged, 1e-9);
  }
}

struct Step {
  Millis stamp_ms;
  float voltage_v;
  float current_a;
  SampleOutcome expected;
};

// Feeds `steps` and returns the Ah charged (every valid step is at 10 A, 1 Ah = 360 s).
double run_steps(EnergyCounter& counter, const std::vector<Step>& steps) {
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const auto& s = steps[i];
    EXPECT_EQ(counter.on_snapshot(sample(s.stamp_ms, s.voltage_v, s.current_a)), s.expected)
        << "step " << i << ", expected " << to_string(s.expected);
  }
  return counter.snapshot().ah_charged;
}

TEST(EnergyCounter, GivenGapsAroundMaxGap_WhenIntegrated_ThenOnlyShortIntervalsCount) {
  using O = SampleOutcome;
  struct Case {
    const char* name;
    Millis max_gap_ms;
    std::vector<Step> steps;
    double ah_charged;
  };
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  const Case cases[] = {
      {"gap equal to max counts",
       360'000,
       {{0, 50, 10, O::anchored}, {360'000, 50, 10, O::integrated}},
       1.0},
      {"gap one ms over max is skipped",
       360'000,
       {{0, 50, 10, O::anchored}, {360'001, 50, 10, O::gap_skipped}},
       0.0},
      {"link lost then back: only the intervals on each side",
       10'000,
       {{0, 50, 10, O::anchored},
        {9'000, 50, 10, O::integrated},
        {700'000, 50, 10, O::gap_skipped},
        {709'000, 50, 10, O::integrated}},
       2 * 9'000.0 * 10.0 / 3'600'000.0},
      {"clock backwards: nothing added, re-anchored on the new timeline",
       10'000,
       {{100'000, 50, 10, O::anchored},
        {101'000, 50, 10, O::integrated},
        {5'000, 50, 10, O::clock_backwards},
        {6'000, 50, 10, O::integrated}},
       2 * 1'000.0 * 10.0 / 3'600'000.0},
      {"repeated stamp is a duplicate and keeps the first sample",
       10'000,
       {{0, 50, 10, O::anchored},
        {1'000, 50, 10, O::integrated},
        {1'000, 50, 500, O::duplicate},
        {2'000, 50, 10, O::integrated}},
       2 * 1'000.0 * 10.0 / 3'600'000.0},
      {"bad samples are ignored and the previous anchor kept",
       10'000,
       {{0, 50, 10, O::anchored},
        {1'000, 50, nan, O::invalid},
        {1'500, -1, 10, O::invalid},
        {1'700, inf, 10, O::invalid},
        {2'000, 50, 10, O::integrated}},
       2'000.0 * 10.0 / 3'600'000.0},
      {"first sample invalid: next valid one anchors",
       10'000,
       {{0, nan, 10, O::invalid}, {1'000, 50, 10, O::anchored}, {2'000, 50, 10, O::integrated}},
       1'000.0 * 10.0 / 3'600'000.0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EnergyCounter counter(c.max_gap_ms);
    EXPECT_DOUBLE_EQ(run_steps(counter, c.steps), c.ah_charged);
    EXPECT_EQ(counter.snapshot().ah_discharged, 0.0);
  }
}

TEST(EnergyCounter, GivenClockBackwardsAndGapsAndBadSamples_ThenEachIsCounted) {
  EnergyCounter counter(10'000);
  (void)counter.on_snapshot(sample(50'000, 50.0F, 1.0F));
  (void)counter.on_snapshot(sample(40'000, 50.0F, 1.0F));  // backwards
  (void)counter.on_snapshot(sample(90'000, 50.0F, 1.0F));  // gap
  (void)counter.on_snapshot(sample(90'000, 50.0F, 1.0F));  // duplicate
  (void)counter.on_snapshot(sample(91'000, -5.0F, 1.0F));  // invalid
  (void)counter.on_snapshot(sample(92'000, 50.0F, 1.0F));  // integrated
  const auto& st = counter.stats();
  EXPECT_EQ(st.clock_backwards, 1U);
  EXPECT_EQ(st.gaps_skipped, 1U);
  EXPECT_EQ(st.duplicates, 1U);
  EXPECT_EQ(st.invalid, 1U);
  EXPECT_EQ(st.integrated, 1U);
}

TEST(EnergyCounter, GivenRestoredCounters_WhenSamplesContinue_ThenTotalsGrowFromRestored) {
  msg::EnergyCounters saved;
  saved.wh_charged = 100.0;
  saved.wh_discharged = 50.0;
  saved.ah_charged = 2.0;
  saved.ah_discharged = 1.0;
  EnergyCounter counter;
  ASSERT_TRUE(counter.restore(saved));
  EXPECT_EQ(counter.snapshot().wh_charged, 100.0);

  for (Millis t = 0; t <= kHourMs; t += 1000) {
    (void)counter.on_snapshot(sample(t, 50.0F, t < kHourMs / 2 ? 20.0F : -20.0F));
  }

  const auto e = counter.snapshot();
  // +20 A for 1799 s, one 1 s interval swinging to -20 A (5 A*s each way), -20 A for 1800 s.
  const double charged_as = 1799 * 20.0 + 5.0;
  const double discharged_as = 1800 * 20.0 + 5.0;
  EXPECT_NEAR(e.ah_charged, 2.0 + charged_as / 3600.0, 1e-12);
  EXPECT_NEAR(e.ah_discharged, 1.0 + discharged_as / 3600.0, 1e-12);
  EXPECT_NEAR(e.wh_charged, 100.0 + 50.0 * charged_as / 3600.0, 1e-9);
  EXPECT_NEAR(e.wh_discharged, 50.0 + 50.0 * discharged_as / 3600.0, 1e-9);
}

TEST(EnergyCounter, GivenInvalidCountersToRestore_ThenRefusedAndTotalsUnchanged) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  struct Case {
    const char* name;
    msg::EnergyCounters c;
  };
  const Case cases[] = {
      {"negative", {0, -1.0, 0.0, 0.0, 0.0}},
      {"nan", {0, 0.0, nan, 0.0, 0.0}},
      {"infinite", {0, 0.0, 0.0, std::numeric_limits<double>::infinity(), 0.0}},
      {"too large to convert", {0, 0.0, 0.0, 0.0, 1e306}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EnergyCounter counter;
    ASSERT_TRUE(counter.restore({0, 7.0, 6.0, 5.0, 4.0}));
    const auto r = counter.restore(c.c);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), EnergyError::invalid_counters);
    EXPECT_EQ(counter.snapshot().wh_charged, 7.0);
    EXPECT_EQ(counter.snapshot().ah_discharged, 4.0);
  }
}

TEST(EnergyCounter, GivenRunningCounter_WhenReset_ThenZeroAndNextIntervalStillCounts) {
  EnergyCounter counter;
  (void)counter.on_snapshot(sample(0, 50.0F, 20.0F));
  (void)counter.on_snapshot(sample(1000, 50.0F, 20.0F));
  ASSERT_GT(counter.snapshot().wh_charged, 0.0);

  counter.reset();
  EXPECT_EQ(counter.snapshot().wh_charged, 0.0);
  EXPECT_EQ(counter.on_snapshot(sample(4'600, 50.0F, 20.0F)), SampleOutcome::integrated);

  EXPECT_EQ(counter.snapshot().wh_charged, 1.0);  // 1 kW for the 3.6 s after the reset
}

TEST(EnergyCounter, GivenMaxGapChangedLive_ThenNextIntervalJudgedByNewValue) {
  EnergyCounter counter(10'000);
  (void)counter.on_snapshot(sample(0, 50.0F, 1.0F));
  counter.set_max_gap_ms(1'000);
  EXPECT_EQ(counter.on_snapshot(sample(5'000, 50.0F, 1.0F)), SampleOutcome::gap_skipped);
  counter.set_max_gap_ms(10'000);
  EXPECT_EQ(counter.on_snapshot(sample(10'000, 50.0F, 1.0F)), SampleOutcome::integrated);
}

TEST(EnergyCounter, GivenSameRandomSequence_WhenRunTwice_ThenBitIdenticalTotals) {
  constexpr unsigned kSeed = 99;
  auto run = [] {
    std::mt19937 rng(kSeed);
    std::uniform_real_distribution<float> current(-100.0F, 100.0F);
    std::uniform_int_distribution<Millis> step(-500, 3'000);  // some backwards, some gaps
    EnergyCounter counter(2'000);
    Millis t = 0;
    for (int i = 0; i < 5'000; ++i) {
      t += step(rng);
      (void)counter.on_snapshot(sample(t, 52.0F, current(rng)));
    }
    return counter.snapshot();
  };
  const auto a = run();
  const auto b = run();
  EXPECT_EQ(a.wh_charged, b.wh_charged) << "seed " << kSeed;
  EXPECT_EQ(a.wh_discharged, b.wh_discharged) << "seed " << kSeed;
  EXPECT_EQ(a.ah_charged, b.ah_charged) << "seed " << kSeed;
  EXPECT_EQ(a.ah_discharged, b.ah_discharged) << "seed " << kSeed;
  EXPECT_GT(a.wh_charged, 0.0);
  EXPECT_GT(a.wh_discharged, 0.0);
}

TEST(EnergyCounter, GivenSlowPollCadence_WhenMaxGapDerived_ThenItsIntervalsStillCount) {
  // poll.live_interval_ms may be set live up to 60 s: the derived gap is three intervals, and
  // never shorter than the default.
  EXPECT_EQ(EnergyCounter::max_gap_for_live_interval(1'000), EnergyCounter::kDefaultMaxGapMs);
  EXPECT_EQ(EnergyCounter::max_gap_for_live_interval(20'000), 60'000);
  EnergyCounter counter(EnergyCounter::max_gap_for_live_interval(20'000));
  (void)counter.on_snapshot(sample(0, 50.0F, 20.0F));
  EXPECT_EQ(counter.on_snapshot(sample(20'000, 50.0F, 20.0F)), SampleOutcome::integrated);
  EXPECT_DOUBLE_EQ(counter.snapshot().wh_charged, 50.0 * 20.0 * 20.0 / 3600.0);
}

}  // namespace
}  // namespace tbgw::energy
