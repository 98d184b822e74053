// SocketCanBackend: a Linux CAN interface (can0, a USB adapter in gs_usb/candleLight mode, a
// HAT with an MCP2515, or vcan0 for tests) through a raw CAN socket on the event loop.
//
// The bitrate is not set here: it needs CAP_NET_ADMIN and belongs to the system's network
// set-up, once, before the gateway starts (systemd-networkd or a udev rule do it at boot):
//     ip link set can0 up type can bitrate 500000 restart-ms 100
// restart-ms lets the kernel restart the controller by itself after bus-off; without it a
// bus-off lasts until someone runs `ip link set can0 type can restart`.
//
// Theory of operation:
//   - start() opens the socket. A missing or down interface is not fatal: health goes to error
//     with the reason and the open is retried with back-off (0.5 s doubling to 5 s; a CAN link
//     must come back well within the GX's 3 s fail-safe once the interface is up again).
//   - The socket is non-blocking and watched by the io_context; send() is one write(2). A full
//     device queue (ENOBUFS/EAGAIN: bus-off, no ACK, a slow bus) returns `full` at once.
//   - Error frames (CAN_RAW_ERR_FILTER = all classes) drive the bus state: bus-off -> error,
//     error-passive / error-warning / no ACK -> warning, restarted or error-active -> ok. The
//     kernel reports error-active only since Linux 4.20; on older kernels a received data
//     frame after error-passive is taken as proof the bus works again.
//   - ENETDOWN/ENODEV from a read or write (interface set down, USB adapter unplugged) closes
//     the socket and reopens with back-off; a socket whose interface was deleted must not be
//     reused (the kernel unbinds it and it would then hear every interface).
// Bounds: at most kMaxReadsPerWakeup frames are read per readiness event so a flooding bus
// cannot starve the rest of the loop; nothing is queued in user space (the kernel's queue of
// txqueuelen frames is the only TX queue), so the deadline is checked once, at send().
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <string>

#include "platform/linux/can_backend.hpp"

namespace tbgw::platform {

namespace socketcan {
struct BusErrorEvent;
}

class SocketCanBackend final : public CanBackend {
 public:
  SocketCanBackend(boost::asio::io_context& io, std::string ifname);
  ~SocketCanBackend() override;

  void start() override;
  void stop() override;
  CanSendResult send(const victron::CanFrame& frame, Millis deadline_ms) override;
  std::string describe() const override;

  bool is_open() const;
  const std::string& interface_name() const { return ifname_; }

 private:
  enum class BusState { active, warning, passive, bus_off };
  struct Impl;

  void try_open();
  void schedule_reopen();
  void wait_readable();
  void read_available();
  void handle_down(const std::string& reason);
  void on_bus_error(const socketcan::BusErrorEvent& e);
  void update_health();

  std::string ifname_;
  std::unique_ptr<Impl> impl_;
  boost::asio::steady_timer reopen_timer_;
  int reopen_delay_ms_;
  bool stopped_ = true;
  BusState bus_state_ = BusState::active;
  bool no_ack_ = false;
  std::string write_error_;  // the last write failure, until a write succeeds
};

}  // namespace tbgw::platform
