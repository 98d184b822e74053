// Cost of the battery history (SQLite, platform/linux/history_store*): what the storage worker
// pays per batch, what the event loop pays per snapshot, how much disk a day takes per tier,
// and how long a month of 1-minute rows takes to read back (the export's typical range).
//
// Every database lives in a fresh directory under /tmp (removed afterwards), on the machine's
// real file system: write() fsyncs the WAL once per batch (synchronous=FULL), so the write
// figures include the disk. All times are wall clock (UseRealTime): a fsync costs no CPU.
// Samples are a 16-cell pack at 1 Hz with a fixed-seed random walk (seed 1), one absent
// temperature sensor, so the stored integers have realistic widths.
//
// Runtime: about 26 s on 2 cores (the day and the 30 days of 1-minute rows are built once).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "core/history/aggregator.hpp"
#include "core/history/history_record.hpp"
#include "core/history/history_tiers.hpp"
#include "platform/linux/history_store.hpp"
#include "platform/linux/history_worker.hpp"

namespace {

namespace fs = std::filesystem;
using tbgw::history::AggregateRow;
using tbgw::history::Field;
using tbgw::history::HistoryRecord;
using tbgw::platform::HistoryBatch;
using tbgw::platform::HistoryStore;
using tbgw::platform::HistoryTier;

constexpr std::int64_t kStartMs = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
constexpr std::int64_t kSecondMs = 1000;
constexpr std::int64_t kDayMs = 86'400 * kSecondMs;
constexpr std::size_t kCells = 16;

// A fresh directory under /tmp, removed when the benchmark is done with it.
class TempDir {
 public:
  explicit TempDir(const std::string& tag) {
    static std::atomic<int> serial{0};
    const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    path_ = fs::path("/tmp") / ("tbgw-history-bench-" + tag + "-" + std::to_string(stamp) + "-" +
                                std::to_string(serial++));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// One 16-cell pack sampled at 1 Hz: cells wander around 3.3 V at 0.1 mV resolution, the
// current follows a slow charge/discharge cycle, external sensor 2 is absent (NULL).
class PackSampler {
 public:
  HistoryRecord next(std::int64_t unix_ms) {
    HistoryRecord r;
    r.unix_ms = unix_ms;
    r.status_raw = 0x91;
    r.cell_count = kCells;
    float pack_mv = 0.0F;
    float lo = 1e9F, hi = 0.0F;
    for (std::size_t i = 0; i < kCells; ++i) {
      cells_[i] += step_(rng_);
      cells_[i] = std::round(cells_[i] * 10.0F) / 10.0F;
      r.values[tbgw::history::kFirstCellField + i] = cells_[i];
      pack_mv += cells_[i];
      lo = std::min(lo, cells_[i]);
      hi = std::max(hi, cells_[i]);
    }
    const double phase = static_cast<double>(unix_ms % kDayMs) / static_cast<double>(kDayMs);
    const auto current =
        static_cast<float>(40.0 * std::sin(2.0 * 3.14159265 * phase)) + noise_(rng_);
    soc_ = std::clamp(soc_ + current / 3600.0F / 2.8F, 5.0F, 100.0F);
    r.set(Field::pack_voltage_v, pack_mv / 1000.0F);
    r.set(Field::pack_current_a, current);
    r.set(Field::soc_pct, soc_);
    r.set(Field::temp_internal_c, 24.0F + noise_(rng_));
    r.set(Field::temp_external1_c, 21.0F + noise_(rng_));
    r.set(Field::temp_external2_c, tbgw::history::kNoValue);
    r.set(Field::min_cell_mv, lo);
    r.set(Field::max_cell_mv, hi);
    return r;
  }

 private:
  std::mt19937 rng_{1};
  std::normal_distribution<float> step_{0.0F, 0.3F};
  std::normal_distribution<float> noise_{0.0F, 0.2F};
  std::array<float, kCells> cells_ = [] {
    std::array<float, kCells> a{};
    a.fill(3300.0F);
    return a;
  }();
  float soc_ = 60.0F;
};

std::vector<HistoryRecord> make_raw(std::size_t n, std::int64_t start_ms) {
  PackSampler pack;
  std::vector<HistoryRecord> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(pack.next(start_ms + static_cast<std::int64_t>(i) * kSecondMs));
  }
  return out;
}

// One simulated span at 1 Hz through HistoryTiers, as the worker runs it.
struct TierRows {
  std::vector<HistoryRecord> raw;
  std::vector<AggregateRow> minute;
  std::vector<AggregateRow> quarter;
};

TierRows run_tiers(std::int64_t span_ms, bool keep_raw) {
  PackSampler pack;
  tbgw::history::HistoryTiers tiers;
  tiers.seed(0);
  TierRows rows;
  const auto take = [&](const tbgw::history::TierOutput& o, const HistoryRecord* r) {
    if (keep_raw && o.raw_accepted && r != nullptr) rows.raw.push_back(*r);
    if (o.minute) rows.minute.push_back(*o.minute);
    if (o.quarter) rows.quarter.push_back(*o.quarter);
  };
  for (std::int64_t t = kStartMs; t < kStartMs + span_ms; t += kSecondMs) {
    const HistoryRecord r = pack.next(t);
    take(tiers.add(r), &r);
  }
  take(tiers.flush(), nullptr);
  return rows;
}

// Writes `rows` in batches of `batch` (the worker's batch_max), into the member `part`.
template <typename Row>
bool write_all(HistoryStore& store, const std::vector<Row>& rows, std::size_t batch,
               std::vector<Row> HistoryBatch::*part) {
  HistoryBatch b;
  for (std::size_t at = 0; at < rows.size(); at += batch) {
    b.clear();
    const std::size_t end = std::min(rows.size(), at + batch);
    (b.*part).assign(rows.begin() + static_cast<std::ptrdiff_t>(at),
                     rows.begin() + static_cast<std::ptrdiff_t>(end));
    if (!store.write(b)) return false;
  }
  return true;
}

// (1) Insert throughput: one raw batch of state.range(0) records per iteration, one
// transaction and one WAL fsync each, retention and size cap included.
void BM_StoreWriteRaw(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  TempDir dir("write");
  HistoryStore store(dir.path());
  if (!store.open().ok()) {
    state.SkipWithError("open failed");
    return;
  }
  HistoryBatch batch;
  batch.raw = make_raw(n, kStartMs);
  std::int64_t t = kStartMs;
  for (auto _ : state) {
    for (auto& r : batch.raw) {
      r.unix_ms = t;
      t += kSecondMs;
    }
    if (!store.write(batch)) {
      state.SkipWithError(store.reason().c_str());
      return;
    }
  }
  const auto rows = static_cast<double>(state.iterations()) * static_cast<double>(n);
  state.SetItemsProcessed(static_cast<std::int64_t>(rows));
  state.counters["rows_per_s"] = benchmark::Counter(rows, benchmark::Counter::kIsRate);
  state.counters["batches_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_StoreWriteRaw)
    ->Arg(30)
    ->Arg(600)
    ->UseRealTime()
    ->MinTime(3.0)
    ->Unit(benchmark::kMillisecond);

// (2) What the event loop pays: HistoryWorker::push() with the worker thread running (it wakes
// at batch_max records, drains the ring under the same mutex and writes on its own thread).
// Back to back: the loop never pushes this fast (1 Hz), so this is the contended worst case;
// the ring overflows and overwrites (dropped_queue_full), which is push()'s slow branch.
void BM_WorkerPush(benchmark::State& state) {
  TempDir dir("push");
  tbgw::platform::HistoryWorker worker(dir.path());
  std::thread thread([&worker] { worker.run(); });
  PackSampler pack;
  HistoryRecord r = pack.next(kStartMs);
  for (auto _ : state) {
    r.unix_ms += kSecondMs;
    worker.push(r);
  }
  worker.request_stop();
  thread.join();
  const auto s = worker.status();
  state.counters["dropped_queue_full"] = static_cast<double>(s.dropped_queue_full);
}
BENCHMARK(BM_WorkerPush)->UseRealTime()->MinTime(1.0);

// Same, paced like a fast poll (one push every 200 us, timed one by one): the ring holds a few
// hundred records and the worker writes a 600-record batch now and then, as in service.
void BM_WorkerPushPaced(benchmark::State& state) {
  TempDir dir("paced");
  tbgw::platform::HistoryWorker worker(dir.path());
  std::thread thread([&worker] { worker.run(); });
  PackSampler pack;
  HistoryRecord r = pack.next(kStartMs);
  double max_ns = 0.0;
  for (auto _ : state) {
    r.unix_ms += kSecondMs;
    const auto t0 = std::chrono::steady_clock::now();
    worker.push(r);
    const auto t1 = std::chrono::steady_clock::now();
    const double secs = std::chrono::duration<double>(t1 - t0).count();
    state.SetIterationTime(secs);
    max_ns = std::max(max_ns, secs * 1e9);
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  worker.request_stop();
  thread.join();
  const auto s = worker.status();
  state.counters["max_push_ns"] = max_ns;
  state.counters["batches_written"] = static_cast<double>(s.store.batches);
  state.counters["dropped_queue_full"] = static_cast<double>(s.dropped_queue_full);
}
BENCHMARK(BM_WorkerPushPaced)->UseManualTime()->Iterations(5000)->Unit(benchmark::kNanosecond);

// (3) Disk per simulated day per tier: one day of a 16-cell pack at 1 Hz through HistoryTiers
// into a fresh store, one tier after the other (each table is its own b-tree, so the used-page
// delta of each step is that tier's share). Raw rows in batches of 600, like the worker.
void BM_DaySizePerTier(benchmark::State& state) {
  const TierRows day = run_tiers(kDayMs, true);
  for (auto _ : state) {
    TempDir dir("day");
    HistoryStore store(dir.path());
    if (!store.open().ok()) {
      state.SkipWithError("open failed");
      return;
    }
    const auto empty = static_cast<double>(store.used_bytes());
    bool ok = write_all(store, day.raw, 600, &HistoryBatch::raw);
    const auto after_raw = static_cast<double>(store.used_bytes());
    ok = ok && write_all(store, day.minute, 600, &HistoryBatch::minute);
    const auto after_minute = static_cast<double>(store.used_bytes());
    ok = ok && write_all(store, day.quarter, 600, &HistoryBatch::quarter);
    const auto after_quarter = static_cast<double>(store.used_bytes());
    if (!ok) {
      state.SkipWithError(store.reason().c_str());
      return;
    }
    const double raw_b = after_raw - empty;
    const double m1_b = after_minute - after_raw;
    const double m15_b = after_quarter - after_minute;
    state.counters["raw_rows"] = static_cast<double>(store.row_count(HistoryTier::raw));
    state.counters["m1_rows"] = static_cast<double>(store.row_count(HistoryTier::minute));
    state.counters["m15_rows"] = static_cast<double>(store.row_count(HistoryTier::quarter));
    state.counters["raw_bytes_day"] = raw_b;
    state.counters["m1_bytes_day"] = m1_b;
    state.counters["m15_bytes_day"] = m15_b;
    state.counters["raw_bytes_row"] = raw_b / static_cast<double>(day.raw.size());
    state.counters["m1_bytes_row"] = m1_b / static_cast<double>(day.minute.size());
    state.counters["m15_bytes_row"] = m15_b / static_cast<double>(day.quarter.size());
    state.counters["empty_db_bytes"] = empty;
  }
}
BENCHMARK(BM_DaySizePerTier)->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);

// (4) Reading a month back: 30 days of 1-minute rows (43,200, built once through
// HistoryTiers), then for_each_aggregate over the whole range per iteration. Warm: the file is
// in the page cache and SQLite's cache after the first iteration, as for repeated exports.
void BM_Query30DaysMinute(benchmark::State& state) {
  TempDir dir("query");
  {
    const TierRows month = run_tiers(30 * kDayMs, false);
    HistoryStore writer(dir.path());
    if (!writer.open().ok() || !write_all(writer, month.minute, 600, &HistoryBatch::minute)) {
      state.SkipWithError("pre-fill failed");
      return;
    }
  }
  HistoryStore store(dir.path());
  if (!store.open_read_only().ok()) {
    state.SkipWithError("open_read_only failed");
    return;
  }
  std::int64_t rows = 0;
  for (auto _ : state) {
    rows = 0;
    const auto ok = store.for_each_aggregate(HistoryTier::minute, kStartMs, kStartMs + 30 * kDayMs,
                                             [&rows](const AggregateRow& a) {
                                               benchmark::DoNotOptimize(a.mean[0]);
                                               ++rows;
                                               return true;
                                             });
    if (!ok) {
      state.SkipWithError(to_string(ok.error()).c_str());
      return;
    }
  }
  state.counters["rows"] = static_cast<double>(rows);
  state.counters["rows_per_s"] =
      benchmark::Counter(static_cast<double>(rows) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
  state.counters["file_bytes"] =
      static_cast<double>(fs::file_size(dir.path() / HistoryStore::kFileName));
}
BENCHMARK(BM_Query30DaysMinute)->UseRealTime()->MinTime(2.0)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
