// The Venus OS D-Bus battery service end to end: the real tinybms-gw on a private session bus
// (dbus-run-session), a consumer that follows velib's DbusMonitor rules (scan at name
// appearance with GetItems, then ItemsChanged/PropertiesChanged), and a com.victronenergy.settings
// with localsettings' AddSettings semantics. Each scenario is one run of venus_consumer.py, which
// prints "ok: ..." per check; here a scenario passes when the script exits 0.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "integration/process.hpp"
#include "integration/temp_dir.hpp"

namespace tbgw::test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

bool have_tools() {
  return fs::exists("/usr/bin/dbus-run-session") && fs::exists("/usr/bin/python3") &&
         fs::exists("/usr/lib/python3/dist-packages/dbus");
}

// Runs one scenario; returns its output, sets `status` to the exit status.
std::string run_scenario(const std::string& scenario, int& status) {
  TempDir dir;
  Process p({"/usr/bin/dbus-run-session", "--", "/usr/bin/python3",
             std::string(TBGW_SOURCE_DIR) + "/tests/dbus/venus_consumer.py", scenario, TBGW_GW_BIN,
             TBGW_SIM_BIN, dir.path().string()});
  std::string out;
  while (auto line = p.read_line(180s)) out += *line + "\n";
  status = p.wait(180s);
  return out + p.stderr_text();
}

class VenusDbus : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have_tools()) GTEST_SKIP() << "needs dbus-daemon (dbus-run-session) and python3-dbus";
  }
};

TEST_F(VenusDbus,
       GivenRunningGateway_WhenConsumerScans_ThenCompleteBatteryAndSignalsAndVanishOnStop) {
  int status = -1;
  const std::string out = run_scenario("scan", status);
  EXPECT_EQ(status, 0) << out;
}

TEST_F(VenusDbus, GivenInstanceTakenAndSettingsLate_WhenRegistering_ThenNextFreeAndStable) {
  int status = -1;
  const std::string out = run_scenario("instance", status);
  EXPECT_EQ(status, 0) << out;
}

TEST_F(VenusDbus, GivenSecondGatewayForSameBms_WhenItRegisters_ThenClearErrorNoDuplicate) {
  int status = -1;
  const std::string out = run_scenario("second", status);
  EXPECT_EQ(status, 0) << out;
}

TEST_F(VenusDbus,
       GivenBmsGoesSilent_WhenDataIsStale_ThenInvalidatedCableAlarmLimitsZeroAndRecovers) {
  int status = -1;
  const std::string out = run_scenario("stale", status);
  EXPECT_EQ(status, 0) << out;
}

TEST_F(VenusDbus, GivenBusDaemonRestarts_WhenItComesBack_ThenReconnectsAndRegistersAgain) {
  int status = -1;
  const std::string out = run_scenario("restart", status);
  EXPECT_EQ(status, 0) << out;
}

TEST(VenusDbusConfig, GivenDbusAndRealCanOutput_WhenStarting_ThenRefusedUnlessAcknowledged) {
  TempDir dir;
  Process refused({TBGW_GW_BIN, "--simulate", "--dbus", "--can", "socketcan:can0", "--state-dir",
                   dir.path().string(), "--http", ""});
  EXPECT_EQ(refused.wait(), 2);
  EXPECT_NE(refused.stderr_text().find("two BMS services on one GX"), std::string::npos)
      << refused.stderr_text();
}

}  // namespace
}  // namespace tbgw::test
