// tinybms-sim --chemistry and tinybms-gw --sim-chemistry as programs: the real binaries, read
// over a real pseudo-terminal with the real codec. The test owns the pty and plays the client
// on the master side (as sim_program_test.cpp does); the simulator serves the slave with --port.
// The NMC case is the spec's real 14S Li-ion unit ("A real unit, as a decoder fixture").
// Deadlines are generous failure guards, not timing assertions.
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/tinybms/request_builder.hpp"
#include "core/tinybms/response_decoder.hpp"
#include "core/tinybms/response_parser.hpp"
#include "integration/process.hpp"
#include "integration/temp_dir.hpp"
#include "platform/linux/pty.hpp"

namespace tbgw::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr std::uint16_t kFirstSetting = 300;
constexpr std::uint16_t kSettingCount = 21;  // 300-320
constexpr std::uint16_t kChannels = 16;      // registers 0-15, 0.1 mV
constexpr std::uint16_t kIdleStatus = 0x97;

// A client on the master side of a pty the test owns.
class PtyClient {
 public:
  explicit PtyClient(const platform::PseudoTerminal& line) : fd_(line.master_fd()) {}

  // Sends `request` and returns the first complete reply frame (nullopt if none in 5 s).
  std::optional<tinybms::ResponseFrame> exchange(const tinybms::BuildResult& request) {
    if (!request.ok()) return std::nullopt;
    const auto n = static_cast<ssize_t>(request->size);
    if (::write(fd_, request->bytes().data(), request->size) != n) return std::nullopt;
    const auto end = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < end) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      std::uint8_t buf[512];
      const ssize_t got = ::read(fd_, buf, sizeof buf);
      if (got <= 0) continue;
      std::span<const std::uint8_t> in(buf, static_cast<std::size_t>(got));
      for (;;) {
        auto r = parser_.push(in);
        in = in.subspan(r.consumed);
        if (!r.event) break;
        if (r.event->kind == tinybms::ParseEvent::Kind::frame) return r.event->frame;
      }
    }
    return std::nullopt;
  }

  // 0x03: `count` registers from `first` (nullopt when no valid reply arrives).
  std::optional<std::vector<std::uint16_t>> read_registers(std::uint16_t first,
                                                           std::uint16_t count) {
    const auto frame = exchange(tinybms::build_modbus_read(first, count));
    if (!frame) return std::nullopt;
    std::vector<std::uint16_t> words(count);
    if (!tinybms::decode_modbus_read(*frame, count, words).ok()) return std::nullopt;
    return words;
  }

  // 0x1D: the BMS's own default values of 300..300+count-1.
  std::optional<std::vector<std::uint16_t>> read_defaults(std::uint16_t count) {
    const auto frame =
        exchange(tinybms::build_settings_values(tinybms::SettingsValueKind::default_value, count));
    if (!frame) return std::nullopt;
    std::vector<std::uint16_t> words(count);
    if (!tinybms::decode_settings_values(*frame, count, words).ok()) return std::nullopt;
    return words;
  }

 private:
  int fd_;
  tinybms::ResponseParser parser_;
};

// The simulator on the slave side of a fresh pty, with `args` after --port.
struct SimOnPty {
  explicit SimOnPty(std::vector<std::string> args) {
    opened = line.open().ok();
    args.insert(args.begin(), {TBGW_SIM_BIN, "--port", line.slave_path()});
    process.emplace(std::move(args));
    if (auto first = process->read_line(10s)) device = *first;
  }
  platform::PseudoTerminal line;
  bool opened = false;
  std::optional<Process> process;
  std::string device;
};

struct ChemistryProgramCase {
  const char* name;
  std::vector<std::string> args;                   // after --port
  int cells;                                       // N: on channels 16 - N .. 15
  std::map<std::uint16_t, std::int32_t> settings;  // expected in 300-320
  double cell_min_mv, cell_max_mv;                 // every cell at rest
};

// gtest prints the parameter in ctest's test names: the name, not the bytes.
void PrintTo(const ChemistryProgramCase& c, std::ostream* os) {
  *os << c.name;
}

std::string case_name(const ::testing::TestParamInfo<ChemistryProgramCase>& info) {
  return info.param.name;
}

class SimChemistryProgram : public ::testing::TestWithParam<ChemistryProgramCase> {};

