// The --can option: the accepted forms build the right backend, anything else gets an error that
// lists the forms; a SocketCAN interface that is missing (or a kernel without CAN, as on the
// build machines) is reported in health, not fatal.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <string>

#include "platform/linux/can_backend_factory.hpp"

namespace tbgw::test {
namespace {

using platform::CanSpec;

struct GoodCase {
  const char* spec;
  CanSpec::Kind kind;
  const char* target;
  int baud;
  const char* describe;
};

// The Result-returning API as the pointer-and-message form these tests were written against.
bool parse_can_spec(std::string_view text, CanSpec& out, std::string& error) {
  auto r = platform::parse_can_spec(text);
  if (!r) {
    error = to_string(r.error());
    return false;
  }
  out = std::move(*r);
  return true;
}

std::unique_ptr<platform::CanBackend> make_can_backend(
    boost::asio::io_context& io, std::string_view spec, std::string& error,
    const platform::CanBackendOptions& options = {}) {
  auto r = platform::make_can_backend(io, spec, options);
  if (!r) {
    error = to_string(r.error());
    return nullptr;
  }
  return std::move(*r);
}

TEST(CanBackendFactory, GivenEachAcceptedFormWhenParsedThenTheBackendMatches) {
  const GoodCase cases[] = {
      {"socketcan:can0", CanSpec::Kind::socketcan, "can0", 115200, "socketcan can0"},
      {"socketcan:vcan0", CanSpec::Kind::socketcan, "vcan0", 115200, "socketcan vcan0"},
      {"slcan:/dev/ttyACM0", CanSpec::Kind::slcan, "/dev/ttyACM0", 115200,
       "slcan /dev/ttyACM0 (500 kbit/s)"},
      {"slcan:/dev/ttyUSB0@57600", CanSpec::Kind::slcan, "/dev/ttyUSB0", 57600,
       "slcan /dev/ttyUSB0 (500 kbit/s)"},
      {"log:/var/log/can.log", CanSpec::Kind::log, "/var/log/can.log", 115200,
       "candump log to /var/log/can.log as can0"},
      {"log:-", CanSpec::Kind::log, "-", 115200, "candump log to stdout as can0"},
      {"log:a:b.log", CanSpec::Kind::log, "a:b.log", 115200, "candump log to a:b.log as can0"},
  };
  boost::asio::io_context io;
  for (const auto& c : cases) {
    CanSpec spec;
    std::string error;
    ASSERT_TRUE(parse_can_spec(c.spec, spec, error)) << c.spec << ": " << error;
    EXPECT_EQ(spec.kind, c.kind) << c.spec;
    EXPECT_EQ(spec.target, c.target) << c.spec;
    EXPECT_EQ(spec.tty_baud, c.baud) << c.spec;
    auto backend = make_can_backend(io, c.spec, error);
    ASSERT_NE(backend, nullptr) << error;
    EXPECT_EQ(backend->describe(), c.describe);
  }
}

TEST(CanBackendFactory, GivenAnythingElseWhenParsedThenTheErrorNamesTheAcceptedForms) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "empty"},
      {"can0", "did you mean socketcan:can0?"},
      {"socketcan:", "not a network interface name"},
      {"socketcan:averyveryverylongname0", "not a network interface name"},
      {"socketcan:can 0", "not a network interface name"},
      {"slcan:", "no serial device path"},
      {"slcan:/dev/ttyACM0@12345", "unsupported tty baud rate '12345'"},
      {"slcan:/dev/ttyACM0@fast", "unsupported tty baud rate 'fast'"},
      {"log:", "no file name"},
      {"vcan:vcan0", "unknown backend 'vcan'"},
      {"SocketCAN:can0", "unknown backend 'SocketCAN'"},
  };
  boost::asio::io_context io;
  for (const auto& [spec, why] : cases) {
    std::string error;
    EXPECT_EQ(make_can_backend(io, spec, error), nullptr) << spec;
    EXPECT_NE(error.find(why), std::string::npos) << spec << " -> " << error;
    EXPECT_NE(error.find("socketcan:IFACE, slcan:TTY[@BAUD], log:FILE or log:-"), std::string::npos)
        << error;
  }
}

TEST(CanBackendFactory, GivenAnInvalidLogInterfaceNameWhenBuiltThenItIsRefused) {
  boost::asio::io_context io;
  std::string error;
  EXPECT_EQ(make_can_backend(io, "log:-", error, {.log_interface = "a b"}), nullptr);
  EXPECT_NE(error.find("interface name"), std::string::npos) << error;
}

TEST(SocketCanBackend, GivenAMissingInterfaceWhenStartedThenHealthIsErrorWithAReason) {
  // Missing interface, or no CAN in this kernel: either way an error to retry, not a crash.
  boost::asio::io_context io;
  std::string error;
  auto backend = make_can_backend(io, "socketcan:tbgwnone0", error);
  ASSERT_NE(backend, nullptr) << error;
  backend->start();
  EXPECT_EQ(backend->health().level, platform::CanHealth::error);
  EXPECT_FALSE(backend->health().reason.empty());
  victron::CanFrame f;
  f.id = 0x351;
  EXPECT_EQ(backend->send(f, 0), platform::CanSendResult::error);
  EXPECT_EQ(backend->stats().tx_errors, 1U);
  backend->stop();
}

}  // namespace
}  // namespace tbgw::test
