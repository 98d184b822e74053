// EnergyStore under SIGKILL: a child saves ever-growing counters in a tight loop and is killed at
// random (seeded) moments, over and over. After every kill the file must load as valid, from
// energy.json itself, never older than the last save the child reported as completed, and with
// all four totals from the same save.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>

#include "integration/temp_dir.hpp"
#include "platform/linux/energy_store.hpp"

namespace tbgw::platform {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

msg::EnergyCounters counters(double v) {
  msg::EnergyCounters c;
  c.wh_charged = c.wh_discharged = c.ah_charged = c.ah_discharged = v;
  return c;
}

constexpr double kReady = -1.0;

// The child: load, report kReady, then save ever-growing counters as fast as possible,
// reporting each completed save (the value of wh_charged) on `report_fd`. Never returns.
[[noreturn]] void saver_child(const fs::path& dir, int report_fd) {
  EnergyStore store(dir);
  msg::EnergyCounters c = store.load().counters;
  if (::write(report_fd, &kReady, sizeof kReady) != sizeof kReady) ::_exit(4);
  for (;;) {
    c.wh_charged += 1.0;
    c.wh_discharged = 2.0 * c.wh_charged;
    c.ah_charged = c.wh_charged / 50.0;
    c.ah_discharged = c.wh_discharged / 50.0;
    if (!store.save(c)) ::_exit(3);
    if (::write(report_fd, &c.wh_charged, sizeof c.wh_charged) != sizeof c.wh_charged) {
      ::_exit(4);
    }
  }
}

TEST(EnergyStore, GivenWriterKilledAtRandomMoments_ThenLoadIsAlwaysValidAndNeverGoesBack) {
  constexpr unsigned kSeed = 0x5EED'E4E6;
  constexpr int kKills = 250;
  constexpr auto kBudget = std::chrono::seconds(15);  // failure guard, far above the ~2 s
  TempDir dir;
  // Kill moments are spread over about four saves of this machine's disk, so that they land
  // in every step of a save (write, fsync, link, rename, directory fsync) wherever it runs;
  // capped so that a slow disk still gives 200+ kills within the budget.
  const auto save_us = [&] {
    TempDir probe_dir;
    EnergyStore probe(probe_dir.path());
    (void)probe.load();
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 10; ++i) (void)probe.save(counters(i));
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                                 t0)
               .count() /
           10;
  }();
  std::mt19937 rng(kSeed);
  std::uniform_int_distribution<long> delay_us(0, std::min<long>(4 * save_us + 500, 30'000));
  const auto start = std::chrono::steady_clock::now();

  double floor_wh = 0.0;  // newest value known to be on disk
  int kills = 0;
  int in_flight_landed = 0;  // the kill hit after the rename but before the report
  int mid_run = 0;           // the child had completed at least one save
  while (kills < kKills && std::chrono::steady_clock::now() - start < kBudget) {
    int report[2];
    ASSERT_EQ(::pipe2(report, O_CLOEXEC), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(report[0]);
      saver_child(dir.path(), report[1]);
    }
    ::close(report[1]);
    double ready = 0.0;
    ASSERT_EQ(::read(report[0], &ready, sizeof ready), static_cast<ssize_t>(sizeof ready));
    ASSERT_EQ(ready, kReady);
    ::usleep(static_cast<useconds_t>(delay_us(rng)));
    ::kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
    ++kills;

    double completed = floor_wh;
    double v = 0.0;
    int reports = 0;
    while (::read(report[0], &v, sizeof v) == static_cast<ssize_t>(sizeof v)) {
      completed = v;
      ++reports;
    }
    ::close(report[0]);
    if (reports > 0) ++mid_run;

    const auto r = EnergyStore(dir.path()).load();
    SCOPED_TRACE(testing::Message() << "seed " << kSeed << ", kill " << kills << ": " << r.detail);
    if (completed == 0.0) {
      ASSERT_TRUE(r.source == EnergyLoadSource::file || r.source == EnergyLoadSource::none);
    } else {
      ASSERT_EQ(r.source, EnergyLoadSource::file);
    }
    ASSERT_TRUE(msg::is_valid(r.counters));
    // Never older than a completed save; at most the one save that was in flight.
    ASSERT_GE(r.counters.wh_charged, completed);
    ASSERT_LE(r.counters.wh_charged, completed + 1.0);
    // All four totals come from the same save.
    ASSERT_EQ(r.counters.wh_discharged, 2.0 * r.counters.wh_charged);
    ASSERT_EQ(r.counters.ah_charged, r.counters.wh_charged / 50.0);
    if (r.counters.wh_charged > completed) ++in_flight_landed;
    floor_wh = r.counters.wh_charged;
  }

  EXPECT_GE(kills, 200) << "too slow: " << kills << " kills within the budget";
  EXPECT_GT(mid_run, 0) << "no kill landed after a completed save";
  std::cout << "[   INFO   ] " << save_us << " us per save; " << kills << " kills, " << mid_run
            << " after at least one completed save, " << in_flight_landed
            << " after a rename but before its report, final " << floor_wh << " Wh; seed " << kSeed
            << "\n";
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    const auto name = entry.path().filename().string();
    EXPECT_TRUE(name == "energy.json" || name == "energy.json.last-good" ||
                name == "energy.json.tmp" || name == "energy.json.last-good.tmp")
        << "unexpected file " << name;
  }
}

}  // namespace
}  // namespace tbgw::platform
