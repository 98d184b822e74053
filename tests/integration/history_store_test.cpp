// HistoryStore on a real filesystem: round trip of every tier, retention, the size cap, bad
// files moved aside, write failures (read-only directory, file size limit) reported as a status,
// export round trip (CSV and JSON Lines), and the worker end to end.
#include "platform/linux/history_store.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "core/history/history_tiers.hpp"
#include "integration/error_text.hpp"
#include "integration/file_size_limit.hpp"
#include "integration/temp_dir.hpp"
#include "platform/linux/history_export.hpp"
#include "platform/linux/history_worker.hpp"

namespace tbgw::platform {
namespace {

namespace fs = std::filesystem;
using history::HistoryRecord;
using history::kFieldCount;
using history::kFields;
using test::TempDir;

constexpr std::int64_t kT0 = 1'700'000'100'000 - 1'700'000'100'000 % history::kQuarterHourMs;

HistoryRecord rec(std::int64_t t, int k) {
  HistoryRecord r;
  r.unix_ms = t;
  r.cell_count = 16;
  r.status_raw = 0x91;
  r.set(history::Field::pack_voltage_v, 53.125F + 0.001F * static_cast<float>(k % 100));
  r.set(history::Field::pack_current_a, -12.34F);
  r.set(history::Field::soc_pct, 87.65F);
  r.set(history::Field::temp_internal_c, 24.5F);
  r.set(history::Field::temp_external1_c, history::kNoValue);
  r.set(history::Field::temp_external2_c, -3.2F);
  r.set(history::Field::min_cell_mv, 3301.0F);
  r.set(history::Field::max_cell_mv, 3333.0F);
  for (std::size_t i = 0; i < 16; ++i) r.values[history::kFirstCellField + i] = 3301.5F + i * 2;
  return r;
}

// Feeds `seconds` of 1 Hz records through the tiers, written in batches of `per_batch`.
void feed(HistoryStore& store, history::HistoryTiers& tiers, std::int64_t start_ms,
          std::int64_t seconds, int per_batch = 600, std::int64_t step_s = 1) {
  HistoryBatch b;
  for (std::int64_t s = 0; s < seconds; s += step_s) {
    const auto r = rec(start_ms + s * 1000, static_cast<int>(s));
    const auto out = tiers.add(r);
    if (out.raw_accepted) b.raw.push_back(r);
    if (out.minute) b.minute.push_back(*out.minute);
    if (out.quarter) b.quarter.push_back(*out.quarter);
    if (b.raw.size() >= static_cast<std::size_t>(per_batch)) {
      ASSERT_TRUE(store.write(b)) << store.reason();
      b.clear();
    }
  }
  ASSERT_TRUE(store.write(b)) << store.reason();
}

void expect_stored(const HistoryRecord& a, const HistoryRecord& b) {
  EXPECT_EQ(a.unix_ms, b.unix_ms);
  EXPECT_EQ(a.status_raw, b.status_raw);
  for (std::size_t i = 0; i < kFieldCount; ++i) {
    if (std::isnan(a.values[i])) {
      EXPECT_TRUE(std::isnan(b.values[i])) << kFields[i].name;
    } else {
      EXPECT_NEAR(a.values[i], b.values[i], 0.51 / kFields[i].scale) << kFields[i].name;
    }
  }
}

TEST(HistoryStore, GivenABatch_WhenReadBack_ThenEveryFieldAtItsResolutionAndAggregatesToo) {
  TempDir dir;
  HistoryStore store(dir.path());
  ASSERT_TRUE(store.open().ok());
  history::HistoryTiers tiers;
  feed(store, tiers, kT0, 1800);
  std::vector<HistoryRecord> back;
  ASSERT_TRUE(store.for_each_raw(kT0, kT0 + 10'000, [&](const HistoryRecord& r) {
    back.push_back(r);
    return true;
  }));
  ASSERT_EQ(back.size(), 10U);
  for (int i = 0; i < 10; ++i) expect_stored(rec(kT0 + i * 1000, i), back[i]);
  EXPECT_EQ(store.row_count(HistoryTier::minute), 29);  // the 30th minute is still open
  EXPECT_EQ(store.row_count(HistoryTier::quarter), 1);
  int rows = 0;
  ASSERT_TRUE(store.for_each_aggregate(HistoryTier::minute, kT0, kT0 + 60'000,
                                       [&](const history::AggregateRow& r) {
                                         EXPECT_EQ(r.sample_count, 60U);
                                         EXPECT_NEAR(r.max[0], 53.184F, 1e-3F);
                                         EXPECT_NEAR(r.min[0], 53.125F, 1e-3F);
                                         EXPECT_TRUE(std::isnan(r.mean[4]));
                                         return ++rows > 0;
                                       }));
  EXPECT_EQ(rows, 1);
  EXPECT_EQ(store.integrity_check(), "ok");
}

TEST(HistoryStore, GivenABucketSplitByARestart_ThenTheTwoPartsMerge) {
  TempDir dir;
  {
    HistoryStore store(dir.path());
    ASSERT_TRUE(store.open().ok());
    history::HistoryTiers tiers;
    feed(store, tiers, kT0, 20);
    HistoryBatch tail;
    const auto out = tiers.flush();
    tail.minute.push_back(*out.minute);
    ASSERT_TRUE(store.write(tail));
  }
  HistoryStore store(dir.path());
  ASSERT_TRUE(store.open().ok());
  history::HistoryTiers tiers;
  tiers.seed(store.last_time_ms());
  feed(store, tiers, kT0 + 19'000, 62);  // 19 s is stored already: dropped by the clock rule
  EXPECT_EQ(tiers.stats().dropped_not_after_last, 1U);
  std::uint32_t n = 0;
  ASSERT_TRUE(store.for_each_aggregate(HistoryTier::minute, kT0, kT0 + 1, [&](const auto& r) {
    n = r.sample_count;
    return true;
  }));
  EXPECT_EQ(n, 60U);
}

TEST(HistoryStore, GivenAMonthEvery10s_ThenRetentionKeeps48hOfRawAndAllAggregates) {
  TempDir dir;
  HistoryStore store(dir.path());
  ASSERT_TRUE(store.open().ok());
  history::HistoryTiers tiers;
  constexpr std::int64_t kDays = 30;
  // One sample per 10 s keeps the test short; the tiers do not care about the rate.
  feed(store, tiers, kT0, kDays * 86'400, 8640, 10);
  EXPECT_EQ(store.row_count(HistoryTier::raw), 48 * 360 + 1);  // t >= newest - 48 h
  EXPECT_EQ(store.row_count(HistoryTier::minute), kDays * 1440 - 1);
  EXPECT_EQ(store.row_count(HistoryTier::quarter), kDays * 96 - 1);
  EXPECT_GT(store.stats().rows_expired, 0U);
}

TEST(HistoryStore, GivenASizeCap_ThenTheOldestRawRowsGoFirstAndAggregatesStay) {
  TempDir dir;
  HistoryRetention keep;
  keep.max_bytes = 2U << 20;
  HistoryStore store(dir.path(), keep);
  ASSERT_TRUE(store.open().ok());
  history::HistoryTiers tiers;
  feed(store, tiers, kT0, 12 * 3600, 3600);
  EXPECT_LE(store.used_bytes(), keep.max_bytes);
  EXPECT_GT(store.stats().rows_dropped_cap, 0U);
  EXPECT_LT(store.row_count(HistoryTier::raw), 12 * 3600);
  EXPECT_EQ(store.row_count(HistoryTier::minute), 12 * 60 - 1);
  std::int64_t first = 0;
  (void)store.for_each_raw(0, INT64_MAX, [&](const auto& r) { return first = r.unix_ms, false; });
  EXPECT_GT(first, kT0);  // the oldest were dropped, the newest kept
}

TEST(HistoryStore, GivenAGarbageOrForeignFile_ThenMovedAsideAndAFreshHistoryStarts) {
  const std::string contents[] = {std::string(8192, 'x'), ""};
  for (const bool foreign : {false, true}) {
    TempDir dir;
    const fs::path file = dir.path() / "history.sqlite";
    if (foreign) {
      HistoryStore other(dir.path());
      ASSERT_TRUE(other.open().ok());
      other.close();
      ASSERT_EQ(std::system(("sqlite3 " + file.string() + " 'PRAGMA application_id=7'").c_str()),
                0);
    } else {
      std::ofstream(file) << contents[0];
    }
    HistoryStore store(dir.path());
    const auto r = store.open();
    ASSERT_TRUE(r) << test::error_text(r);
    const std::string& detail = *r;
    EXPECT_NE(detail.find(foreign ? "foreign" : "not a readable"), std::string::npos) << detail;
    EXPECT_NE(detail.find(".corrupt-"), std::string::npos) << detail;
    int aside = 0;
    for (const auto& e : fs::directory_iterator(dir.path())) {
      aside += e.path().filename().string().starts_with("history.sqlite.corrupt-") ? 1 : 0;
    }
    EXPECT_GE(aside, 1);
    history::HistoryTiers tiers;
    feed(store, tiers, kT0, 10);
    EXPECT_EQ(store.integrity_check(), "ok");
  }
}

TEST(HistoryStore, GivenAReadOnlyDirectory_ThenOpenFailsWithAStatusNamingTheFile) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  TempDir dir;
  ASSERT_EQ(::chmod(dir.path().c_str(), 0555), 0);
  HistoryStore store(dir.path());
  EXPECT_FALSE(store.open().ok());
  EXPECT_EQ(store.health(), HistoryHealth::failed);
  EXPECT_NE(store.reason().find("history.sqlite"), std::string::npos) << store.reason();
  HistoryBatch b;
  b.raw.push_back(rec(kT0, 0));
  EXPECT_FALSE(store.write(b));
}

TEST(HistoryStore, GivenTheFileSizeLimitHit_ThenDiskFullAndWritesResumeWhenSpaceReturns) {
  TempDir dir;
  HistoryStore store(dir.path());
  ASSERT_TRUE(store.open().ok());
  history::HistoryTiers tiers;
  feed(store, tiers, kT0, 60);
  HistoryBatch big;
  for (int i = 0; i < 5000; ++i) big.raw.push_back(rec(kT0 + 100'000 + i * 1000, i));
  test::FileSizeLimit full_disk(256 * 1024);
  ASSERT_TRUE(full_disk.ok());
  const bool ok = store.write(big);
  ASSERT_TRUE(full_disk.lift());
  EXPECT_FALSE(ok);
  EXPECT_EQ(store.health(), HistoryHealth::disk_full) << store.reason();
  std::cout << "[   INFO   ] " << store.reason() << "\n";
  EXPECT_EQ(store.row_count(HistoryTier::raw), 60);  // the failed batch left nothing behind
  EXPECT_TRUE(store.write(big)) << store.reason();
  EXPECT_EQ(store.health(), HistoryHealth::ok);
  EXPECT_EQ(store.integrity_check(), "ok");
}

TEST(HistoryExport, GivenStoredRows_WhenExportedAsCsvAndJson_ThenTheyReadBackExactly) {
  TempDir dir;
  {
    HistoryStore store(dir.path());
    ASSERT_TRUE(store.open().ok());
    history::HistoryTiers tiers;
    feed(store, tiers, kT0, 120);
  }
  HistoryStore store(dir.path());
  ASSERT_TRUE(store.open_read_only().ok());
  std::ostringstream csv, json;
  ASSERT_TRUE(export_history(store, HistoryTier::raw, kT0, kT0 + 3000, HistoryFormat::csv, csv));
  ASSERT_TRUE(export_history(store, HistoryTier::raw, kT0, kT0 + 3000, HistoryFormat::json, json));
  std::istringstream csv_in(csv.str()), json_in(json.str());
  std::string header, line;
  std::getline(csv_in, header);
  EXPECT_TRUE(header.starts_with("time,status,cell_count,pack_voltage_v,")) << header;
  EXPECT_NE(header.find(",cell16_mv"), std::string::npos);
  for (int i = 0; i < 3; ++i) {
    const HistoryRecord want = rec(kT0 + i * 1000, i);
    ASSERT_TRUE(std::getline(csv_in, line));
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string c; std::getline(ss, c, ',');) cells.push_back(c);
    if (line.back() == ',') cells.emplace_back();
    ASSERT_EQ(cells.size(), 3 + kFieldCount) << line;
    EXPECT_EQ(parse_iso8601_utc(cells[0]), want.unix_ms);
    ASSERT_TRUE(std::getline(json_in, line));
    const auto obj = nlohmann::json::parse(line);
    EXPECT_EQ(parse_iso8601_utc(obj["time"].get<std::string>()), want.unix_ms);
    for (std::size_t f = 0; f < kFieldCount; ++f) {
      const auto& j = obj[kFields[f].name];
      if (std::isnan(want.values[f])) {
        EXPECT_TRUE(cells[3 + f].empty() && j.is_null()) << kFields[f].name;
        continue;
      }
      const double tol = 0.51 / kFields[f].scale;
      EXPECT_NEAR(std::stod(cells[3 + f]), want.values[f], tol) << kFields[f].name;
      EXPECT_NEAR(j.get<double>(), want.values[f], tol) << kFields[f].name;
    }
  }
  EXPECT_FALSE(std::getline(csv_in, line));
}

TEST(HistoryExport, GivenTimeArguments_ThenParsedAsUtcOrRejected) {
  EXPECT_EQ(parse_iso8601_utc("2024-05-01"), 1'714'521'600'000);
  EXPECT_EQ(parse_iso8601_utc("2024-05-01T12:00:01.250Z"), 1'714'564'801'250);
  EXPECT_EQ(parse_iso8601_utc("2024-05-01 12:00"), 1'714'564'800'000);
  for (const char* bad : {"", "yesterday", "2024-13-01", "2024-02-30", "2024-05-01T25:00"}) {
    EXPECT_FALSE(parse_iso8601_utc(bad)) << bad;
  }
  EXPECT_EQ(format_iso8601_utc(1'714'564'801'250), "2024-05-01T12:00:01.250Z");
}

TEST(HistoryWorker, GivenRecordsPushedFromTheLoop_WhenStopped_ThenAllWrittenWithTheTailBucket) {
  TempDir dir;
  HistoryWorkerOptions opt;
  opt.batch_max = 50;
  HistoryWorker worker(dir.path(), {}, opt);
  std::thread t([&] { worker.run(); });
  for (int i = 0; i < 150; ++i) worker.push(rec(kT0 + i * 1000, i));
  worker.request_stop();
  t.join();
  const auto st = worker.status();
  EXPECT_EQ(st.health, HistoryHealth::ok) << st.reason;
  EXPECT_EQ(st.pushed, 150U);
  EXPECT_EQ(st.dropped_queue_full, 0U);
  HistoryStore store(dir.path());
  ASSERT_TRUE(store.open_read_only().ok());
  EXPECT_EQ(store.row_count(HistoryTier::raw), 150);
  EXPECT_EQ(store.row_count(HistoryTier::minute), 3);  // two closed + the flushed tail
}

TEST(HistoryWorker, GivenAFullQueue_ThenTheOldestAreDroppedAndCounted) {
  TempDir dir;
  HistoryWorkerOptions opt;
  opt.queue_capacity = 10;
  opt.batch_max = 1000;
  HistoryWorker worker(dir.path(), {}, opt);
  for (int i = 0; i < 25; ++i) worker.push(rec(kT0 + i * 1000, i));  // worker not running yet
  std::thread t([&] { worker.run(); });
  worker.request_stop();
  t.join();
  EXPECT_EQ(worker.status().dropped_queue_full, 15U);
  HistoryStore store(dir.path());
  ASSERT_TRUE(store.open_read_only().ok());
  std::int64_t first = 0;
  (void)store.for_each_raw(0, INT64_MAX, [&](const auto& r) { return first = r.unix_ms, false; });
  EXPECT_EQ(first, kT0 + 15'000);
}

}  // namespace
}  // namespace tbgw::platform
