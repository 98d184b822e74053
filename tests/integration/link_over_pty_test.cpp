// The TinyBMS link end to end: the real tinybms-gw reads the real tinybms-sim over a real
// pseudo-terminal, and what it decodes is compared with the simulator's --truth file. Then the
// same through each fault the simulator can inject, a BMS that disappears and comes back, and
// the settings write path with read-back.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "integration/process.hpp"
#include "integration/temp_dir.hpp"

namespace tbgw::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
namespace fs = std::filesystem;

struct Sim {
  explicit Sim(std::vector<std::string> args) : process(with_binary(std::move(args))) {
    if (auto line = process.read_line(10s)) device = *line;
  }
  static std::vector<std::string> with_binary(std::vector<std::string> args) {
    args.insert(args.begin(), TBGW_SIM_BIN);
    return args;
  }
  Process process;
  std::string device;
};

std::vector<std::string> gw_args(std::vector<std::string> args) {
  args.insert(args.begin(), TBGW_GW_BIN);
  return args;
}

std::vector<json> read_jsonl(const fs::path& file) {
  std::vector<json> out;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(json::parse(line, nullptr, false));
  }
  return out;
}

// The snapshot is read in two blocks (cells 0-15, then pack data 32-53), a few milliseconds
// apart, so each block must equal one true state of the battery within the register
// resolution (cells 0.1 mV, float32 pack voltage/current, SOC 1e-6 %, temperatures 0.1 degC),
// and the two states must be close in time.
bool cells_match(const json& snap, const json& truth) {
  const auto& cells = snap["cell_mv"];
  const auto& true_cells = truth["cell_mv"];
  if (cells.size() != true_cells.size()) return false;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (std::fabs(cells[i].get<double>() - true_cells[i].get<double>()) > 0.051 + 1e-6) {
      return false;
    }
  }
  return true;
}

bool pack_matches(const json& snap, const json& truth) {
  return std::fabs(snap["pack_voltage_v"].get<double>() - truth["pack_v"].get<double>()) <= 1e-3 &&
         std::fabs(snap["pack_current_a"].get<double>() - truth["current_a"].get<double>()) <=
             1e-3 &&
         std::fabs(snap["soc_pct"].get<double>() - truth["soc_pct"].get<double>()) <= 2e-6 &&
         std::fabs(snap["temp_internal_c"].get<double>() - truth["temps_c"][0].get<double>()) <=
             0.051;
}

// Every snapshot must be explained by the battery's true states.
void expect_snapshots_match_truth(const std::vector<json>& snapshots,
                                  const std::vector<json>& truth) {
  ASSERT_FALSE(truth.empty());
  for (const auto& snap : snapshots) {
    std::vector<long> cell_times, pack_times;
    for (const auto& t : truth) {
      if (cells_match(snap, t)) cell_times.push_back(t["t_ms"].get<long>());
      if (pack_matches(snap, t)) pack_times.push_back(t["t_ms"].get<long>());
    }
    ASSERT_FALSE(cell_times.empty()) << "cells match no true state: " << snap.dump();
    ASSERT_FALSE(pack_times.empty()) << "pack values match no true state: " << snap.dump();
    long closest = std::numeric_limits<long>::max();
    for (long a : cell_times) {
      for (long b : pack_times) closest = std::min(closest, std::labs(a - b));
    }
    EXPECT_LE(closest, 1000) << "cells and pack values come from states " << closest
                             << " ms apart: " << snap.dump();
  }
}

std::vector<json> collect_snapshots(Process& gw, std::size_t n, std::chrono::seconds timeout) {
  std::vector<json> out;
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (out.size() < n && std::chrono::steady_clock::now() < end) {
    auto line = gw.read_line(1s);
    if (!line) continue;
    auto j = json::parse(*line, nullptr, false);
    if (!j.is_discarded()) out.push_back(j);
  }
  return out;
}

