// Issue 17 end to end: the real tinybms-gw reads the real tinybms-sim of each chemistry over a
// pseudo-terminal and writes the CAN frames to the candump log backend. The limits follow the
// BMS's own settings: the real 14S Li-ion unit's registers (the simulator's nmc defaults), a 16S
// LTO pack, and a LiFePO4 pack as before.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "core/victron/frame_decoder.hpp"
#include "integration/candump_reader.hpp"
#include "integration/process.hpp"
#include "integration/temp_dir.hpp"

namespace tbgw::test {
namespace {

using namespace std::chrono_literals;

struct Outcome {
  std::optional<victron::LimitsFields> limits;  // the last 0x351
  std::optional<msg::BatteryAlarms> alarms;     // the last 0x35A
  std::string log;                              // the gateway's stderr
};

// Runs the simulator with `sim_args` and the gateway on it until `seconds` of frames are logged.
// The limit step interval is 1 s (the shortest allowed) so CCL leaves 0 within a few seconds.
Outcome run(const std::vector<std::string>& sim_args, int seconds) {
  TempDir state;
  std::vector<std::string> argv = {TBGW_SIM_BIN};
  argv.insert(argv.end(), sim_args.begin(), sim_args.end());
  Process sim(argv);
  Outcome out;
  const auto device = sim.read_line(10s);
  if (!device) return out;
  const auto config = state.path() / "seed.json";
  std::ofstream(config)
      << R"({"schema_version": 1, "settings": {"charge.limit_step_interval_ms": 1000}})";
  const auto can_log = state.path() / "can.log";
  Process gw({TBGW_GW_BIN, "--serial", *device, "--state-dir", state.path().string(), "--can",
              "log:" + can_log.string(), "--http", "", "--config", config.string()});
  (void)gw.wait_for_stderr("charge profile:", 20s);
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  gw.signal(SIGTERM);
  EXPECT_EQ(gw.wait(), 0);
  out.log = gw.stderr_text();
  for (const auto& f : read_candump(can_log)) {
    auto decoded = victron::decode(f.frame);
    if (!decoded.ok()) continue;
    if (const auto* l = std::get_if<victron::LimitsFields>(&decoded->fields)) out.limits = *l;
    if (const auto* a = std::get_if<victron::AlarmFields>(&decoded->fields)) {
      out.alarms = a->levels();
    }
  }
  return out;
}

bool any_alarm(const msg::BatteryAlarms& a) {
  for (const auto level : a.level) {
    if (level == msg::AlarmLevel::alarm) return true;
  }
  return false;
}

TEST(ChargeChemistry, GivenTheReal14sLiIonUnit_WhenRunning_ThenCvlAndCclFollowItsSettings) {
  const Outcome o = run(
      {"--chemistry", "nmc", "--cells", "14", "--capacity", "66", "--soc", "83", "--seed", "4"}, 8);
  EXPECT_NE(o.log.find("charge profile: Li-ion from the BMS (fully charged 4.150 V/cell): "
                       "absorption 4.100 V/cell x 14 = 57.40 V"),
            std::string::npos)
      << o.log;
  ASSERT_TRUE(o.limits) << o.log;
  EXPECT_GE(o.limits->cvl_v(), 14 * 3.95 - 1e-9);
  EXPECT_LE(o.limits->cvl_v(), 14 * 4.20 + 1e-9);
  EXPECT_GT(o.limits->ccl_a(), 0.0) << "the pack charges";
  EXPECT_LE(o.limits->ccl_a(), 20.0) << "never above the BMS's charge over-current (reg 318)";
  EXPECT_LT(o.limits->dvl_v(), o.limits->cvl_v());
  ASSERT_TRUE(o.alarms);
  EXPECT_FALSE(any_alarm(*o.alarms)) << o.log;
}

TEST(ChargeChemistry, GivenAnLtoPack_WhenRunning_ThenFramesWithTheLtoProfile) {
  const Outcome o = run({"--chemistry", "lto", "--cells", "16", "--soc", "50", "--seed", "4"}, 6);
  EXPECT_NE(o.log.find("charge profile: LTO from the BMS (fully charged 2.700 V/cell): "
                       "absorption 2.650 V/cell x 16 = 42.40 V"),
            std::string::npos)
      << o.log;
  ASSERT_TRUE(o.limits) << "the encoder accepted the decision: " << o.log;
  EXPECT_LE(o.limits->cvl_v(), 16 * 2.80 + 1e-9);
  EXPECT_GT(o.limits->ccl_a(), 0.0);
  EXPECT_LT(o.limits->dvl_v(), o.limits->cvl_v());
  EXPECT_GE(o.limits->dvl_v(), 16 * 1.85 - 1e-9) << "at least reg 316 + 50 mV";
  ASSERT_TRUE(o.alarms);
  EXPECT_FALSE(any_alarm(*o.alarms)) << o.log;
}

TEST(ChargeChemistry, GivenALifepo4Pack_WhenRunning_ThenTheLimitsItAlwaysHad) {
  const Outcome o = run({"--cells", "16", "--soc", "60", "--seed", "4"}, 6);
  EXPECT_NE(o.log.find("charge profile: LiFePO4 from the BMS (fully charged 3.550 V/cell): "
                       "absorption 3.450 V/cell x 16 = 55.20 V"),
            std::string::npos)
      << o.log;
  ASSERT_TRUE(o.limits);
  EXPECT_EQ(o.limits->cvl_dv, 552);
  EXPECT_EQ(o.limits->dvl_dv, 464);
  EXPECT_GT(o.limits->ccl_a(), 0.0);
}

}  // namespace
}  // namespace tbgw::test
