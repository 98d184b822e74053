// core/history: record format, 1-minute / 15-minute aggregation (min/mean/max per field and
// per cell), bucket edges, the clock rules (backward steps, unset clock) and a simulated month.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "core/history/aggregator.hpp"
#include "core/history/history_tiers.hpp"

namespace tbgw::history {
namespace {

constexpr std::int64_t kT0 = 1'700'000'000'000 - 1'700'000'000'000 % kQuarterHourMs;  // 2023

HistoryRecord rec(std::int64_t t, float base) {
  HistoryRecord r;
  r.unix_ms = t;
  r.cell_count = 16;
  r.status_raw = 0x97;
  for (std::size_t i = 0; i < kFieldCount; ++i) r.values[i] = base + static_cast<float>(i);
  return r;
}

TEST(Aggregator, GivenSamplesInOneMinute_WhenNextMinuteStarts_ThenMinMeanMaxOfEveryField) {
  Aggregator agg(kMinuteMs);
  const float bases[] = {10.0F, 30.0F, 20.0F};
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(agg.add(rec(kT0 + i * 1000, bases[i])));
  const auto row = agg.add(rec(kT0 + kMinuteMs, 0.0F));
  ASSERT_TRUE(row);
  EXPECT_EQ(row->bucket_start_ms, kT0);
  EXPECT_EQ(row->sample_count, 3U);
  for (std::size_t i = 0; i < kFieldCount; ++i) {  // includes cell1_mv..cell16_mv
    const float f = static_cast<float>(i);
    EXPECT_FLOAT_EQ(row->min[i], 10.0F + f) << kFields[i].name;
    EXPECT_FLOAT_EQ(row->mean[i], 20.0F + f) << kFields[i].name;
    EXPECT_FLOAT_EQ(row->max[i], 30.0F + f) << kFields[i].name;
  }
}

TEST(Aggregator, GivenOneCellDiffers_ThenOnlyThatCellsStatisticsMove) {
  Aggregator agg(kMinuteMs);
  HistoryRecord a = rec(kT0, 0.0F), b = rec(kT0 + 1000, 0.0F);
  b.values[kFirstCellField + 6] = 3650.0F;  // cell 7
  agg.add(a);
  agg.add(b);
  const auto row = agg.flush();
  ASSERT_TRUE(row);
  EXPECT_FLOAT_EQ(row->max[kFirstCellField + 6], 3650.0F);
  EXPECT_FLOAT_EQ(row->max[kFirstCellField + 5], a.values[kFirstCellField + 5]);
}

TEST(Aggregator, GivenNaNValues_ThenSkippedAndAllNaNStaysNaN) {
  Aggregator agg(kMinuteMs);
  HistoryRecord a = rec(kT0, 1.0F), b = rec(kT0 + 1000, 3.0F);
  a.set(Field::temp_external1_c, kNoValue);
  a.set(Field::temp_external2_c, kNoValue);
  b.set(Field::temp_external2_c, kNoValue);
  agg.add(a);
  agg.add(b);
  const auto row = agg.flush();
  ASSERT_TRUE(row);
  const auto e1 = static_cast<std::size_t>(Field::temp_external1_c);
  const auto e2 = static_cast<std::size_t>(Field::temp_external2_c);
  EXPECT_FLOAT_EQ(row->mean[e1], b.values[e1]);
  EXPECT_TRUE(std::isnan(row->min[e2]) && std::isnan(row->mean[e2]) && std::isnan(row->max[e2]));
}

TEST(Aggregator, GivenBucketEdges_ThenAlignedOnTheEpoch) {
  const struct {
    std::int64_t t, start;
  } cases[] = {{kT0, kT0}, {kT0 + 59'999, kT0}, {kT0 + 60'000, kT0 + 60'000}, {-1, -60'000}};
  Aggregator agg(kMinuteMs);
  for (const auto& c : cases) EXPECT_EQ(agg.bucket_start(c.t), c.start) << c.t;
}

TEST(Aggregator, GivenClockStepsBack_ThenOlderSamplesDroppedAndCountedAndBucketsStayOrdered) {
  Aggregator agg(kMinuteMs);
  std::vector<AggregateRow> rows;
  const std::int64_t times[] = {kT0, kT0 + 61'000, kT0 + 5'000, kT0 + 61'000, kT0 + 130'000};
  for (const auto t : times) {
    if (auto r = agg.add(rec(t, 1.0F))) rows.push_back(*r);
  }
  if (auto r = agg.flush()) rows.push_back(*r);
  EXPECT_EQ(agg.dropped_not_after_last(), 2U);
  ASSERT_EQ(rows.size(), 3U);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    EXPECT_GT(rows[i].bucket_start_ms, rows[i - 1].bucket_start_ms);
  }
  EXPECT_EQ(rows[0].sample_count, 1U);
}

TEST(HistoryTiers, GivenUnsetClockOrOlderThanStored_ThenDroppedWithTheirOwnCounters) {
  HistoryTiers tiers;
  tiers.seed(kT0 + 10'000);
  EXPECT_FALSE(tiers.add(rec(86'400'000, 1.0F)).raw_accepted);  // 1970-01-02
  EXPECT_FALSE(tiers.add(rec(kT0 + 10'000, 1.0F)).raw_accepted);
  EXPECT_TRUE(tiers.add(rec(kT0 + 11'000, 1.0F)).raw_accepted);
  EXPECT_EQ(tiers.stats().dropped_clock_unset, 1U);
  EXPECT_EQ(tiers.stats().dropped_not_after_last, 1U);
  EXPECT_EQ(tiers.stats().accepted, 1U);
}

TEST(HistoryTiers, GivenASimulatedMonthAt1Hz_ThenOneRowPerMinuteAndQuarterWithTrueMeans) {
  HistoryTiers tiers;
  std::uint64_t minutes = 0, quarters = 0, samples_in_quarters = 0;
  std::int64_t last_quarter = 0;
  constexpr std::int64_t kDays = 30;
  for (std::int64_t s = 0; s < kDays * 86'400; ++s) {
    // A slow saw so means are known: value = second within the quarter hour.
    const auto out = tiers.add(rec(kT0 + s * 1000, static_cast<float>(s % 900)));
    minutes += out.minute ? 1 : 0;
    if (out.quarter) {
      ++quarters;
      samples_in_quarters += out.quarter->sample_count;
      EXPECT_GT(out.quarter->bucket_start_ms, last_quarter);
      last_quarter = out.quarter->bucket_start_ms;
      ASSERT_NEAR(out.quarter->mean[0], 449.5F, 1e-3F);
    }
  }
  const auto tail = tiers.flush();
  minutes += tail.minute ? 1 : 0;
  quarters += tail.quarter ? 1 : 0;
  EXPECT_EQ(minutes, static_cast<std::uint64_t>(kDays * 1440));
  EXPECT_EQ(quarters, static_cast<std::uint64_t>(kDays * 96));
  EXPECT_EQ(samples_in_quarters, static_cast<std::uint64_t>(kDays * 86'400 - 900));
}

TEST(HistoryRecord, GivenASnapshot_ThenAbsentSensorsAndUnusedCellsAreNoValue) {
  msg::BatterySnapshot s;
  s.cell_count = 4;
  s.cell_mv = {3300.1F, 3300.2F, 3300.3F, 3300.4F};
  s.temp_present = {true, false, false};
  s.temps_c = {25.0F, 0.0F, 0.0F};
  s.pack_voltage_v = 13.2F;
  const HistoryRecord r = make_record(s, kT0);
  EXPECT_FLOAT_EQ(r.cell_mv(3), 3300.4F);
  EXPECT_TRUE(std::isnan(r.cell_mv(4)));
  EXPECT_TRUE(std::isnan(r.get(Field::temp_external1_c)));
  EXPECT_FLOAT_EQ(r.get(Field::temp_internal_c), 25.0F);
  EXPECT_EQ(r.unix_ms, kT0);
}

}  // namespace
}  // namespace tbgw::history
