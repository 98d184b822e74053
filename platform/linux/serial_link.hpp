// SerialLink: the TinyBMS serial port on the event loop.
//
// Moves bytes between the port and the poller, nothing else: it has no idea what a frame is.
// It survives the port going away (USB unplugged, the BMS cutting the 5 V of an isolator, the
// simulator exiting): a read or write error closes the descriptor, reports why, and reopens the
// same path with exponential back-off (0.5 s doubling to 30 s), so a udev name that comes back
// is picked up without a restart. All callbacks run on the io_context thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

namespace tbgw::platform {

struct SerialStats {
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  std::uint64_t opens = 0;
  std::uint64_t open_failures = 0;
  std::uint64_t port_losses = 0;  // the port was open and went away
};

class SerialLink {
 public:
  struct Callbacks {
    std::function<void(std::span<const std::uint8_t>)> on_bytes;
    // open = true when the port (re)opened; false with a reason when it closed or failed to open.
    std::function<void(bool open, const std::string& reason)> on_port_state;
  };

  SerialLink(boost::asio::io_context& io, std::string path, int baud, Callbacks callbacks);
  ~SerialLink();
  SerialLink(const SerialLink&) = delete;
  SerialLink& operator=(const SerialLink&) = delete;

  void start();
  void stop();

  // Queues bytes for transmission. Returns false (and sends nothing) while the port is closed.
  bool write(std::span<const std::uint8_t> bytes);
  // Discards bytes received but not yet read (broadcast-mode output, a late reply).
  void flush_input();

  bool is_open() const;
  const std::string& path() const { return path_; }
  const SerialStats& stats() const { return stats_; }

 private:
  struct Impl;
  void try_open();
  void schedule_reopen();
  void start_read();
  void write_next();
  void handle_failure(const std::string& reason);

  boost::asio::io_context& io_;
  std::string path_;
  int baud_;
  Callbacks callbacks_;
  std::unique_ptr<Impl> impl_;
  boost::asio::steady_timer reopen_timer_;
  int reopen_delay_ms_ = 500;
  bool stopped_ = true;
  bool reported_open_failure_ = false;
  SerialStats stats_;
  std::array<std::uint8_t, 512> read_buf_{};
};

}  // namespace tbgw::platform
