// The gateway as a service, end to end: the real tinybms-gw reads the real tinybms-sim over a
// pseudo-terminal and writes Victron CAN frames to the candump log backend. Frames follow the
// first snapshot; a SIGHUP reload changes the cadence live; SIGTERM stops cleanly; the energy
// counters survive a restart; stale BMS data stops the CAN output; a bad config is refused.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "core/victron/can_frame.hpp"
#include "core/victron/frame_decoder.hpp"
#include "integration/candump_reader.hpp"
#include "integration/process.hpp"
#include "integration/temp_dir.hpp"

namespace tbgw::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
namespace fs = std::filesystem;

std::size_t count_id(const std::vector<CandumpFrame>& frames, std::uint32_t id) {
  std::size_t n = 0;
  for (const auto& f : frames) n += f.frame.id == id ? 1 : 0;
  return n;
}

double unix_now_s() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

struct Rig {
  explicit Rig(std::vector<std::string> sim_args = {}) {
    sim_args.insert(sim_args.begin(), TBGW_SIM_BIN);
    sim = std::make_unique<Process>(sim_args);
    if (auto line = sim->read_line(10s)) device = *line;
  }
  std::vector<std::string> gw_args(std::vector<std::string> extra) const {
    std::vector<std::string> args = {TBGW_GW_BIN,
                                     "--serial",
                                     device,
                                     "--state-dir",
                                     state.path().string(),
                                     "--can",
                                     "log:" + can_log().string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  fs::path can_log() const { return state.path() / "can.log"; }
  TempDir state;
  std::unique_ptr<Process> sim;
  std::string device;
};

TEST(GatewayService, GivenSimulator_WhenFirstSnapshotArrives_ThenValidFramesFollowWithin2s) {
  Rig rig({"--cells", "16", "--current", "-20", "--seed", "11"});
  ASSERT_FALSE(rig.device.empty());
  Process gw(rig.gw_args({"--print-snapshots"}));
  auto line = gw.read_line(15s);
  ASSERT_TRUE(line) << gw.stderr_text();
  const double first_snapshot_s = unix_now_s();
  const json snap = json::parse(*line);
  std::vector<CandumpFrame> frames;
  for (int i = 0; i < 100 && count_id(frames, 0x351) == 0; ++i) {
    std::this_thread::sleep_for(50ms);
    frames = read_candump(rig.can_log());
  }
  ASSERT_GT(count_id(frames, 0x351), 0U) << gw.stderr_text();
  EXPECT_LE(frames.front().unix_s - first_snapshot_s, 2.0) << "frames within 2 s of the snapshot";

  // Wait (bounded) until the load shows on the wire: the first snapshots may predate it.
  double last_current_a = 0.0;
  for (int i = 0; i < 200 && !(last_current_a < -19.9); ++i) {
    std::this_thread::sleep_for(50ms);
    frames = read_candump(rig.can_log());
    for (const auto& f : frames) {
      auto decoded = victron::decode(f.frame);
      if (!decoded.ok()) continue;
      if (const auto* m = std::get_if<victron::MeasurementFields>(&decoded->fields)) {
        last_current_a = m->current_a();
      }
    }
  }
  for (std::uint32_t id : {0x351U, 0x355U, 0x356U, 0x35AU, 0x35EU, 0x35FU, 0x373U, 0x379U}) {
    EXPECT_GT(count_id(frames, id), 0U) << std::hex << "missing 0x" << id;
  }
  for (const auto& f : frames) {
    auto decoded = victron::decode(f.frame);
    ASSERT_TRUE(decoded.ok()) << std::hex << f.frame.id;
    if (const auto* limits = std::get_if<victron::LimitsFields>(&decoded->fields)) {
      // Pack-level limits from per-cell settings (16 x ...), never 0 (spec §7 bugs).
      EXPECT_GT(limits->cvl_v(), 16 * 3.0);
      EXPECT_LE(limits->cvl_v(), 16 * 3.65 + 1e-3);
      EXPECT_GT(limits->dvl_v(), 16 * 2.5);
      EXPECT_GE(limits->ccl_a(), 0.0);
    }
    if (const auto* m = std::get_if<victron::MeasurementFields>(&decoded->fields)) {
      EXPECT_NEAR(m->voltage_v(), snap["pack_voltage_v"].get<double>(), 0.2);
    }
  }
  EXPECT_NEAR(last_current_a, -20.0, 0.1) << "discharging is negative on the wire";
  gw.signal(SIGTERM);
  EXPECT_EQ(gw.wait(), 0);
  EXPECT_NE(gw.stderr_text().find("stopped:"), std::string::npos);
  // After the stop nothing more is written.
  const auto at_stop = read_candump(rig.can_log()).size();
  std::this_thread::sleep_for(1200ms);
  EXPECT_EQ(read_candump(rig.can_log()).size(), at_stop);
}

TEST(GatewayService, GivenBmsGoesSilent_WhenDataIsStale_ThenCanOutputStops) {
  Rig rig({"--seed", "12"});
  ASSERT_FALSE(rig.device.empty());
  Process gw(rig.gw_args({}));
  ASSERT_TRUE(gw.wait_for_stderr("limits", 15s)) << gw.stderr_text();
  rig.sim->write_line("fault silent on");
  ASSERT_TRUE(gw.wait_for_stderr("CAN limits withdrawn", 15s)) << gw.stderr_text();
  std::this_thread::sleep_for(300ms);
  const auto after_withdraw = count_id(read_candump(rig.can_log()), 0x351);
  std::this_thread::sleep_for(2500ms);
  EXPECT_EQ(count_id(read_candump(rig.can_log()), 0x351), after_withdraw)
      << "no 0x351 while the BMS data is stale (the GX applies its 3 s fail-safe)";
  rig.sim->write_line("fault silent off");
  EXPECT_TRUE(gw.wait_for_stderr("TinyBMS link up", 15s));
  std::this_thread::sleep_for(2500ms);
  EXPECT_GT(count_id(read_candump(rig.can_log()), 0x351), after_withdraw) << "back on the bus";
  gw.signal(SIGTERM);
  EXPECT_EQ(gw.wait(), 0);
}

// hold_safe keeps sending with CCL 0; 0x35A must say the data is not live (offline, BMS-internal
// warning), not repeat the last snapshot's "all fine" for up to 20 minutes (issue 17).
TEST(GatewayService, GivenHoldSafe_WhenTheBmsGoesSilent_ThenCclZeroCvlAtThePackAndOfflineOnCan) {
  Rig rig({"--seed", "12", "--soc", "50"});
  ASSERT_FALSE(rig.device.empty());
  const auto config = rig.state.path() / "seed.json";
  std::ofstream(config) << R"({"schema_version": 1, "settings": {"stale.policy": "hold_safe"}})";
  Process gw(rig.gw_args({"--config", config.string()}));
  ASSERT_TRUE(gw.wait_for_stderr("limits", 15s)) << gw.stderr_text();
  std::this_thread::sleep_for(1500ms);
  const std::size_t before = read_candump(rig.can_log()).size();
  double pack_v = 0.0;
  for (const auto& f : read_candump(rig.can_log())) {
    auto d = victron::decode(f.frame);
    if (!d.ok()) continue;
    if (const auto* b = std::get_if<victron::MeasurementFields>(&d->fields))
      pack_v = b->voltage_v();
  }
  ASSERT_GT(pack_v, 40.0);
  rig.sim->write_line("fault silent on");
  ASSERT_TRUE(gw.wait_for_stderr("TinyBMS link lost", 15s)) << gw.stderr_text();
  std::this_thread::sleep_for(3000ms);
  const auto frames = read_candump(rig.can_log());
  std::size_t held_limits = 0;
  std::size_t offline = 0;
  for (std::size_t i = before; i < frames.size(); ++i) {
    auto d = victron::decode(frames[i].frame);
    ASSERT_TRUE(d.ok());
    if (const auto* l = std::get_if<victron::LimitsFields>(&d->fields); l && l->ccl_da == 0) {
      ++held_limits;
      EXPECT_LE(l->cvl_v(), pack_v + 0.01) << "CVL held at the pack voltage";
      EXPECT_LT(l->dvl_v(), l->cvl_v());
    }
    if (const auto* a = std::get_if<victron::AlarmFields>(&d->fields); a && a->online_pair == 1) {
      ++offline;
      EXPECT_EQ(a->levels()[msg::AlarmItem::bms_internal], msg::AlarmLevel::warning);
    }
  }
  EXPECT_GE(held_limits, 1U) << "still on the bus with CCL 0";
  EXPECT_GE(offline, 1U) << "0x35A says offline while holding";
  gw.signal(SIGTERM);
  EXPECT_EQ(gw.wait(), 0);
}

std::vector<long> snapshot_stamps(Process& gw, std::size_t n) {
  std::vector<long> stamps;
  while (stamps.size() < n) {
    auto line = gw.read_line(20s);
    if (!line) break;
    auto j = json::parse(*line, nullptr, false);
    if (!j.is_discarded()) stamps.push_back(j["stamp_ms"].get<long>());
  }
  return stamps;
}

long median_gap_ms(const std::vector<long>& stamps) {
  std::vector<long> gaps;
  for (std::size_t i = 1; i < stamps.size(); ++i) gaps.push_back(stamps[i] - stamps[i - 1]);
  std::sort(gaps.begin(), gaps.end());
  return gaps.empty() ? 0 : gaps[gaps.size() / 2];
}

TEST(GatewayService, GivenConfigFileChanged_WhenSighup_ThenPollCadenceChangesLive) {
  Rig rig({"--seed", "13"});
  ASSERT_FALSE(rig.device.empty());
  const fs::path config = rig.state.path() / "seed.json";
  std::ofstream(config) << R"({"schema_version": 1, "settings": {"poll.live_interval_ms": 1000}})";
  auto args = rig.gw_args({"--config", config.string(), "--print-snapshots"});
  Process gw(args);
  const auto before = snapshot_stamps(gw, 4);
  ASSERT_EQ(before.size(), 4U) << gw.stderr_text();
  std::ofstream(config) << R"({"schema_version": 1, "settings": {"poll.live_interval_ms": 300}})";
  gw.signal(SIGHUP);
  ASSERT_TRUE(gw.wait_for_stderr("poll.live_interval_ms 1000 -> 300", 10s)) << gw.stderr_text();
  (void)snapshot_stamps(gw, 2);  // the refresh already scheduled under the old interval
  const auto after = snapshot_stamps(gw, 8);
  ASSERT_EQ(after.size(), 8U);
  EXPECT_GE(median_gap_ms(before), 900);
  EXPECT_LE(median_gap_ms(after), 500);
  EXPECT_TRUE(gw.running()) << "a reload never restarts the process";

  // A bad value on reload is refused with its key and changes nothing.
  std::ofstream(config) << R"({"schema_version": 1, "settings": {"poll.live_interval_ms": 5}})";
  gw.signal(SIGHUP);
  EXPECT_TRUE(gw.wait_for_stderr("poll.live_interval_ms", 10s));
  EXPECT_TRUE(gw.running());
  gw.signal(SIGTERM);
  EXPECT_EQ(gw.wait(), 0);
}

TEST(GatewayService, GivenChargingBattery_WhenRestarted_ThenEnergyCountersContinue) {
  Rig rig({"--seed", "14", "--current", "80", "--time-factor", "1"});
  ASSERT_FALSE(rig.device.empty());
  auto read_wh = [&rig] {
    std::ifstream in(rig.state.path() / "energy.json");
    auto j = json::parse(in, nullptr, false);
    return j.is_discarded() ? -1.0 : j["wh_charged"].get<double>();
  };
  {
    Process gw(rig.gw_args({"--print-snapshots", "--exit-after-snapshots", "5"}));
    EXPECT_EQ(gw.wait(20s), 0) << gw.stderr_text();
  }
  const double first = read_wh();
  EXPECT_GT(first, 0.0) << "saved on stop";
  {
    Process gw(rig.gw_args({"--print-snapshots", "--exit-after-snapshots", "5"}));
    EXPECT_EQ(gw.wait(20s), 0);
    EXPECT_NE(gw.stderr_text().find("energy counters loaded"), std::string::npos);
  }
  EXPECT_GT(read_wh(), first) << "the second run adds to the first";
}

TEST(GatewayService, GivenHotSensor_WhenPolled_ThenAlertIsRaisedLoggedAndOnCan) {
  Rig rig({"--seed", "15", "--fault", "hot-sensor 1 58"});
  ASSERT_FALSE(rig.device.empty());
  Process gw(rig.gw_args({}));
  const auto line = gw.wait_for_stderr("temp_high", 15s);
  ASSERT_TRUE(line) << gw.stderr_text();
  EXPECT_NE(line->find("58.0 °C"), std::string::npos) << "the message carries the value";
  std::this_thread::sleep_for(1500ms);
  bool warned = false;
  for (const auto& f : read_candump(rig.can_log())) {
    if (f.frame.id != 0x35A) continue;
    auto decoded = victron::decode(f.frame);
    ASSERT_TRUE(decoded.ok());
    const auto* a = std::get_if<victron::AlarmFields>(&decoded->fields);
    ASSERT_NE(a, nullptr);
    warned = warned || a->levels()[msg::AlarmItem::high_temperature] == msg::AlarmLevel::warning;
  }
  EXPECT_TRUE(warned) << "the same alert is the 0x35A high-temperature warning";
  rig.sim->write_line("fault hot-sensor 1 off");
  EXPECT_TRUE(gw.wait_for_stderr("alert cleared: temp_high", 30s)) << gw.stderr_text();
  gw.signal(SIGTERM);
  EXPECT_EQ(gw.wait(), 0);

  // The alert log outlives the process: raised and cleared are in the history database.
  Process exporter({TBGW_GW_BIN, "history", "export", "--state-dir", rig.state.path().string(),
                    "--what", "alerts"});
  std::string csv;
  while (auto l = exporter.read_line(10s)) csv += *l + "\n";
  EXPECT_EQ(exporter.wait(), 0);
  EXPECT_NE(csv.find("gateway,temp_high,warning,raised,58,50"), std::string::npos) << csv;
  EXPECT_NE(csv.find("gateway,temp_high,"), csv.rfind("gateway,temp_high,")) << "and cleared";
  EXPECT_NE(csv.find(",bms,bms_0x61,"), std::string::npos) << "the BMS's own events too";
}

TEST(GatewayService, GivenStateDirBecomesUnwritable_WhenCountersAreSaved_ThenStorageAlert) {
  // Root ignores permissions, so the directory is made immutable (chattr +i) to play a
  // read-only or full disk; skipped where the file system has no such attribute.
  Rig rig({"--seed", "16"});
  ASSERT_FALSE(rig.device.empty());
  const fs::path config = rig.state.path() / "seed.json";
  std::ofstream(config)
      << R"({"schema_version": 1, "settings": {"energy.persist_interval_s": 10}})";
  Process gw(rig.gw_args({"--config", config.string()}));
  ASSERT_TRUE(gw.wait_for_stderr("limits", 15s)) << gw.stderr_text();
  const std::string dir = rig.state.path().string();
  if (std::system(("chattr +i " + dir + " 2>/dev/null").c_str()) != 0) {
    gw.signal(SIGTERM);
    gw.wait();
    GTEST_SKIP() << "no immutable attribute on this file system";
  }
  const auto alert = gw.wait_for_stderr("storage", 40s);
  EXPECT_TRUE(alert) << gw.stderr_text();
  EXPECT_TRUE(gw.running()) << "storage trouble never stops the gateway";
  EXPECT_NE(gw.stderr_text().find("energy counters not saved"), std::string::npos);
  EXPECT_EQ(std::system(("chattr -i " + dir).c_str()), 0);
  gw.signal(SIGTERM);
  EXPECT_EQ(gw.wait(), 0);
}

// Issue 18 item 11: outside systemd the state directory and its files were 0755/0644, so any
// local user could read the configuration (MQTT credentials) and the history.
TEST(GatewayService, GivenAFreshStateDir_WhenTheGatewayRuns_ThenNothingIsReadableByOthers) {
  TempDir dir;
  const fs::path state = dir.path() / "new-state";
  Process gw({TBGW_GW_BIN, "--simulate", "--state-dir", state.string(), "--can", "log:/dev/null",
              "--http", "", "--exit-after-snapshots", "5"});
  EXPECT_EQ(gw.wait(30s), 0) << gw.stderr_text();
  ASSERT_TRUE(fs::exists(state));
  std::size_t checked = 0;
  const auto others = fs::perms::others_read | fs::perms::others_write | fs::perms::others_exec;
  EXPECT_EQ(fs::status(state).permissions() & others, fs::perms::none) << state;
  for (const auto& entry : fs::recursive_directory_iterator(state)) {
    EXPECT_EQ(entry.status().permissions() & others, fs::perms::none) << entry.path();
    ++checked;
  }
  EXPECT_GT(checked, 2U) << "the gateway wrote its files (initial password, counters, history)";
}

TEST(GatewayService, GivenInvalidConfigFile_WhenStarted_ThenExit2NamingTheKey) {
  TempDir dir;
  const fs::path config = dir.path() / "bad.json";
  std::ofstream(config) << R"({"schema_version": 1, "settings": {"poll.max_retries": 99}})";
  Process gw({TBGW_GW_BIN, "--serial", "/dev/null", "--config", config.string(), "--state-dir",
              dir.path().string()});
  EXPECT_EQ(gw.wait(), 2);
  EXPECT_NE(gw.stderr_text().find("poll.max_retries"), std::string::npos) << gw.stderr_text();
}

TEST(GatewayService, GivenUnknownCanSpec_WhenStarted_ThenExit2WithTheAcceptedForms) {
  TempDir dir;
  Process gw(
      {TBGW_GW_BIN, "--simulate", "--can", "carrier-pigeon:1", "--state-dir", dir.path().string()});
  EXPECT_EQ(gw.wait(), 2);
  EXPECT_NE(gw.stderr_text().find("socketcan:"), std::string::npos) << gw.stderr_text();
}

}  // namespace
}  // namespace tbgw::test
