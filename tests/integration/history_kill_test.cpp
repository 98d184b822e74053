// HistoryStore under SIGKILL: a child writes batches of raw records in a loop and is killed at
// random (seeded) moments, over and over. After every kill the database must pass
// `PRAGMA integrity_check`, hold every batch the child reported as committed, and at most the
// one batch in flight, whole (a batch is one transaction). Each batch also carries one alert
// edge and the same TinyBMS events again (ignored as duplicates after the first), so the alert
// log must match the samples batch for batch.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>

#include <chrono>
#include <iostream>
#include <random>

#include "integration/error_text.hpp"
#include "integration/temp_dir.hpp"
#include "platform/linux/history_store.hpp"

namespace tbgw::platform {
namespace {

using test::TempDir;

constexpr std::int64_t kT0 = 1'700'000'000'000;
constexpr int kBatch = 60;     // one minute of 1 Hz polls
constexpr int kBmsEvents = 8;  // the re-imported TinyBMS event ring

// Retention would cut the raw tier at a time that is not a batch boundary once more than 48 h of
// records are stored (a fast machine gets there within the time budget): keep everything.
HistoryRetention keep_all() {
  HistoryRetention r;
  r.raw_ms = r.minute_ms = r.quarter_ms = r.alerts_ms = 100LL * 365 * 86'400'000;
  return r;
}

void add_alerts(HistoryBatch& b, std::int64_t t) {
  history::AlertRecord a;
  a.unix_ms = t;
  a.set_key("cell_high");
  a.severity = history::AlertSeverity::warning;
  a.value = 3.61;
  a.threshold = 3.6;
  a.set_message("cell 3 at 3.610 V above 3.600 V");
  b.alerts.push_back(a);
  for (int i = 0; i < kBmsEvents; ++i) {
    history::AlertRecord e;
    e.unix_ms = kT0 - 3'600'000 + i * 1000;
    e.source = history::AlertSource::bms;
    e.edge = history::AlertEdge::event;
    e.severity = history::AlertSeverity::fault;
    e.set_key("bms_0x0" + std::to_string(i));
    e.set_message("BMS event");
    b.alerts.push_back(e);
  }
}

[[noreturn]] void writer_child(const std::filesystem::path& dir, int report_fd) {
  HistoryStore store(dir, keep_all());
  if (!store.open().ok()) ::_exit(3);
  std::int64_t t = store.last_time_ms();
  if (t == 0) t = kT0;
  if (::write(report_fd, &t, sizeof t) != sizeof t) ::_exit(4);
  HistoryBatch b;
  for (;;) {
    b.clear();
    for (int i = 0; i < kBatch; ++i) {
      history::HistoryRecord r;
      r.unix_ms = (t += 1000);
      r.cell_count = 16;
      r.values.fill(3300.0F + static_cast<float>(i));
      b.raw.push_back(r);
    }
    add_alerts(b, t);
    if (!store.write(b)) ::_exit(5);
    if (::write(report_fd, &t, sizeof t) != sizeof t) ::_exit(4);
  }
}

TEST(HistoryStore, GivenWriterKilledAtRandomMoments_ThenIntegrityOkAndAtMostTheLastBatchLost) {
  constexpr unsigned kSeed = 0x5EED'4157;
  // 1,000 kills as issue 8 asks; CI bounds the run to 60 s (~300 kills on 2 shared cores).
  // TBGW_HISTORY_KILL_BUDGET_S raises the bound for a full run (documented in docs/history.md).
  const int kKills = 1000;
  const char* budget_env = std::getenv("TBGW_HISTORY_KILL_BUDGET_S");
  const auto kBudget = std::chrono::seconds(budget_env != nullptr ? std::atoi(budget_env) : 60);
  TempDir dir;
  std::mt19937 rng(kSeed);
  std::uniform_int_distribution<int> delay_us(0, 20'000);
  const auto start = std::chrono::steady_clock::now();
  std::int64_t floor_t = 0;
  int kills = 0, in_flight_landed = 0;
  while (kills < kKills && std::chrono::steady_clock::now() - start < kBudget) {
    int report[2];
    ASSERT_EQ(::pipe2(report, O_CLOEXEC), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(report[0]);
      writer_child(dir.path(), report[1]);
    }
    ::close(report[1]);
    std::int64_t ready = 0;
    ASSERT_EQ(::read(report[0], &ready, sizeof ready), static_cast<ssize_t>(sizeof ready));
    ::usleep(static_cast<useconds_t>(delay_us(rng)));
    ::kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
    ++kills;
    std::int64_t committed = floor_t, v = 0;
    while (::read(report[0], &v, sizeof v) == static_cast<ssize_t>(sizeof v)) committed = v;
    ::close(report[0]);

    HistoryStore store(dir.path(), keep_all());
    const auto opened = store.open();
    SCOPED_TRACE(testing::Message() << "seed " << kSeed << ", kill " << kills << ": "
                                    << (opened ? *opened : test::error_text(opened)));
    ASSERT_TRUE(opened.ok());
    ASSERT_EQ(store.stats().moved_aside, 0U);
    ASSERT_EQ(store.integrity_check(), "ok");
    const std::int64_t newest = store.last_time_ms();
    if (committed == 0) {
      ASSERT_TRUE(newest == 0 || newest == kT0 + kBatch * 1000) << newest;
    } else {
      ASSERT_TRUE(newest == committed || newest == committed + kBatch * 1000)
          << newest << " vs committed " << committed;
    }
    if (newest > committed) ++in_flight_landed;
    const std::int64_t rows = store.row_count(HistoryTier::raw);
    ASSERT_EQ(rows % kBatch, 0) << "a partial batch is visible";
    ASSERT_EQ(store.alert_count(), rows == 0 ? 0 : rows / kBatch + kBmsEvents)
        << "the alert log does not match the samples";
    floor_t = newest;
  }
  EXPECT_GE(kills, 200) << "too slow: " << kills << " kills within the budget";
  std::cout << "[   INFO   ] " << kills << " kills in "
            << std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() -
                                                                start)
                   .count()
            << " s, " << in_flight_landed
            << " landed a batch after its commit but before its report; "
            << floor_t / 1000 - kT0 / 1000 << " s of records stored; seed " << kSeed << "\n";
}

}  // namespace
}  // namespace tbgw::platform