TEST(LinkOverPty, GivenSimulatorDischarging_WhenGatewayPolls_ThenSnapshotsMatchTheTruth) {
  TempDir dir;
  const auto truth_file = dir.path() / "truth.jsonl";
  Sim sim({"--cells", "14", "--seed", "7", "--current", "-40", "--time-factor", "60",
           "--ext2-absent", "--truth", truth_file.string()});
  ASSERT_FALSE(sim.device.empty()) << sim.process.stderr_text();
  Process gw(gw_args({"--serial", sim.device, "--print-snapshots", "--poll-interval-ms", "300",
                      "--exit-after-snapshots", "8"}));
  const auto snapshots = collect_snapshots(gw, 8, 30s);
  EXPECT_EQ(gw.wait(), 0) << gw.stderr_text();
  ASSERT_EQ(snapshots.size(), 8U) << gw.stderr_text();
  sim.process.signal(SIGTERM);
  EXPECT_EQ(sim.process.wait(), 0) << "the simulator stops cleanly on SIGTERM";
  for (const auto& s : snapshots) {
    EXPECT_EQ(s["cell_count"], 14);
    EXPECT_EQ(s["configured_cells"], 14);
    EXPECT_TRUE(s["temp_external2_c"].is_null()) << "absent sensor reported as absent";
    EXPECT_LT(s["pack_current_a"].get<double>(), -39.0);
    EXPECT_EQ(s["online_status"], "discharging");
  }
  // The SOC falls while discharging at 40 A with 60x time.
  EXPECT_LT(snapshots.back()["soc_pct"].get<double>(), snapshots.front()["soc_pct"].get<double>());
  expect_snapshots_match_truth(snapshots, read_jsonl(truth_file));
}

struct FaultCase {
  const char* name;
  std::vector<std::string> sim_args;
  const char* expected_in_stats;  // a counter the final stats line must show as non-zero
  const char* poll_interval_ms = "300";
};

class LinkFaults : public ::testing::TestWithParam<FaultCase> {};

TEST_P(LinkFaults, GivenFault_WhenPolled_ThenEverySnapshotStillMatchesTheTruth) {
  const FaultCase& c = GetParam();
  TempDir dir;
  const auto truth_file = dir.path() / "truth.jsonl";
  std::vector<std::string> args = {"--seed", "3",       "--time-factor",
                                   "30",     "--truth", truth_file.string()};
  args.insert(args.end(), c.sim_args.begin(), c.sim_args.end());
  Sim sim(args);
  ASSERT_FALSE(sim.device.empty()) << sim.process.stderr_text();
  Process gw(gw_args({"--serial", sim.device, "--print-snapshots", "--poll-interval-ms",
                      c.poll_interval_ms, "--exit-after-snapshots", "6"}));
  const auto snapshots = collect_snapshots(gw, 6, 60s);
  EXPECT_EQ(gw.wait(), 0);
  const std::string log = gw.stderr_text();
  ASSERT_EQ(snapshots.size(), 6U) << log;
  expect_snapshots_match_truth(snapshots, read_jsonl(truth_file));
  // The stats line names the failures the fault caused, e.g. "12 timeouts".
  const auto stats = log.substr(log.find("stopped:"));
  const auto pos = stats.find(c.expected_in_stats);
  ASSERT_NE(pos, std::string::npos) << stats;
  const auto before = stats.rfind(", ", pos);
  const auto count = std::stol(stats.substr(before == std::string::npos ? 9 : before + 2));
  EXPECT_GT(count, 0) << c.name << ": " << stats;
}

INSTANTIATE_TEST_SUITE_P(
    Faults, LinkFaults,
    ::testing::Values(
        FaultCase{"dropped replies", {"--current", "25", "--fault", "drop 0.3"}, "timeouts"},
        FaultCase{"corrupted bytes", {"--current", "25", "--fault", "corrupt 0.003"}, "CRC errors"},
        FaultCase{"late replies", {"--current", "25", "--fault", "late 400"}, "timeouts"},
        // Sleep needs a quiet battery (|I| < 0.8 A) and polling gaps longer than the idle time
        // (10 s on a real BMS; shortened here), so that every refresh meets a sleeping BMS.
        FaultCase{"sleeping BMS",
                  {"--current", "0", "--sleep", "--sleep-after-ms", "1000"},
                  "timeouts",
                  "1500"},
        FaultCase{"reserved reads refused", {"--current", "25", "--nack-reserved"}, "NACKs"}),
    [](const auto& param_info) {
      std::string n = param_info.param.name;
      for (auto& ch : n) {
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      }
      return n;
    });

