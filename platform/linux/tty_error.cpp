#include "platform/linux/tty_error.hpp"

#include <cerrno>

namespace tbgw::platform {

const char* to_string(TtyErrc e) {
  switch (e) {
    case TtyErrc::unsupported_baud:
      return "unsupported baud rate";
    case TtyErrc::open:
      return "open";
    case TtyErrc::not_a_tty:
      return "not a terminal device";
    case TtyErrc::in_use:
      return "in use by another process (flock)";
    case TtyErrc::flock:
      return "flock";
    case TtyErrc::tcgetattr:
      return "tcgetattr";
    case TtyErrc::cfsetspeed:
      return "cfsetspeed";
    case TtyErrc::tcsetattr:
      return "tcsetattr";
    case TtyErrc::openpt:
      return "posix_openpt";
    case TtyErrc::grantpt:
      return "grantpt/unlockpt";
    case TtyErrc::ptsname:
      return "ptsname_r";
    case TtyErrc::open_slave:
      return "open pty slave";
    case TtyErrc::watch:
      return "cannot watch";
  }
  return "terminal error";
}

std::string to_string(const TtyError& e) {
  std::string msg = describe_error(to_string(e.what), e.errno_value, e.detail.view());
  if (e.what != TtyErrc::open) return msg;
  switch (e.errno_value) {
    case ENOENT:
      msg +=
          " (no such device: is the USB-serial adapter plugged in? prefer a stable name "
          "under /dev/serial/by-id/)";
      break;
    case EACCES:
    case EPERM:
      msg += " (permission denied: add the user to the 'dialout' group)";
      break;
    case EBUSY:
      msg += " (device busy: another program holds it)";
      break;
    default:
      break;
  }
  return msg;
}

}  // namespace tbgw::platform
