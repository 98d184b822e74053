// TtyError: why a terminal device could not be opened or set up: a serial port
// (serial_port.hpp), a pseudo-terminal (pty.hpp), or handing either to the event loop.
//
// The caller knows the device path and puts it in front: "/dev/ttyUSB0: " + to_string(e).
#pragma once

#include <cstdint>
#include <string>

#include "platform/linux/error.hpp"

namespace tbgw::platform {

enum class TtyErrc : std::uint8_t {
  unsupported_baud,  // no termios speed for that rate (detail: the rate); retrying cannot help
  open,              // open() of the device
  not_a_tty,         // the path is not a terminal device
  in_use,            // another process holds the flock()
  flock,             // flock() failed otherwise
  tcgetattr,
  cfsetspeed,
  tcsetattr,
  openpt,      // posix_openpt()
  grantpt,     // grantpt() or unlockpt()
  ptsname,     // ptsname_r()
  open_slave,  // open() of the pty slave (detail: its path, which the caller cannot know yet)
  watch,       // handing the descriptor to the event loop
};
const char* to_string(TtyErrc e);
using TtyError = Error<TtyErrc>;

// describe_error()'s text, plus what an installer can do about a failed open (plug the
// adapter in, join the dialout group, stop the other program).
std::string to_string(const TtyError& e);

}  // namespace tbgw::platform
