// SimulatorHost: runs a sans-I/O tbgw::sim::Simulator on a Boost.Asio loop behind a
// pseudo-terminal (or a real serial port), so that any TinyBMS client, the gateway included,
// talks to it exactly as to a real BMS.
//
// Used by the tinybms-sim program and, in-process, by `tinybms-gw --simulate`: both open the
// pty slave like a USB-serial adapter, so the simulated path is the real path (termios, the
// serial link, the parser) byte for byte.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <cstdint>
#include <string>

#include "platform/linux/pty.hpp"
#include "platform/linux/serial_port.hpp"
#include "sim/simulator.hpp"

namespace tbgw::sim {

class SimulatorHost {
 public:
  SimulatorHost(boost::asio::io_context& io, const SimConfig& config);
  ~SimulatorHost();
  SimulatorHost(const SimulatorHost&) = delete;
  SimulatorHost& operator=(const SimulatorHost&) = delete;

  // Opens a new pseudo-terminal; its slave path is then in device_path().
  Result<void, platform::TtyError> open_pty();
  // Or serves a real serial device (a TinyBMS client on the other end of a null-modem cable).
  Result<void, platform::TtyError> open_port(const std::string& path, int baud);

  void start();
  void stop();

  const std::string& device_path() const { return device_path_; }
  Simulator& simulator() { return simulator_; }

 private:
  void start_read();
  void schedule(Millis now);
  void on_timer();
  void flush_output(Millis now);

  boost::asio::io_context& io_;
  Simulator simulator_;
  platform::PseudoTerminal pty_;
  platform::SerialPort port_;
  boost::asio::posix::stream_descriptor stream_;
  boost::asio::steady_timer timer_;
  std::string device_path_;
  std::array<std::uint8_t, 512> read_buf_{};
  std::array<std::uint8_t, 512> write_buf_{};
  bool running_ = false;
};

}  // namespace tbgw::sim
