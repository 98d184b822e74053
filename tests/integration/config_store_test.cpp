// ConfigStore on real files in a temporary directory: round trip, every kind of bad file
// (falls back to last-good or the defaults and says why), failing saves that leave the old file
// intact, and the state directory rules. Saves killed at random moments: config_store_crash_test.
#include "platform/linux/config_store.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include "core/config/config_validate.hpp"
#include "integration/temp_state_dir.hpp"

namespace tbgw::platform {
namespace {

using config::GatewayConfig;
using test::read_text;
using test::TempStateDir;
using test::write_text;

// The Result-returning save() as the fields these tests were written against.
struct ConfigSaveResult {
  bool ok = false;
  std::string error;
  std::string warning;
};

ConfigSaveResult save(ConfigStore& store, const GatewayConfig& config) {
  const auto r = store.save(config);
  if (!r) return {false, to_string(r.error()), ""};
  return {true, "", r->warning};
}

GatewayConfig sample() {
  GatewayConfig c;
  const config::ConfigSetting batch[] = {{"poll.live_interval_ms", std::int64_t{500}},
                                         {"can.backend", std::string_view("slcan:/dev/ttyACM0")},
                                         {"stale.policy", std::string_view("hold_safe")},
                                         {"bms.invert_current", true}};
  EXPECT_TRUE(config::apply_settings(c, batch).ok());
  return c;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

// Runs `body` in a forked child and returns its exit code (-1 if it did not exit normally).
int run_in_child(const std::function<int()>& body) {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(body());
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(ConfigStore, GIVEN_config_WHEN_saved_and_loaded_THEN_identical_and_only_changes_stored) {
  TempStateDir dir;
  ConfigStore store(dir.path());
  const ConfigSaveResult saved = save(store, sample());
  ASSERT_TRUE(saved.ok) << saved.error;
  EXPECT_EQ(saved.warning, "");

  const ConfigLoadResult loaded = ConfigStore(dir.path()).load();
  EXPECT_EQ(loaded.status, ConfigLoadStatus::loaded) << loaded.summary();
  EXPECT_FALSE(loaded.degraded());
  EXPECT_EQ(loaded.config, sample());
  const std::string text = read_text(store.config_path());
  EXPECT_NE(text.find("\"schema_version\": 1"), std::string::npos) << text;
  EXPECT_NE(text.find("\"poll.live_interval_ms\": 500"), std::string::npos) << text;
  EXPECT_EQ(text.find("poll.response_timeout_ms"), std::string::npos) << "defaults not written";
  EXPECT_EQ(read_text(store.last_good_path()), text);
  EXPECT_EQ(dir.stray_files(), 0U);
}

TEST(ConfigStore, GIVEN_no_file_WHEN_loaded_THEN_defaults_without_alert) {
  TempStateDir dir;
  const ConfigLoadResult r = ConfigStore(dir.path()).load();
  EXPECT_EQ(r.status, ConfigLoadStatus::no_file);
  EXPECT_FALSE(r.degraded());
  EXPECT_EQ(r.config, config::defaults());
  EXPECT_TRUE(r.problems.empty());
}

struct BadFile {
  const char* name;
  std::string content;
  const char* reason;  // must appear in the problems
};

std::vector<BadFile> bad_files() {
  const std::string valid = R"({"schema_version": 1, "settings": {"poll.live_interval_ms": 700}})";
  auto file = [](const std::string& settings) {
    return R"({"schema_version": 1, "settings": {)" + settings + "}}";
  };
  return {
      {"corrupt", R"({"schema_version": 1, "settings": {"poll.max_retries": 5)", "parse error"},
      {"truncated", valid.substr(0, valid.size() / 2), "parse error"},
      {"empty", "", "empty file"},
      {"blank", " \n\t\n", "empty file"},
      {"binary", std::string("\0\xff\x13garbage", 10), "parse error"},
      {"not an object", "[1, 2]", "must hold a JSON object"},
      {"no version", R"({"settings": {}})", "schema_version: missing"},
      {"newer version", R"({"schema_version": 99, "settings": {}})", "newer"},
      {"wrong type", file(R"("poll.live_interval_ms": "fast")"),
       "poll.live_interval_ms: expected int, got string"},
      {"null value", file(R"("poll.max_retries": null)"),
       "poll.max_retries: expected int, got null"},
      {"unknown key", file(R"("poll.turbo": true)"), "unknown key \"poll.turbo\""},
      {"out of range", file(R"("poll.live_interval_ms": 5)"),
       "poll.live_interval_ms: 5 is out of range (allowed 100..60000 ms)"},
      {"cross-field", file(R"("poll.response_timeout_ms": 2000)"),
       "poll.response_timeout_ms (2000) must be less than poll.live_interval_ms (1000)"},
  };
}

TEST(ConfigStore, GIVEN_bad_file_and_last_good_copy_WHEN_loaded_THEN_last_good_used_and_reason) {
  for (const BadFile& bad : bad_files()) {
    SCOPED_TRACE(bad.name);
    TempStateDir dir;
    ConfigStore store(dir.path());
    ASSERT_TRUE(save(store, sample()).ok);
    write_text(store.config_path(), bad.content);

    const ConfigLoadResult r = store.load();
    EXPECT_EQ(r.status, ConfigLoadStatus::used_last_good);
    EXPECT_TRUE(r.degraded());
    EXPECT_EQ(r.config, sample());
    EXPECT_NE(joined(r.problems).find(bad.reason), std::string::npos) << joined(r.problems);
    EXPECT_NE(r.summary().find("config.json.last-good"), std::string::npos) << r.summary();
    EXPECT_EQ(read_text(store.config_path()), bad.content) << "the bad file is kept for the owner";
  }
}

TEST(ConfigStore, GIVEN_bad_file_and_no_last_good_WHEN_loaded_THEN_defaults_and_reason) {
  for (const BadFile& bad : bad_files()) {
    SCOPED_TRACE(bad.name);
    TempStateDir dir;
    ConfigStore store(dir.path());
    write_text(store.config_path(), bad.content);

    const ConfigLoadResult r = store.load();
    EXPECT_EQ(r.status, ConfigLoadStatus::used_defaults);
    EXPECT_TRUE(r.degraded());
    EXPECT_EQ(r.config, config::defaults());
    EXPECT_NE(joined(r.problems).find(bad.reason), std::string::npos) << joined(r.problems);
  }
}

TEST(ConfigStore, GIVEN_bad_file_and_bad_last_good_WHEN_loaded_THEN_defaults_and_both_reasons) {
  TempStateDir dir;
  ConfigStore store(dir.path());
  write_text(store.config_path(), "{");
  write_text(store.last_good_path(), "");
  const ConfigLoadResult r = store.load();
  EXPECT_EQ(r.status, ConfigLoadStatus::used_defaults);
  const std::string problems = joined(r.problems);
  EXPECT_NE(problems.find("config.json: "), std::string::npos) << problems;
  EXPECT_NE(problems.find("config.json.last-good: empty file"), std::string::npos) << problems;
}

TEST(ConfigStore, GIVEN_hand_edited_valid_file_WHEN_loaded_THEN_it_becomes_last_good) {
  TempStateDir dir;
  ConfigStore store(dir.path());
  ASSERT_TRUE(save(store, sample()).ok);
  const std::string edited = R"({"schema_version": 1, "settings": {"log.level": "debug"}})";
  write_text(store.config_path(), edited);
  const ConfigLoadResult r = store.load();
  ASSERT_EQ(r.status, ConfigLoadStatus::loaded) << r.summary();
  EXPECT_EQ(r.config.log_level, config::LogLevel::debug);
  EXPECT_EQ(read_text(store.last_good_path()), edited);
}

TEST(ConfigStore, GIVEN_leftover_temp_file_WHEN_loaded_THEN_removed_and_noted) {
  TempStateDir dir;
  ConfigStore store(dir.path());
  ASSERT_TRUE(save(store, sample()).ok);
  const auto temp = dir.path() / "config.json.tmp";
  write_text(temp, R"({"schema_version": 1, "sett)");
  const ConfigLoadResult r = store.load();
  EXPECT_EQ(r.status, ConfigLoadStatus::loaded);
  EXPECT_FALSE(std::filesystem::exists(temp));
  EXPECT_NE(joined(r.notes).find("interrupted save"), std::string::npos) << joined(r.notes);
}

TEST(ConfigStore, GIVEN_version_0_file_WHEN_loaded_THEN_migrated_and_noted) {
  TempStateDir dir;
  ConfigStore store(dir.path());
  write_text(store.config_path(),
             R"({"schema_version": 0, "settings": {"poll.interval_ms": 800}})");
  const ConfigLoadResult r = store.load();
  ASSERT_EQ(r.status, ConfigLoadStatus::loaded) << r.summary();
  EXPECT_EQ(r.config.poll_live_interval_ms, 800);
  EXPECT_NE(joined(r.notes).find("migrated from schema version 0"), std::string::npos);
}

TEST(ConfigStore, GIVEN_temp_path_blocked_WHEN_saved_THEN_error_and_old_file_intact) {
  TempStateDir dir;
  ConfigStore store(dir.path());
  ASSERT_TRUE(save(store, sample()).ok);
  const std::string before = read_text(store.config_path());
  // open(O_WRONLY) on a directory fails with EISDIR.
  std::filesystem::create_directory(dir.path() / "config.json.tmp");

  const ConfigSaveResult r = save(store, config::defaults());
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("config.json.tmp: Is a directory"), std::string::npos) << r.error;
  EXPECT_EQ(read_text(store.config_path()), before);
}

TEST(ConfigStore, GIVEN_disk_that_takes_only_16_bytes_WHEN_saved_THEN_old_file_intact) {
  TempStateDir dir;
  ConfigStore store(dir.path());
  ASSERT_TRUE(save(store, sample()).ok);
  const std::string before = read_text(store.config_path());

  // A file size limit makes write() fail (EFBIG) like a full disk (ENOSPC) does.
  const int code = run_in_child([&] {
    ::signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{16, 16};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    const ConfigSaveResult r = save(store, config::defaults());
    return r.ok ? 0 : r.error.find(std::strerror(EFBIG)) != std::string::npos ? EFBIG : 1;
  });
  EXPECT_EQ(code, EFBIG);
  EXPECT_EQ(read_text(store.config_path()), before);
  EXPECT_EQ(read_text(store.last_good_path()), before);
  EXPECT_EQ(dir.stray_files(), 0U) << "the temp file is removed";
}

TEST(ConfigStore, GIVEN_read_only_directory_WHEN_saved_THEN_access_error_and_old_file_intact) {
  TempStateDir dir;
  ConfigStore store(dir.path());
  ASSERT_TRUE(save(store, sample()).ok);
  const std::string before = read_text(store.config_path());
  ::chmod(dir.path().c_str(), 0555);

  constexpr int kCannotDropRoot = 200;
  const int code = run_in_child([&] {
    // root ignores permissions: save as "nobody" instead.
    if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) {
      return kCannotDropRoot;
    }
    const ConfigSaveResult r = save(store, config::defaults());
    return r.ok ? 0 : r.error.find(std::strerror(EACCES)) != std::string::npos ? EACCES : 1;
  });
  ::chmod(dir.path().c_str(), 0755);
  if (code == kCannotDropRoot) GTEST_SKIP() << "running as root without setuid";
  EXPECT_EQ(code, EACCES);
  EXPECT_EQ(read_text(store.config_path()), before);
  EXPECT_EQ(dir.stray_files(), 0U);
}

TEST(ConfigStore, GIVEN_invalid_config_WHEN_saved_THEN_refused_and_nothing_written) {
  TempStateDir dir;
  ConfigStore store(dir.path());
  GatewayConfig bad;
  bad.poll_live_interval_ms = 5;  // bypasses apply_settings(); save() validates again
  const ConfigSaveResult r = save(store, bad);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("poll.live_interval_ms: 5 is out of range"), std::string::npos) << r.error;
  EXPECT_FALSE(std::filesystem::exists(store.config_path()));
}

TEST(ConfigStore, GIVEN_missing_state_directory_WHEN_saved_THEN_created) {
  TempStateDir dir;
  ConfigStore store(dir.path() / "var" / "state");
  ASSERT_TRUE(save(store, sample()).ok);
  EXPECT_EQ(ConfigStore(dir.path() / "var" / "state").load().config, sample());
}

struct StateDirCase {
  StateDirInputs in;
  std::filesystem::path expected;
};

TEST(StateDir, GIVEN_inputs_WHEN_resolved_THEN_first_applicable_rule_wins) {
  const StateDirCase cases[] = {
      {{"/srv/gw", "/var/lib/tinybms-gw", "/usr/bin/tinybms-gw", "/home/u"}, "/srv/gw"},
      {{"", "/var/lib/tinybms-gw:/var/lib/other", "/usr/bin/tinybms-gw", "/"},
       "/var/lib/tinybms-gw"},
      {{"", "", "/usr/local/bin/tinybms-gw", "/home/u"}, "/var/lib/tinybms-gw"},
      {{"", "", "/home/u/tinybms-gw/build/release/app/tinybms-gw", "/home/u/tinybms-gw"},
       "/home/u/tinybms-gw/var"},
  };
  for (const auto& c : cases) EXPECT_EQ(resolve_state_dir(c.in), c.expected) << c.expected;
}

}  // namespace
}  // namespace tbgw::platform
