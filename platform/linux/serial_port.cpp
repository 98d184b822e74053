#include "platform/linux/serial_port.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <utility>

namespace tbgw::platform {

bool baud_to_speed(int baud, unsigned& speed) {
  switch (baud) {
    case 9600:
      speed = B9600;
      return true;
    case 19200:
      speed = B19200;
      return true;
    case 38400:
      speed = B38400;
      return true;
    case 57600:
      speed = B57600;
      return true;
    case 115200:
      speed = B115200;
      return true;
    case 230400:
      speed = B230400;
      return true;
    default:
      return false;
  }
}

SerialPort::~SerialPort() {
  close();
}

SerialPort::SerialPort(SerialPort&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

SerialPort& SerialPort::operator=(SerialPort&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

Result<void, TtyError> SerialPort::open(const std::string& path, int baud) {
  close();
  unsigned speed = 0;
  if (!baud_to_speed(baud, speed)) {
    return make_error(TtyErrc::unsupported_baud, 0, std::to_string(baud));
  }
  const int fd = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return make_error(TtyErrc::open, errno);
  auto fail = [&](TtyErrc what, int err) {
    ::close(fd);
    return make_error(what, err);
  };
  if (::isatty(fd) == 0) return fail(TtyErrc::not_a_tty, ENOTTY);
  // Advisory lock: two readers on one TinyBMS would steal each other's replies.
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    return fail(errno == EWOULDBLOCK ? TtyErrc::in_use : TtyErrc::flock,
                errno == EWOULDBLOCK ? 0 : errno);
  }
  termios tio{};
  if (::tcgetattr(fd, &tio) != 0) return fail(TtyErrc::tcgetattr, errno);
  ::cfmakeraw(&tio);
  tio.c_cflag &= ~static_cast<tcflag_t>(PARENB | CSTOPB | CSIZE | CRTSCTS);
  tio.c_cflag |= CS8 | CLOCAL | CREAD;
  tio.c_iflag &= ~static_cast<tcflag_t>(IXON | IXOFF | IXANY);
  // VMIN 1 / VTIME 0 with O_NONBLOCK: a read without data fails with EAGAIN. (VMIN 0 would make
  // it return 0, which an event loop takes for end-of-file.)
  tio.c_cc[VMIN] = 1;
  tio.c_cc[VTIME] = 0;
  if (::cfsetispeed(&tio, speed) != 0 || ::cfsetospeed(&tio, speed) != 0) {
    return fail(TtyErrc::cfsetspeed, errno);
  }
  if (::tcsetattr(fd, TCSANOW, &tio) != 0) return fail(TtyErrc::tcsetattr, errno);
  ::tcflush(fd, TCIOFLUSH);  // stale bytes (e.g. broadcast mode) from before we opened
  fd_ = fd;
  path_ = path;
  return {};
}

void SerialPort::close() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

int SerialPort::release() {
  return std::exchange(fd_, -1);
}

}  // namespace tbgw::platform
