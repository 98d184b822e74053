#include "platform/linux/serial_port.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace tbgw::platform {

namespace {

std::string explain_open_error(const std::string& path, int err) {
  std::string msg = "cannot open serial port " + path + ": " + std::strerror(err);
  switch (err) {
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

}  // namespace

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

bool SerialPort::open(const std::string& path, int baud, std::string& error) {
  close();
  unsigned speed = 0;
  if (!baud_to_speed(baud, speed)) {
    error = "unsupported baud rate " + std::to_string(baud);
    return false;
  }
  const int fd = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    error = explain_open_error(path, errno);
    return false;
  }
  auto fail = [&](const char* what) {
    error = "cannot configure serial port " + path + ": " + what + ": " + std::strerror(errno);
    ::close(fd);
    return false;
  };
  if (::isatty(fd) == 0) {
    errno = ENOTTY;
    return fail("not a terminal device");
  }
  // Advisory lock: two readers on one TinyBMS would steal each other's replies.
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      error = "serial port " + path + " is in use by another process (flock)";
      ::close(fd);
      return false;
    }
    return fail("flock");
  }
  termios tio{};
  if (::tcgetattr(fd, &tio) != 0) return fail("tcgetattr");
  ::cfmakeraw(&tio);
  tio.c_cflag &= ~static_cast<tcflag_t>(PARENB | CSTOPB | CSIZE | CRTSCTS);
  tio.c_cflag |= CS8 | CLOCAL | CREAD;
  tio.c_iflag &= ~static_cast<tcflag_t>(IXON | IXOFF | IXANY);
  // VMIN 1 / VTIME 0 with O_NONBLOCK: a read without data fails with EAGAIN. (VMIN 0 would make
  // it return 0, which an event loop takes for end-of-file.)
  tio.c_cc[VMIN] = 1;
  tio.c_cc[VTIME] = 0;
  if (::cfsetispeed(&tio, speed) != 0 || ::cfsetospeed(&tio, speed) != 0) {
    return fail("cfsetspeed");
  }
  if (::tcsetattr(fd, TCSANOW, &tio) != 0) return fail("tcsetattr");
  ::tcflush(fd, TCIOFLUSH);  // stale bytes (e.g. broadcast mode) from before we opened
  fd_ = fd;
  path_ = path;
  return true;
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
