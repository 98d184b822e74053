// tinybms-sim as a program: battery faults reach a client through the protocol, a real serial
// device (here the slave side of a pty the test owns) can be served with --port, bad options
// are refused with a clear message.
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/tinybms/request_builder.hpp"
#include "core/tinybms/response_decoder.hpp"
#include "core/tinybms/response_parser.hpp"
#include "integration/error_text.hpp"
#include "integration/process.hpp"
#include "platform/linux/pty.hpp"

namespace tbgw::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

std::vector<json> gateway_snapshots(const std::string& device, std::size_t n) {
  Process gw({TBGW_GW_BIN, "--serial", device, "--print-snapshots", "--poll-interval-ms", "300",
              "--exit-after-snapshots", std::to_string(n)});
  std::vector<json> out;
  while (out.size() < n) {
    auto line = gw.read_line(20s);
    if (!line) break;
    out.push_back(json::parse(*line, nullptr, false));
  }
  gw.wait();
  return out;
}

TEST(SimProgram, GivenHotSensorAndDriftingCell_WhenGatewayPolls_ThenBothAreVisible) {
  Process sim({TBGW_SIM_BIN, "--seed", "9", "--time-factor", "60", "--fault", "hot-sensor 1 70",
               "--fault", "cell-drift 7 300"});
  const auto device = sim.read_line(10s);
  ASSERT_TRUE(device) << sim.stderr_text();
  const auto first = gateway_snapshots(*device, 1);
  std::this_thread::sleep_for(2s);  // 2 model minutes at 60x: cell 7 drifts up ~600 mV
  const auto later = gateway_snapshots(*device, 1);
  ASSERT_EQ(first.size(), 1U);
  ASSERT_EQ(later.size(), 1U);
  EXPECT_DOUBLE_EQ(later[0]["temp_external1_c"].get<double>(), 70.0);
  const double drift_mv =
      later[0]["cell_mv"][6].get<double>() - first[0]["cell_mv"][6].get<double>();
  const double other_mv =
      later[0]["cell_mv"][5].get<double>() - first[0]["cell_mv"][5].get<double>();
  EXPECT_GT(drift_mv, 100.0) << later[0].dump();
  EXPECT_LT(std::abs(other_mv), 20.0) << "only cell 7 drifts";
}

TEST(SimProgram, GivenRealSerialDevice_WhenServedWithPort_ThenAnswersTheProtocol) {
  platform::PseudoTerminal line;  // the test plays the client on the master side
  const auto opened = line.open();
  ASSERT_TRUE(opened) << test::error_text(opened);
  Process sim({TBGW_SIM_BIN, "--port", line.slave_path(), "--cells", "12"});
  const auto device = sim.read_line(10s);
  ASSERT_TRUE(device) << sim.stderr_text();
  EXPECT_EQ(*device, line.slave_path());

  auto request = tinybms::build_modbus_read(53, 1);  // detected cells
  ASSERT_TRUE(request.ok());
  ASSERT_EQ(::write(line.master_fd(), request->bytes().data(), request->size),
            static_cast<ssize_t>(request->size));
  tinybms::ResponseParser parser;
  std::uint16_t cells = 0;
  bool answered = false;
  const auto end = std::chrono::steady_clock::now() + 5s;
  while (!answered && std::chrono::steady_clock::now() < end) {
    pollfd p{line.master_fd(), POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    std::uint8_t buf[256];
    const ssize_t n = ::read(line.master_fd(), buf, sizeof buf);
    if (n <= 0) continue;
    std::span<const std::uint8_t> in(buf, static_cast<std::size_t>(n));
    for (;;) {
      auto r = parser.push(in);
      in = in.subspan(r.consumed);
      if (!r.event) break;
      if (r.event->kind != tinybms::ParseEvent::Kind::frame) continue;
      answered = tinybms::decode_modbus_read(r.event->frame, 1, std::span(&cells, 1)).ok();
    }
  }
  EXPECT_TRUE(answered);
  EXPECT_EQ(cells, 12);
  sim.signal(SIGINT);
  EXPECT_EQ(sim.wait(), 0) << "stops cleanly on SIGINT";
}

TEST(SimProgram, GivenBadOptions_WhenStarted_ThenRefusedWithAReason) {
  Process bad_cells({TBGW_SIM_BIN, "--cells", "17"});
  EXPECT_NE(bad_cells.wait(), 0);
  EXPECT_NE(bad_cells.stderr_text().find("--cells"), std::string::npos);
  Process bad_fault({TBGW_SIM_BIN, "--fault", "explode now"});
  EXPECT_EQ(bad_fault.wait(), 2);
  EXPECT_NE(bad_fault.stderr_text().find("explode"), std::string::npos);
}

}  // namespace
}  // namespace tbgw::test
