// The SocketCAN adapt layer (Zephyr's can_native_linux_adapt pattern): the only file that
// includes <linux/can.h>, <net/if.h> and the socket headers. It opens a raw CAN socket, moves
// one frame in or out, and translates kernel error frames into a plain struct. It keeps no
// state; SocketCanBackend decides what to do with what it reports.
#pragma once

#include <cstdint>
#include <string>

#include "core/victron/can_frame.hpp"

namespace tbgw::platform::socketcan {

// Why an open failed, so the backend knows whether retrying can help.
enum class OpenFailure {
  none,
  bad_name,        // empty or longer than IFNAMSIZ-1: retrying cannot help
  not_can,         // the interface exists but is not a CAN device: retrying cannot help
  no_can_support,  // socket(PF_CAN) failed: the kernel lacks CAN_RAW (modules not loaded)
  missing,         // no such interface (yet): a USB adapter unplugged, a driver not loaded
  down,            // the interface exists but is administratively down
  other,
};

struct OpenResult {
  int fd = -1;  // a non-blocking, close-on-exec raw socket bound to the interface, or -1
  OpenFailure failure = OpenFailure::none;
  std::string error;  // a sentence an installer can act on
};

// Opens a CAN_RAW socket on `ifname` with every error class enabled in CAN_RAW_ERR_FILTER.
OpenResult open_raw(const std::string& ifname);
void close_fd(int fd);

enum class IoStatus {
  ok,
  would_block,  // read: nothing more to read now
  full,         // write: ENOBUFS/EAGAIN, the device's TX queue is full
  down,         // ENETDOWN/ENODEV/ENXIO: the interface went down or away; reopen
  failed,       // any other errno
};

struct IoResult {
  IoStatus status = IoStatus::ok;
  int err = 0;  // errno when status is not ok
};

// What one kernel error frame says (CAN_ERR_* classes of <linux/can/error.h>).
struct BusErrorEvent {
  bool tx_timeout = false;
  bool lost_arbitration = false;
  bool controller = false;  // CAN_ERR_CRTL: see the flags below
  bool rx_overflow = false;
  bool tx_overflow = false;
  bool error_warning = false;  // RX or TX error counter passed the warning level (96)
  bool error_passive = false;  // RX or TX error counter passed 127
  bool error_active = false;   // back to error-active (kernels >= 4.20 report it)
  bool protocol = false;       // bit, form, stuff errors
  bool transceiver = false;
  bool no_ack = false;  // nobody acknowledged our frame: no other node, or a wiring fault
  bool bus_off = false;
  bool bus_error = false;
  bool restarted = false;  // the controller restarted after bus-off
};

struct RawRx {
  enum class Kind { data, error, ignored } kind = Kind::ignored;
  victron::CanFrame frame;  // kind == data
  BusErrorEvent error;      // kind == error
};

IoResult write_frame(int fd, const victron::CanFrame& frame);
IoResult read_frame(int fd, RawRx& out);

// strerror as a std::string (thread-safe variant).
std::string errno_text(int err);

}  // namespace tbgw::platform::socketcan
