// The --can option: one string names the CAN backend and its target.
//     socketcan:can0            a SocketCAN interface (bitrate set with `ip link`, see
//                               can_socketcan.hpp)
//     slcan:/dev/ttyACM0        an slcan USB adapter; `@BAUD` sets a UART adapter's tty speed
//     slcan:/dev/ttyUSB0@115200
//     log:FILE                  candump -L lines appended to FILE
//     log:-                     candump -L lines on stdout
// Anything else is refused with a sentence that lists these forms. Parsing is separate from
// construction so that the command line can be checked before anything is opened.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "platform/linux/can_backend.hpp"
#include "platform/linux/error.hpp"

namespace boost::asio {
class io_context;
}

namespace tbgw::platform {

struct CanSpec {
  enum class Kind { socketcan, slcan, log };
  Kind kind = Kind::log;
  std::string target;  // interface name, tty path, file path or "-"
  int tty_baud = 115200;
};

struct CanBackendOptions {
  std::string log_interface = "can0";  // the interface name written in candump log lines
};

// The accepted forms, for --help and error messages.
inline constexpr std::string_view kCanSpecForms =
    "socketcan:IFACE, slcan:TTY[@BAUD], log:FILE or log:- (stdout)";

// Why a --can value was refused. The detail is the part of the value at fault (the whole
// value, the interface name, the baud rate text, the backend name).
enum class CanSpecErrc : std::uint8_t {
  empty,
  no_prefix,          // no "kind:" (detail: the value, e.g. "can0")
  bad_interface,      // socketcan: not an interface name (detail: the name)
  bad_baud,           // slcan: @BAUD not a supported rate (detail: the text after '@')
  no_device,          // slcan: no tty path
  no_file,            // log: no file name
  unknown_backend,    // detail: the text before ':'
  bad_log_interface,  // CanBackendOptions::log_interface is not an interface name (detail: it)
};
const char* to_string(CanSpecErrc e);
using CanSpecError = Error<CanSpecErrc>;
// The reason with its detail and, for a value the user typed, the accepted forms, e.g.
// "unknown backend 'vcan' (expected socketcan:IFACE, ...)". The caller names the option.
std::string to_string(const CanSpecError& e);

// The parsed value, or why it is not one of the forms above.
Result<CanSpec, CanSpecError> parse_can_spec(std::string_view spec);

// Parses `spec` and builds the backend (not started).
Result<std::unique_ptr<CanBackend>, CanSpecError> make_can_backend(
    boost::asio::io_context& io, std::string_view spec, const CanBackendOptions& options = {});

}  // namespace tbgw::platform
