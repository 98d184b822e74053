#include "platform/linux/pty.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace tbgw::platform {

PseudoTerminal::~PseudoTerminal() {
  close();
}

bool PseudoTerminal::open(std::string& error) {
  close();
  const int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (master < 0) {
    error = std::string("posix_openpt: ") + std::strerror(errno);
    return false;
  }
  if (::grantpt(master) != 0 || ::unlockpt(master) != 0) {
    error = std::string("grantpt/unlockpt: ") + std::strerror(errno);
    ::close(master);
    return false;
  }
  char name[128] = {};
  if (::ptsname_r(master, name, sizeof name) != 0) {
    error = std::string("ptsname_r: ") + std::strerror(errno);
    ::close(master);
    return false;
  }
  const int slave = ::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0) {
    error = std::string("open ") + name + ": " + std::strerror(errno);
    ::close(master);
    return false;
  }
  termios tio{};
  if (::tcgetattr(slave, &tio) == 0) {
    ::cfmakeraw(&tio);
    ::tcsetattr(slave, TCSANOW, &tio);
  }
  master_fd_ = master;
  slave_keepalive_fd_ = slave;
  slave_path_ = name;
  return true;
}

void PseudoTerminal::close() {
  if (slave_keepalive_fd_ >= 0) ::close(slave_keepalive_fd_);
  if (master_fd_ >= 0) ::close(master_fd_);
  slave_keepalive_fd_ = -1;
  master_fd_ = -1;
  slave_path_.clear();
}

}  // namespace tbgw::platform
