// EnergyPeriods: per-day, per-month and lifetime totals from successive EnergyCounters, with a
// fake wall clock: local-midnight roll-over with a UTC offset, month ends (30/31 days, leap
// February), skipped days, a clock going back, an implausible (unsynced) clock, counter
// resets, cycles, and the flat state round trip.
#include "core/energy/energy_periods.hpp"

#include <gtest/gtest.h>

namespace tbgw::energy {
namespace {

constexpr std::int32_t kUtc = 0;
constexpr std::int32_t kCest = 2 * 3600;
constexpr double kCapacityAh = 100.0;

std::int64_t unix_at(std::int32_t y, std::int32_t m, std::int32_t d, std::int64_t hh = 0,
                     std::int64_t mm = 0) {
  const CivilDate date{y, static_cast<std::uint8_t>(m), static_cast<std::uint8_t>(d)};
  return std::int64_t{days_from_civil(date)} * 86'400 + hh * 3600 + mm * 60;
}

msg::EnergyCounters totals(double wh_in, double wh_out, double ah_in, double ah_out) {
  msg::EnergyCounters c;
  c.wh_charged = wh_in;
  c.wh_discharged = wh_out;
  c.ah_charged = ah_in;
  c.ah_discharged = ah_out;
  return c;
}

TEST(EnergyPeriods, GIVEN_dates_WHEN_converted_THEN_calendar_round_trips) {
  const CivilDate dates[] = {{1970, 1, 1},   {2000, 2, 29}, {2024, 2, 29},
                             {2024, 12, 31}, {2025, 3, 1},  {2100, 3, 1}};
  for (const CivilDate& d : dates) EXPECT_EQ(civil_from_days(days_from_civil(d)), d) << d.year;
  EXPECT_EQ(days_from_civil({1970, 1, 1}), 0);
  EXPECT_EQ(local_day_key(-1, kUtc), -1) << "floor, not truncation";
}

TEST(EnergyPeriods, GIVEN_increasing_totals_WHEN_updated_in_one_day_THEN_day_month_lifetime_add) {
  EnergyPeriods p;
  p.update(totals(1000, 500, 20, 10), unix_at(2025, 6, 10, 8), kUtc, kCapacityAh);
  p.update(totals(1600, 900, 32, 18), unix_at(2025, 6, 10, 12), kUtc, kCapacityAh);
  p.update(totals(1700, 1500, 34, 30), unix_at(2025, 6, 10, 20), kUtc, kCapacityAh);
  EXPECT_EQ(p.today().key, days_from_civil({2025, 6, 10}));
  EXPECT_DOUBLE_EQ(p.today().totals.wh_charged, 700.0) << "the first update only anchors";
  EXPECT_DOUBLE_EQ(p.today().totals.wh_discharged, 1000.0);
  EXPECT_DOUBLE_EQ(p.today().totals.ah_charged, 14.0);
  EXPECT_DOUBLE_EQ(p.today().totals.ah_discharged, 20.0);
  EXPECT_DOUBLE_EQ(p.today().totals.cycles, 0.2);
  EXPECT_EQ(p.this_month().key, month_key(2025, 6));
  EXPECT_EQ(p.this_month().totals, p.today().totals);
  EXPECT_EQ(p.lifetime(), p.today().totals);
}

TEST(EnergyPeriods, GIVEN_utc_offset_WHEN_local_midnight_passes_THEN_day_rolls_then) {
  EnergyPeriods p;
  p.update(totals(0, 0, 0, 0), unix_at(2025, 6, 10, 21), kCest, kCapacityAh);  // 23:00 local
  p.update(totals(100, 0, 2, 0), unix_at(2025, 6, 10, 21, 59), kCest, kCapacityAh);
  EXPECT_EQ(p.today().key, days_from_civil({2025, 6, 10}));
  p.update(totals(150, 0, 3, 0), unix_at(2025, 6, 10, 22, 1), kCest, kCapacityAh);  // 00:01 local
  EXPECT_EQ(p.today().key, days_from_civil({2025, 6, 11}));
  EXPECT_DOUBLE_EQ(p.today().totals.wh_charged, 50.0);
  ASSERT_EQ(p.previous_day_count(), 1U);
  EXPECT_EQ(p.previous_day(0).key, days_from_civil({2025, 6, 10}));
  EXPECT_DOUBLE_EQ(p.previous_day(0).totals.wh_charged, 100.0);
}

struct MonthEndCase {
  CivilDate last_day;
  CivilDate next_day;
};

TEST(EnergyPeriods, GIVEN_last_day_of_a_month_WHEN_midnight_passes_THEN_month_rolls_too) {
  const MonthEndCase cases[] = {{{2025, 1, 31}, {2025, 2, 1}},
                                {{2025, 2, 28}, {2025, 3, 1}},
                                {{2024, 2, 29}, {2024, 3, 1}},
                                {{2025, 4, 30}, {2025, 5, 1}},
                                {{2025, 12, 31}, {2026, 1, 1}}};
  for (const MonthEndCase& c : cases) {
    EnergyPeriods p;
    const std::int64_t last = std::int64_t{days_from_civil(c.last_day)} * 86'400;
    p.update(totals(0, 0, 0, 0), last + 3600, kUtc, kCapacityAh);
    p.update(totals(10, 0, 0, 0), last + 86'399, kUtc, kCapacityAh);
    EXPECT_EQ(p.previous_month_count(), 0U) << c.last_day.month;
    p.update(totals(15, 0, 0, 0), last + 86'400, kUtc, kCapacityAh);
    EXPECT_EQ(p.this_month().key, month_key(c.next_day.year, c.next_day.month));
    EXPECT_EQ(p.today().key, days_from_civil(c.next_day));
    ASSERT_EQ(p.previous_month_count(), 1U);
    EXPECT_EQ(p.previous_month(0).key, month_key(c.last_day.year, c.last_day.month));
    EXPECT_DOUBLE_EQ(p.previous_month(0).totals.wh_charged, 10.0);
    EXPECT_DOUBLE_EQ(p.this_month().totals.wh_charged, 5.0);
  }
}

TEST(EnergyPeriods, GIVEN_days_without_updates_WHEN_clock_returns_THEN_skipped_days_are_zero) {
  EnergyPeriods p;
  p.update(totals(0, 0, 0, 0), unix_at(2025, 6, 10, 8), kUtc, kCapacityAh);
  p.update(totals(10, 0, 0, 0), unix_at(2025, 6, 10, 9), kUtc, kCapacityAh);
  p.update(totals(30, 0, 0, 0), unix_at(2025, 6, 13, 9), kUtc, kCapacityAh);
  ASSERT_EQ(p.previous_day_count(), 3U);
  EXPECT_EQ(p.previous_day(0).key, days_from_civil({2025, 6, 12}));
  EXPECT_DOUBLE_EQ(p.previous_day(0).totals.wh_charged, 0.0);
  EXPECT_EQ(p.previous_day(2).key, days_from_civil({2025, 6, 10}));
  EXPECT_DOUBLE_EQ(p.today().totals.wh_charged, 20.0);
  EXPECT_TRUE(p.find_day(days_from_civil({2025, 6, 11})).has_value());
}

TEST(EnergyPeriods, GIVEN_many_days_WHEN_rolled_THEN_only_the_last_31_days_and_24_months_kept) {
  EnergyPeriods p;
  const std::int64_t start = unix_at(2023, 1, 1, 12);
  for (int d = 0; d < 800; ++d) {
    p.update(totals(d, 0, 0, 0), start + std::int64_t{d} * 86'400, kUtc, kCapacityAh);
  }
  EXPECT_EQ(p.previous_day_count(), EnergyPeriods::kDays);
  EXPECT_EQ(p.previous_month_count(), EnergyPeriods::kMonths);
  EXPECT_EQ(p.previous_day(30).key, p.today().key - 31);
  EXPECT_DOUBLE_EQ(p.lifetime().wh_charged, 799.0);
  // A jump of years: the history becomes zero records right before today.
  p.update(totals(900, 0, 0, 0), start + 4000LL * 86'400, kUtc, kCapacityAh);
  EXPECT_EQ(p.previous_day(0).key, p.today().key - 1);
  EXPECT_DOUBLE_EQ(p.previous_day(0).totals.wh_charged, 0.0);
  EXPECT_EQ(p.previous_month(0).key, p.this_month().key - 1);
}

TEST(EnergyPeriods, GIVEN_clock_jumps_back_a_day_WHEN_updated_THEN_current_day_keeps_counting) {
  EnergyPeriods p;
  p.update(totals(0, 0, 0, 0), unix_at(2025, 6, 10, 8), kUtc, kCapacityAh);
  p.update(totals(10, 0, 0, 0), unix_at(2025, 6, 11, 1), kUtc, kCapacityAh);
  p.update(totals(25, 0, 0, 0), unix_at(2025, 6, 10, 23), kUtc, kCapacityAh);  // back
  EXPECT_EQ(p.today().key, days_from_civil({2025, 6, 11}));
  EXPECT_DOUBLE_EQ(p.today().totals.wh_charged, 25.0);
  EXPECT_EQ(p.previous_day_count(), 1U) << "no period moved back, none reordered";
  p.update(totals(30, 0, 0, 0), unix_at(2025, 6, 12, 0, 5), kUtc, kCapacityAh);
  EXPECT_EQ(p.previous_day(0).key, days_from_civil({2025, 6, 11}));
  EXPECT_DOUBLE_EQ(p.today().totals.wh_charged, 5.0);
}

TEST(EnergyPeriods, GIVEN_unsynced_clock_WHEN_it_syncs_THEN_energy_goes_to_the_first_real_day) {
  EnergyPeriods p;
  p.update(totals(0, 0, 0, 0), 120, kUtc, kCapacityAh);  // 1970: a Pi without RTC
  p.update(totals(40, 0, 0, 0), 180, kUtc, kCapacityAh);
  EXPECT_FALSE(p.started());
  EXPECT_DOUBLE_EQ(p.lifetime().wh_charged, 40.0);
  p.update(totals(50, 0, 0, 0), unix_at(2025, 6, 10, 8), kUtc, kCapacityAh);
  EXPECT_TRUE(p.started());
  EXPECT_DOUBLE_EQ(p.today().totals.wh_charged, 50.0);
  EXPECT_EQ(p.previous_day_count(), 0U);
}

TEST(EnergyPeriods, GIVEN_counters_reset_WHEN_updated_THEN_nothing_subtracted_and_reanchored) {
  EnergyPeriods p;
  p.update(totals(100, 100, 10, 10), unix_at(2025, 6, 10, 8), kUtc, kCapacityAh);
  p.update(totals(200, 150, 12, 20), unix_at(2025, 6, 10, 9), kUtc, kCapacityAh);
  p.update(totals(5, 5, 1, 1), unix_at(2025, 6, 10, 10), kUtc, kCapacityAh);  // user reset
  p.update(totals(15, 5, 2, 51), unix_at(2025, 6, 10, 11), kUtc, kCapacityAh);
  EXPECT_DOUBLE_EQ(p.today().totals.wh_charged, 110.0);
  EXPECT_DOUBLE_EQ(p.today().totals.ah_discharged, 60.0);
  EXPECT_DOUBLE_EQ(p.today().totals.cycles, 0.6);
}

TEST(EnergyPeriods, GIVEN_capacity_changes_or_unknown_WHEN_discharging_THEN_cycles_use_it_then) {
  EnergyPeriods p;
  p.update(totals(0, 0, 0, 0), unix_at(2025, 6, 10, 8), kUtc, 100.0);
  p.update(totals(0, 0, 0, 50), unix_at(2025, 6, 10, 9), kUtc, 100.0);    // 0.5
  p.update(totals(0, 0, 0, 150), unix_at(2025, 6, 10, 10), kUtc, 200.0);  // +0.5
  p.update(totals(0, 0, 0, 250), unix_at(2025, 6, 10, 11), kUtc, 0.0);    // unknown: +0
  EXPECT_DOUBLE_EQ(p.today().totals.cycles, 1.0);
  EXPECT_DOUBLE_EQ(p.lifetime().ah_discharged, 250.0);
}

TEST(EnergyPeriods, GIVEN_state_WHEN_restored_THEN_continues_identically_and_rejects_bad_state) {
  EnergyPeriods a;
  a.update(totals(0, 0, 0, 0), unix_at(2025, 6, 10, 8), kUtc, kCapacityAh);
  a.update(totals(10, 0, 0, 0), unix_at(2025, 6, 11, 8), kUtc, kCapacityAh);
  EnergyPeriods b;
  ASSERT_TRUE(b.restore(a.state()));
  a.update(totals(12, 0, 0, 0), unix_at(2025, 6, 12, 8), kUtc, kCapacityAh);
  b.update(totals(12, 0, 0, 0), unix_at(2025, 6, 12, 8), kUtc, kCapacityAh);
  EXPECT_EQ(a.today(), b.today());
  EXPECT_EQ(a.previous_day(0), b.previous_day(0));
  EXPECT_EQ(a.lifetime(), b.lifetime());
  EnergyPeriodsState bad = a.state();
  bad.day_count = EnergyPeriods::kDays + 1;
  EXPECT_FALSE(b.restore(bad));
  bad = a.state();
  bad.lifetime.wh_charged = -1.0;
  EXPECT_FALSE(b.restore(bad));
}

}  // namespace
}  // namespace tbgw::energy
