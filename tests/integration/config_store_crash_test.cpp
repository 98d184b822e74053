// ConfigStore under crashes and contention: saves killed with SIGKILL at random moments (seeded)
// and two processes saving at once must always leave a config.json that loads whole, the old
// one or a newer one, never a mix, never the defaults once something was saved, and never more
// than one temp file.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "core/config/config_validate.hpp"
#include "integration/temp_state_dir.hpp"
#include "platform/linux/config_store.hpp"

namespace tbgw::platform {
namespace {

using namespace std::chrono_literals;
using config::GatewayConfig;
using test::TempStateDir;

// Config number n: its battery name carries n, two other fields are derived from n, so a
// loaded file proves both which save it came from and that it is not a mix of two saves.
GatewayConfig numbered(std::int64_t n) {
  GatewayConfig c;
  std::string name = std::to_string(n);
  name.insert(0, 1, 'n');  // not "n" + ...: GCC 12 -Wrestrict misfires on it
  const config::ConfigSetting batch[] = {
      {"can.battery_name", std::string_view(name)},
      {"poll.live_interval_ms", std::int64_t{300 + (n % 270) * 10}},
      {"poll.max_retries", std::int64_t{n % 11}}};
  if (!config::apply_settings(c, batch).ok()) std::abort();
  return c;
}

std::int64_t number_of(const GatewayConfig& c) {
  const auto name = c.can_battery_name.view();
  if (name.size() < 2 || name[0] != 'n') return -1;
  const std::int64_t n = std::stoll(std::string(name.substr(1)));
  return numbered(n) == c ? n : -1;
}

// Saves numbered configs from `first` on until killed.
pid_t spawn_saver(const std::filesystem::path& dir, std::int64_t first) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ConfigStore child(dir);
    for (std::int64_t n = first;; ++n) {
      if (!child.save(numbered(n)).ok()) ::_exit(3);
    }
  }
  return pid;
}

TEST(ConfigStoreCrash, GIVEN_saves_killed_at_random_moments_WHEN_loaded_THEN_old_or_new_config) {
  constexpr unsigned kSeed = 4242;
  constexpr int kIterations = 250;
  SCOPED_TRACE("seed " + std::to_string(kSeed));
  std::mt19937 rng(kSeed);
  TempStateDir dir;
  ConfigStore store(dir.path());

  // Time a few saves so that kills land before, during and after a child's first saves;
  // capped so that a slow disk keeps the test short (kills then land inside the first save).
  std::int64_t last_seen = 0;
  std::vector<std::chrono::nanoseconds> times;
  for (; last_seen < 5; ++last_seen) {
    const auto t0 = std::chrono::steady_clock::now();
    ASSERT_TRUE(store.save(numbered(last_seen + 1)).ok());
    times.push_back(std::chrono::steady_clock::now() - t0);
  }
  std::sort(times.begin(), times.end());
  const auto per_save = times[times.size() / 2];
  const auto max_delay = std::min<std::chrono::nanoseconds>(per_save * 2, 20ms);
  std::uniform_int_distribution<std::int64_t> delay_ns(0, max_delay.count());

  int advanced = 0;
  for (int i = 0; i < kIterations; ++i) {
    SCOPED_TRACE("iteration " + std::to_string(i));
    const std::int64_t first = last_seen + 1;
    const pid_t pid = spawn_saver(dir.path(), first);
    ASSERT_GE(pid, 0);
    std::this_thread::sleep_for(std::chrono::nanoseconds(delay_ns(rng)));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "child failed a save";
    ASSERT_LE(dir.stray_files(), 1U);

    const ConfigLoadResult r = ConfigStore(dir.path()).load();
    ASSERT_EQ(r.status, ConfigLoadStatus::loaded) << r.summary();
    const std::int64_t n = number_of(r.config);
    ASSERT_GE(n, last_seen) << "an older or torn config came back";
    advanced += n > last_seen ? 1 : 0;
    last_seen = n;
    ASSERT_EQ(dir.stray_files(), 0U);
  }
  std::cout << "[          ] " << advanced << " of " << kIterations
            << " kills found a newer config; " << last_seen << " saves in total; one save "
            << std::chrono::duration_cast<std::chrono::microseconds>(per_save).count() << " us\n";
}

TEST(ConfigStoreCrash, GIVEN_two_processes_saving_at_once_WHEN_loaded_THEN_one_whole_config) {
  TempStateDir dir;
  for (int round = 0; round < 5; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const pid_t a = spawn_saver(dir.path(), 1'000'000);
    const pid_t b = spawn_saver(dir.path(), 2'000'000);
    ASSERT_GT(a, 0);
    ASSERT_GT(b, 0);
    std::this_thread::sleep_for(100ms);
    for (const pid_t pid : {a, b}) {
      ::kill(pid, SIGKILL);
      int status = 0;
      ::waitpid(pid, &status, 0);
      EXPECT_TRUE(WIFSIGNALED(status)) << "a saver failed while the other one saved";
    }
    const ConfigLoadResult r = ConfigStore(dir.path()).load();
    ASSERT_EQ(r.status, ConfigLoadStatus::loaded) << r.summary();
    EXPECT_GE(number_of(r.config), 1'000'000);
  }
}

}  // namespace
}  // namespace tbgw::platform
