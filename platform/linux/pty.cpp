#include "platform/linux/pty.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string_view>

namespace tbgw::platform {

PseudoTerminal::~PseudoTerminal() {
  close();
}

Result<void, TtyError> PseudoTerminal::open() {
  close();
  const int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (master < 0) return make_error(TtyErrc::openpt, errno);
  auto fail = [master](TtyErrc what, int err, std::string_view detail = {}) {
    ::close(master);
    return make_error(what, err, detail);
  };
  if (::grantpt(master) != 0 || ::unlockpt(master) != 0) return fail(TtyErrc::grantpt, errno);
  char name[128] = {};
  if (const int rc = ::ptsname_r(master, name, sizeof name); rc != 0) {
    return fail(TtyErrc::ptsname, rc);
  }
  const int slave = ::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0) return fail(TtyErrc::open_slave, errno, name);
  termios tio{};
  if (::tcgetattr(slave, &tio) == 0) {
    ::cfmakeraw(&tio);
    ::tcsetattr(slave, TCSANOW, &tio);
  }
  master_fd_ = master;
  slave_keepalive_fd_ = slave;
  slave_path_ = name;
  return {};
}

void PseudoTerminal::close() {
  if (slave_keepalive_fd_ >= 0) ::close(slave_keepalive_fd_);
  if (master_fd_ >= 0) ::close(master_fd_);
  slave_keepalive_fd_ = -1;
  master_fd_ = -1;
  slave_path_.clear();
}

}  // namespace tbgw::platform
