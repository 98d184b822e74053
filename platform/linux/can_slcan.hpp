// SlcanBackend: a USB-CAN adapter speaking Lawicel/slcan ASCII over a serial port (CANable or
// USBtin in slcan mode, CANUSB), for machines without a SocketCAN interface.
//
// Theory of operation:
//   - start() opens the tty raw (SerialPort: 8N1, no flow control, exclusive lock) and queues
//     the init sequence "C\r S6\r O\r" (close, 500 kbit/s, open). USB CDC adapters ignore the
//     tty baud rate; a real UART adapter needs the right one (`slcan:/dev/ttyUSB0@115200`).
//   - send() encodes "tIIILDD..\r" and queues it in a bounded user-space queue
//     (kMaxQueuedFrames) that one async write at a time drains. A full queue returns `full`;
//     a frame whose deadline passes while it waits is dropped (tx_expired) rather than sent
//     late. The adapter's own buffer is beyond our sight: it answers BELL when it refuses a
//     frame (buffer full, typically because nobody ACKs: GX not connected).
//   - Received bytes are split into lines: "t..." lines become received frames, BELLs are
//     counted as error replies (after the first frame following an open they also set health
//     to warning until the adapter proves fine again: a received frame, a "z" acknowledgement,
//     or 5 s without a BELL).
//   - A read or write error (EIO, ENODEV: adapter unplugged) closes the port, health goes to
//     error, and the same path is reopened with back-off (0.5 s doubling to 5 s), resending
//     the init sequence: a udev name that comes back is picked up without a restart.
// All callbacks run on the io_context thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "platform/linux/can_backend.hpp"
#include "platform/linux/can_slcan_codec.hpp"

namespace tbgw::platform {

class SlcanBackend final : public CanBackend {
 public:
  static constexpr std::size_t kMaxQueuedFrames = 32;
  static constexpr int kDefaultTtyBaud = 115200;

  SlcanBackend(boost::asio::io_context& io, std::string path, int tty_baud = kDefaultTtyBaud);
  ~SlcanBackend() override;

  void start() override;
  void stop() override;
  CanSendResult send(const victron::CanFrame& frame, Millis deadline_ms) override;
  std::string describe() const override;

  bool is_open() const;
  const std::string& path() const { return path_; }

 private:
  struct Impl;

  void try_open();
  void schedule_reopen();
  void start_read();
  void on_bytes(const char* data, std::size_t n);
  void on_line(std::string_view line);
  void on_bell();
  void queue_raw(std::string_view bytes, Millis deadline_ms, bool is_frame);
  void pump();
  void handle_failure(const std::string& reason);
  void close_port();
  void set_ok();

  std::string path_;
  int tty_baud_;
  std::unique_ptr<Impl> impl_;
  boost::asio::steady_timer reopen_timer_;
  int reopen_delay_ms_;
  bool stopped_ = true;
  bool frame_written_since_open_ = false;
  bool bell_warning_ = false;
  Millis last_bell_ms_ = 0;
  slcan::LineSplitter splitter_;
  std::array<char, 256> read_buf_{};
};

}  // namespace tbgw::platform
