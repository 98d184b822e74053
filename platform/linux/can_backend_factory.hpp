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

#include <memory>
#include <string>
#include <string_view>

#include "platform/linux/can_backend.hpp"

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

// Returns false and sets `error` for anything but the forms above.
bool parse_can_spec(std::string_view spec, CanSpec& out, std::string& error);

// Parses `spec` and builds the backend (not started). nullptr and `error` on a bad spec.
std::unique_ptr<CanBackend> make_can_backend(boost::asio::io_context& io, std::string_view spec,
                                             std::string& error,
                                             const CanBackendOptions& options = {});

}  // namespace tbgw::platform
