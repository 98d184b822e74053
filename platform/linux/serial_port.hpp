// SerialPort: a TinyBMS UART as a raw, non-blocking file descriptor.
//
// This is the only file that knows termios. It opens a USB-serial adapter (/dev/ttyUSB0,
// /dev/serial/by-id/...) or a pseudo-terminal slave (/dev/pts/N, from the simulator) in raw
// mode at 115200 8N1 without flow control, takes an advisory exclusive lock (so a second
// gateway or a stray `screen` cannot interleave bytes), and hands the descriptor to the event
// loop. Reading and writing happen there; this class only owns the descriptor's lifetime.
#pragma once

#include <string>

#include "platform/linux/tty_error.hpp"

namespace tbgw::platform {

class SerialPort {
 public:
  SerialPort() = default;
  ~SerialPort();
  SerialPort(SerialPort&& other) noexcept;
  SerialPort& operator=(SerialPort&& other) noexcept;
  SerialPort(const SerialPort&) = delete;
  SerialPort& operator=(const SerialPort&) = delete;

  // Opens and configures `path`. On failure, to_string() of the error is a sentence an
  // installer can act on (missing device, permission -> dialout group, busy, not a tty); the
  // caller puts the path in front of it.
  Result<void, TtyError> open(const std::string& path, int baud);
  void close();

  bool is_open() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }

  // Releases ownership of the descriptor (for an event-loop object that will close it).
  int release();

 private:
  int fd_ = -1;
  std::string path_;
};

// Maps a baud rate in bit/s to a termios speed constant; returns false if unsupported.
bool baud_to_speed(int baud, unsigned& speed);

}  // namespace tbgw::platform
