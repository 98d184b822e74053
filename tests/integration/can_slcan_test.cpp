// The slcan backend against an independent peer: python-can's slcan interface (Debian's
// python3-can, tests/integration/slcan_peer.py) on another pseudo-terminal.
//
// Both ends are slcan *hosts*, so the test plays the two USB adapters and the bus between them:
// pty A (python) and pty B (our backend) are bridged; a command line ("C", "S6", "O", ...) is
// answered with CR as an adapter does, and a "t..." line goes to the other side and is
// acknowledged with "z" CR (USBtin/CANUSB behaviour). Checked: the frames CanOutput sends arrive
// in python with their ids and data, python's 0x305/0x307 make CanOutput report the GX, the
// init sequence C/S6/O, a BELL from the adapter, and an unplugged adapter.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "integration/can_output_harness.hpp"
#include "integration/error_text.hpp"
#include "integration/process.hpp"
#include "platform/linux/can_output.hpp"
#include "platform/linux/can_slcan.hpp"
#include "platform/linux/clock.hpp"
#include "platform/linux/pty.hpp"

namespace tbgw::test {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;
using platform::CanHealth;
using platform::CanOutput;
using platform::CanOutputConfig;
using platform::SlcanBackend;
using victron::CanFrame;

const std::string kPython = "/usr/bin/python3";
const std::string kPeer =
    (std::filesystem::path(TBGW_SOURCE_DIR) / "tests/integration/slcan_peer.py").string();

CanFrame frame(std::uint32_t id, std::vector<std::uint8_t> bytes) {
  CanFrame f;
  f.id = id;
  f.dlc = static_cast<std::uint8_t>(bytes.size());
  for (std::size_t i = 0; i < bytes.size(); ++i) f.data[i] = bytes[i];
  return f;
}

// One side of the fake bus: a pty master, its lines, and what to answer.
class AdapterSide {
 public:
  AdapterSide(asio::io_context& io, std::string name) : stream_(io), name_(std::move(name)) {
    const auto opened = pty_.open();
    ok_ = opened.ok();
    EXPECT_TRUE(ok_) << test::error_text(opened);
    if (ok_) stream_.assign(::dup(pty_.master_fd()));
  }
  ~AdapterSide() {
    boost::system::error_code ignored;
    stream_.close(ignored);
  }
  const std::string& slave_path() const { return pty_.slave_path(); }
  void connect(AdapterSide* other) { other_ = other; }
  void start() { read(); }
  void write(const std::string& bytes) {
    if (!stream_.is_open()) return;
    [[maybe_unused]] auto n = ::write(stream_.native_handle(), bytes.data(), bytes.size());
  }
  // Unplugs the adapter: the host's reads fail with EIO.
  void unplug() {
    boost::system::error_code ignored;
    stream_.close(ignored);
    pty_.close();
  }

  std::vector<std::string> commands;  // non-frame lines the host sent, in order
  std::vector<std::string> frames;    // "t..." lines the host sent
  bool bell_for_frames = false;       // answer frames with BELL (buffer full / no ACK)

 private:
  void read() {
    stream_.async_read_some(asio::buffer(buf_),
                            [this](const boost::system::error_code& ec, std::size_t n) {
                              if (ec) return;
                              for (std::size_t i = 0; i < n; ++i) on_char(buf_[i]);
                              read();
                            });
  }
  void on_char(char c) {
    if (c != '\r') {
      line_.push_back(c);
      return;
    }
    const std::string line = std::exchange(line_, {});
    if (!line.empty() && (line[0] == 't' || line[0] == 'T')) {
      frames.push_back(line);
      if (bell_for_frames) {
        write("\a");
        return;
      }
      if (other_ != nullptr) other_->write(line + "\r");
      write("z\r");
    } else {
      commands.push_back(line);
      write("\r");
    }
  }

  platform::PseudoTerminal pty_;
  asio::posix::stream_descriptor stream_;
  std::string name_;
  bool ok_ = false;
  AdapterSide* other_ = nullptr;
  std::array<char, 256> buf_{};
  std::string line_;
};

struct SlcanFixture : ::testing::Test {
  asio::io_context io;
  AdapterSide python_side{io, "python"};
  AdapterSide gateway_side{io, "gateway"};
  SlcanBackend backend{io, gateway_side.slave_path()};