TEST_P(SimChemistryProgram, GivenChemistry_WhenReadOverThePty_ThenItsSettingsAndCellVoltages) {
  const ChemistryProgramCase& c = GetParam();
  SimOnPty sim(c.args);
  ASSERT_TRUE(sim.opened);
  ASSERT_EQ(sim.device, sim.line.slave_path()) << sim.process->stderr_text();
  PtyClient client(sim.line);

  const auto settings = client.read_registers(kFirstSetting, kSettingCount);
  ASSERT_TRUE(settings) << sim.process->stderr_text();
  const auto defaults = client.read_defaults(kSettingCount);
  ASSERT_TRUE(defaults) << sim.process->stderr_text();
  for (const auto& [address, value] : c.settings) {
    const auto raw = static_cast<std::uint16_t>(value);  // 320 may be negative
    EXPECT_EQ((*settings)[address - kFirstSetting], raw) << "register " << address;
    EXPECT_EQ((*defaults)[address - kFirstSetting], raw) << "register " << address << " (0x1D)";
  }

  const auto channels = client.read_registers(0, kChannels);
  ASSERT_TRUE(channels);
  const int unused = kChannels - c.cells;
  for (int ch = 0; ch < kChannels; ++ch) {
    const double mv = (*channels)[static_cast<std::size_t>(ch)] / 10.0;
    if (ch < unused) {
      EXPECT_EQ(mv, 0.0) << "unused channel " << ch;
    } else {
      EXPECT_GE(mv, c.cell_min_mv) << "cell " << ch - unused + 1;
      EXPECT_LE(mv, c.cell_max_mv) << "cell " << ch - unused + 1;
    }
  }

  const auto status = client.read_registers(50, 4);  // 50 status .. 53 detected cells
  ASSERT_TRUE(status);
  EXPECT_EQ((*status)[0], kIdleStatus) << "idle, no fault";
  EXPECT_EQ((*status)[3], c.cells);

  sim.process->signal(SIGINT);
  EXPECT_EQ(sim.process->wait(), 0) << "stops cleanly on SIGINT";
}

INSTANTIATE_TEST_SUITE_P(
    Chemistries, SimChemistryProgram,
    ::testing::Values(
        // The real unit: 14S, 66 Ah, idle at 83.55 % with 3.98-3.99 V per cell.
        ChemistryProgramCase{
            "nmc",
            {"--chemistry", "nmc", "--cells", "14", "--capacity", "66", "--soc", "83"},
            14,
            {{300, 4150},
             {301, 3000},
             {303, 3200},
             {304, 1000},
             {306, 6600},
             {307, 14},
             {308, 15},
             {315, 4200},
             {316, 2900},
             {317, 60},
             {318, 20},
             {319, 60},
             {320, 1}},
            3950.0,
            4010.0},
        ChemistryProgramCase{"lto",
                             {"--chemistry", "lto", "--soc", "50"},
                             16,
                             {{300, 2700},
                              {301, 2000},
                              {303, 2500},
                              {304, 1000},
                              {307, 16},
                              {308, 15},
                              {315, 2800},
                              {316, 1800},
                              {317, 200},
                              {318, 150},
                              {319, 60},
                              {320, -20}},
                             2300.0,
                             2400.0},
        // Without --chemistry: LiFePO4 as always.
        ChemistryProgramCase{"lfp_default",
                             {"--soc", "50"},
                             16,
                             {{300, 3550},
                              {301, 2900},
                              {303, 3400},
                              {315, 3650},
                              {316, 2800},
                              {317, 200},
                              {318, 150},
                              {319, 60},
                              {320, 0}},
                             3280.0,
                             3310.0}),
    case_name);

TEST(SimChemistryCommandLine, GivenUnknownChemistry_WhenStarted_ThenRefusedNamingTheAllowedValues) {
  Process sim({TBGW_SIM_BIN, "--chemistry", "lipo"});
  EXPECT_NE(sim.wait(), 0);
  const std::string err = sim.stderr_text();
  EXPECT_NE(err.find("lipo"), std::string::npos) << err;
  EXPECT_NE(err.find("lfp, nmc, lto"), std::string::npos) << err;

  TempDir dir;
  Process gw({TBGW_GW_BIN, "--simulate", "--sim-chemistry", "lipo", "--http", "", "--state-dir",
              dir.path().string()});
  EXPECT_EQ(gw.wait(), 2) << "a usage error";
  const std::string gw_err = gw.stderr_text();
  EXPECT_NE(gw_err.find("--sim-chemistry"), std::string::npos) << gw_err;
  EXPECT_NE(gw_err.find("lfp, nmc, lto"), std::string::npos) << gw_err;
}

TEST(SimChemistryCommandLine, GivenGatewaySimulatingNmc_WhenPolled_ThenSnapshotsShowTheNmcPack) {
  TempDir dir;
  Process gw({TBGW_GW_BIN, "--simulate", "--sim-chemistry", "nmc", "--sim-cells", "14", "--sim-soc",
              "83", "--http", "", "--state-dir", dir.path().string(), "--print-snapshots",
              "--exit-after-snapshots", "2", "--poll-interval-ms", "300"});
  std::vector<json> snapshots;
  while (snapshots.size() < 2) {
    auto line = gw.read_line(20s);
    if (!line) break;
    auto j = json::parse(*line, nullptr, false);
    if (!j.is_discarded()) snapshots.push_back(j);
  }
  EXPECT_EQ(gw.wait(), 0) << gw.stderr_text();
  ASSERT_EQ(snapshots.size(), 2U) << gw.stderr_text();
  const json& s = snapshots.back();
  EXPECT_EQ(s["cell_count"], 14);
  EXPECT_EQ(s["online_status"], "idle") << s.dump();
  for (const auto& mv : s["cell_mv"]) {
    EXPECT_GE(mv.get<double>(), 3950.0) << s.dump();
    EXPECT_LE(mv.get<double>(), 4010.0) << s.dump();
  }
}

}  // namespace
}  // namespace tbgw::test