TEST(LinkOverPty, GivenBmsGoesSilent_WhenItReturns_ThenLinkLostWithReasonAndBack) {
  Sim sim({"--seed", "5"});
  ASSERT_FALSE(sim.device.empty());
  Process gw(gw_args({"--serial", sim.device, "--poll-interval-ms", "300"}));
  ASSERT_TRUE(gw.wait_for_stderr("link up", 10s)) << gw.stderr_text();
  sim.process.write_line("fault silent on");
  EXPECT_TRUE(gw.wait_for_stderr("link lost: timeout", 15s)) << gw.stderr_text();
  sim.process.write_line("fault silent off");
  EXPECT_TRUE(gw.wait_for_stderr("link up", 15s)) << gw.stderr_text();
  gw.signal(SIGTERM);
  EXPECT_EQ(gw.wait(), 0) << "SIGTERM stops the gateway cleanly";
}

TEST(LinkOverPty, GivenPortDisappears_WhenADeviceReturnsUnderTheSameName_ThenLinkRecovers) {
  // /dev/serial/by-id names are symlinks that vanish on unplug and come back on replug; a
  // symlink to the simulator's pty plays that part.
  TempDir dir;
  const auto link = dir.path() / "ttyBMS";
  auto first = std::make_unique<Sim>(std::vector<std::string>{"--seed", "1"});
  ASSERT_FALSE(first->device.empty());
  fs::create_symlink(first->device, link);
  Process gw(gw_args({"--serial", link.string(), "--poll-interval-ms", "300"}));
  ASSERT_TRUE(gw.wait_for_stderr("link up", 10s)) << gw.stderr_text();

  first->process.signal(SIGKILL);  // unplugged: the pty goes away under the gateway
  first->process.wait();
  fs::remove(link);
  EXPECT_TRUE(gw.wait_for_stderr("link lost: port_closed", 10s)) << gw.stderr_text();

  Sim second({"--seed", "2"});
  ASSERT_FALSE(second.device.empty());
  fs::create_symlink(second.device, link);
  EXPECT_TRUE(gw.wait_for_stderr("link up", 40s)) << gw.stderr_text();
  EXPECT_TRUE(gw.running()) << "never a crash";
  gw.signal(SIGTERM);
  EXPECT_EQ(gw.wait(), 0);
}

TEST(SettingsCommand, GivenValidValue_WhenWritten_ThenVerifiedByReadBackAndPersistsInTheBms) {
  Sim sim({"--seed", "4"});
  ASSERT_FALSE(sim.device.empty());
  Process write(gw_args({"settings", "--serial", sim.device, "--set",
                         "over_voltage_cutoff_per_cell=3600", "--set", "316=2700"}));
  std::string out;
  while (auto line = write.read_line(20s)) out += *line + "\n";
  EXPECT_EQ(write.wait(), 0) << out << write.stderr_text();
  EXPECT_NE(out.find("over_voltage_cutoff_per_cell"), std::string::npos) << out;
  EXPECT_NE(out.find("write verified"), std::string::npos) << out;

  Process read(gw_args({"settings", "--serial", sim.device}));
  std::string listing;
  while (auto line = read.read_line(20s)) listing += *line + "\n";
  EXPECT_EQ(read.wait(), 0);
  const auto row = listing.substr(listing.find("315   over_voltage_cutoff_per_cell"));
  EXPECT_NE(row.substr(0, row.find('\n')).find(" 3600 "), std::string::npos) << listing;
}