  SlcanFixture() {
    python_side.connect(&gateway_side);
    gateway_side.connect(&python_side);
    python_side.start();
    gateway_side.start();
  }

  // Reads python's next stdout line while the loop keeps running.
  std::optional<std::string> python_line(Process& peer) {
    std::optional<std::string> line;
    run_until(
        io,
        [&] {
          line = peer.read_line(0ms);
          return line.has_value() || !peer.running();
        },
        20s);
    return line;
  }
};

TEST(SlcanCodec, GivenFramesWhenEncodedThenLinesAreLawicelUppercase) {
  const std::pair<CanFrame, std::string> cases[] = {
      {frame(0x351, {0x28, 0x02, 0xE8, 0x03, 0xDC, 0x05, 0xB8, 0x01}), "t35182802E803DC05B801\r"},
      {frame(0x35E, {0xab}), "t35E1AB\r"},
      {frame(0x00A, {}), "t00A0\r"},
  };
  for (const auto& [f, expected] : cases) {
    platform::slcan::TxLine line;
    const auto n = platform::slcan::encode_frame(f, line);
    EXPECT_EQ(std::string(line.data(), n), expected);
  }
}

TEST(SlcanCodec, GivenAdapterLinesWhenParsedThenOnlyStandardDataFramesAreFrames) {
  using platform::slcan::LineKind;
  const std::pair<std::string, LineKind> cases[] = {
      {"t30580000000000000000", LineKind::data_frame},
      {"t3058000000000000000012AB", LineKind::data_frame},  // with a Z1 timestamp
      {"t307812345678564943", LineKind::malformed},         // one byte short
      {"t80000", LineKind::malformed},                      // id above 0x7FF
      {"t3059", LineKind::malformed},                       // dlc 9
      {"t30G0", LineKind::malformed},
      {"T1234567880000000000000000", LineKind::ignored},
      {"r3050", LineKind::ignored},
      {"z", LineKind::reply},
      {"", LineKind::reply},
      {"V1013", LineKind::reply},
      {"?", LineKind::malformed},
  };
  for (const auto& [line, kind] : cases) {
    EXPECT_EQ(platform::slcan::parse_line(line).kind, kind) << line;
  }
  const auto parsed = platform::slcan::parse_line("t3078123456785649430A");
  EXPECT_EQ(parsed.frame.id, 0x307U);
  EXPECT_EQ(parsed.frame.dlc, 8);
  EXPECT_EQ(parsed.frame.data[4], 'V');
  EXPECT_EQ(parsed.frame.data[7], 0x0A);
}

TEST_F(SlcanFixture, GivenPythonCanOnTheBusWhenCanOutputSendsThenPythonDecodesIdsAndData) {
  const std::array<CanFrame, 4> set = {
      frame(0x351, {0x38, 0x02, 0xE8, 0x03, 0xDC, 0x05, 0xB8, 0x01}),
      frame(0x355, {0x5A, 0x00, 0x64, 0x00}), frame(0x35A, {0xAA, 0x02, 0x00, 0x80}),
      frame(0x35E, {'T', 'B', 'G', 'W'})};
  Process peer({kPython, kPeer, python_side.slave_path(), "receive", "8"});
  ASSERT_TRUE(peer.started());
  ASSERT_EQ(python_line(peer), "ready") << peer.stderr_text();

  CanOutput out(io, backend, CanOutputConfig{.period_ms = 100, .keepalive_period_ms = 100});
  out.start();
  ASSERT_TRUE(out.update(set).ok());
  std::vector<std::string> received;
  for (int i = 0; i < 8; ++i) {
    auto line = python_line(peer);
    ASSERT_TRUE(line) << peer.stderr_text();
    received.push_back(*line);
  }
  EXPECT_EQ(python_line(peer), "done");
  out.stop();
  const std::vector<std::string> one_cycle = {"rx 351 3802E803DC05B801 std", "rx 355 5A006400 std",
                                              "rx 35A AA020080 std", "rx 35E 54424757 std"};
  std::vector<std::string> expected = one_cycle;
  expected.insert(expected.end(), one_cycle.begin(), one_cycle.end());
  EXPECT_EQ(received, expected);
  // What our backend said to its adapter: the init sequence, then frames only.
  ASSERT_GE(gateway_side.commands.size(), 3U);
  EXPECT_EQ(gateway_side.commands[0], "C");
  EXPECT_EQ(gateway_side.commands[1], "S6");
  EXPECT_EQ(gateway_side.commands[2], "O");
  EXPECT_EQ(peer.wait(), 0) << peer.stderr_text();
}

TEST_F(SlcanFixture, GivenPythonSendsTheGxFramesWhenCanOutputListensThenGxIsSeen) {
  CanOutput out(io, backend);
  std::vector<bool> gx_events;
  out.set_gx_handler([&](const platform::GxStatus& gx) { gx_events.push_back(gx.present); });
  out.start();
  Process peer({kPython, kPeer, python_side.slave_path(), "send"});
  ASSERT_TRUE(peer.started());
  ASSERT_EQ(python_line(peer), "ready") << peer.stderr_text();
  ASSERT_EQ(python_line(peer), "sent") << peer.stderr_text();
  EXPECT_TRUE(run_until(io, [&] { return out.gx().identifications_307 >= 1; }));
  peer.write_line("quit");
  EXPECT_EQ(peer.wait(), 0) << peer.stderr_text();

  const auto gx = out.gx();
  EXPECT_TRUE(gx.present);
  EXPECT_TRUE(gx.ever_seen);
  EXPECT_EQ(gx.keepalives_305, 1U);
  EXPECT_EQ(gx.identifications_307, 1U);
  EXPECT_EQ(gx_events, std::vector<bool>{true});
  EXPECT_EQ(backend.stats().rx_frames, 2U);
  EXPECT_FALSE(out.transmitting());  // listening only: no data handed over
  EXPECT_TRUE(gateway_side.frames.empty());
}

TEST_F(SlcanFixture, GivenAnAdapterThatRefusesFramesWhenSendingThenHealthIsWarning) {
  gateway_side.bell_for_frames = true;
  backend.start();
  ASSERT_TRUE(run_until(io, [&] { return gateway_side.commands.size() >= 3; }));
  EXPECT_EQ(backend.health().level, CanHealth::ok);
  ASSERT_EQ(backend.send(frame(0x351, {1, 2}), platform::now_ms() + 1000),
            platform::CanSendResult::queued);
  ASSERT_TRUE(run_until(io, [&] { return backend.stats().error_frames >= 1; }));
  EXPECT_EQ(backend.health().level, CanHealth::warning);
  EXPECT_NE(backend.health().reason.find("BELL"), std::string::npos);
  EXPECT_EQ(backend.stats().tx_errors, 1U);
}

TEST_F(SlcanFixture, GivenAnUnpluggedAdapterWhenReadingFailsThenHealthIsErrorAndSendsFail) {
  std::vector<std::string> reasons;
  backend.set_health_handler([&](const platform::CanHealthState& h) {
    reasons.push_back(std::string(to_string(h.level)) + ": " + h.reason);
  });
  backend.start();
  ASSERT_TRUE(run_until(io, [&] { return gateway_side.commands.size() >= 3; }));
  const std::string path = gateway_side.slave_path();
  gateway_side.unplug();
  ASSERT_TRUE(run_until(io, [&] { return backend.health().level == CanHealth::error; }));
  EXPECT_NE(backend.health().reason.find(path), std::string::npos) << backend.health().reason;
  EXPECT_EQ(backend.send(frame(0x351, {}), platform::now_ms() + 1000),
            platform::CanSendResult::error);
  ASSERT_GE(reasons.size(), 2U);
  EXPECT_EQ(reasons.front().rfind("ok:", 0), 0U) << reasons.front();
  backend.stop();
}

}  // namespace
}  // namespace tbgw::test