TEST(SettingsCommand, GivenOutOfRangeValue_WhenWritten_ThenRefusedWithRangeAndNothingChanges) {
  Sim sim({"--seed", "4"});
  ASSERT_FALSE(sim.device.empty());
  Process write(
      gw_args({"settings", "--serial", sim.device, "--set", "over_voltage_cutoff_per_cell=9000"}));
  EXPECT_EQ(write.wait(), 2);
  const std::string err = write.stderr_text();
  EXPECT_NE(err.find("out_of_range"), std::string::npos) << err;
  EXPECT_NE(err.find("1200 to 4500"), std::string::npos) << err;

  Process read(gw_args({"settings", "--serial", sim.device}));
  std::string listing;
  while (auto line = read.read_line(20s)) listing += *line + "\n";
  EXPECT_EQ(read.wait(), 0);
  const auto row = listing.substr(listing.find("315   over_voltage_cutoff_per_cell"));
  EXPECT_NE(row.substr(0, row.find('\n')).find(" 3650 "), std::string::npos) << listing;
}

TEST(SettingsCommand, GivenCutoffsInsideOut_WhenWritten_ThenRefusedNamingThePairAndNothingChanges) {
  // Each value is inside its own range; together they are impossible (the BMS would fault).
  Sim sim({"--seed", "4"});
  ASSERT_FALSE(sim.device.empty());
  Process write(gw_args({"settings", "--serial", sim.device, "--set", "315=1200", "--set",
                         "316=3500", "--set", "300=1200", "--set", "301=3500"}));
  std::string out;
  while (auto line = write.read_line(20s)) out += *line + "\n";
  EXPECT_EQ(write.wait(), 2) << out << write.stderr_text();
  const std::string err = write.stderr_text();
  EXPECT_NE(err.find("refused, nothing was written: under-voltage cutoff (316) 3500 mV must be "
                     "below fully discharged (301) 3500 mV"),
            std::string::npos)
      << err;
  EXPECT_EQ(out.find("write verified"), std::string::npos) << out;

  Process read(gw_args({"settings", "--serial", sim.device}));
  std::string listing;
  while (auto line = read.read_line(20s)) listing += *line + "\n";
  EXPECT_EQ(read.wait(), 0);
  // The simulator's LiFePO4 settings, unchanged.
  for (const auto& [reg, value] : {std::pair<const char*, const char*>{"\n315   ", " 3650 "},
                                   {"\n316   ", " 2800 "},
                                   {"\n300   ", " 3550 "},
                                   {"\n301   ", " 2900 "}}) {
    const auto at = listing.find(reg);
    ASSERT_NE(at, std::string::npos) << reg << listing;
    const auto row = listing.substr(at + 1);
    EXPECT_NE(row.substr(0, row.find('\n')).find(value), std::string::npos) << reg << listing;
  }
}

TEST(CommandLine, GivenNoSerialAndNoSimulate_WhenStarted_ThenClearErrorAndExit2) {
  Process gw(gw_args({}));
  EXPECT_EQ(gw.wait(), 2);
  EXPECT_NE(gw.stderr_text().find("--serial"), std::string::npos);
}

TEST(CommandLine, GivenMissingDevice_WhenStarted_ThenExplainsAndKeepsRetryingWithoutCrashing) {
  Process gw(gw_args({"--serial", "/dev/tbgw-no-such-device"}));
  EXPECT_TRUE(gw.wait_for_stderr("no such device", 10s)) << gw.stderr_text();
  std::this_thread::sleep_for(1500ms);
  EXPECT_TRUE(gw.running());
  gw.signal(SIGINT);
  EXPECT_EQ(gw.wait(), 0);
}

TEST(CommandLine, GivenSimulate_WhenRun_ThenInProcessSimulatorFeedsSnapshots) {
  Process gw(gw_args({"--simulate", "--print-snapshots", "--exit-after-snapshots", "3",
                      "--sim-cells", "8", "--poll-interval-ms", "300"}));
  const auto snapshots = collect_snapshots(gw, 3, 20s);
  EXPECT_EQ(gw.wait(), 0) << gw.stderr_text();
  ASSERT_EQ(snapshots.size(), 3U);
  EXPECT_EQ(snapshots.back()["cell_count"], 8);
}

}  // namespace
}  // namespace tbgw::test
