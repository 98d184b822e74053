// CanBackend: the narrow contract between the CAN frontend (CanOutput) and the things that move
// frames: a SocketCAN interface, an slcan USB adapter, or a candump log. (The frame schedule
// itself is core/victron/can_schedule.hpp; CanOutput drives it.)
//
// Modelled on ArduPilot's AP_HAL::CANIface: the backend only moves frames. It does not know what
// a Victron frame means, when to send it or which frames matter; the schedule owns that. What a
// backend does promise:
//   - send() never blocks the event loop. It returns `queued` (handed to the kernel, the adapter
//     or the file), `full` (a transmit queue is full now: try again later, nothing was sent) or
//     `error` (not sent: interface down, port unplugged, write failed, deadline already past).
//   - `deadline_ms` (platform::now_ms() scale) is the last moment the frame is still worth
//     sending. A backend that queues frames in user space drops a frame whose deadline passes
//     before it could be written; once a frame is in the kernel or the adapter it is out of our
//     hands.
//   - Received frames are delivered through the receive handler, stamped with now_ms() on
//     arrival. Only classic 11-bit data frames are delivered; extended, remote and error frames
//     are counted, not delivered.
//   - health() says whether the backend works (ok), works with a problem (warning: error-passive,
//     no ACK), does not work now but retries by itself (error: interface down, adapter unplugged,
//     bus-off), or cannot work until reconfigured (failed: a bad interface name). The reason is a
//     sentence an installer can act on. The health handler is called on every change, so the
//     app logs one line per change; backends never log themselves.
//   - Counters only grow; they explain every failure (exported on /metrics).
//
// All calls and callbacks run on the io_context thread. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>

#include "core/util/time.hpp"
#include "core/victron/can_frame.hpp"
#include "core/victron/can_send_result.hpp"

namespace tbgw::platform {

// The answer the frame schedule hears (core/victron/can_send_result.hpp).
using CanSendResult = victron::CanSendResult;

enum class CanHealth : std::uint8_t { ok, warning, error, failed };

constexpr const char* to_string(CanSendResult r) {
  switch (r) {
    case CanSendResult::queued:
      return "queued";
    case CanSendResult::full:
      return "full";
    case CanSendResult::error:
      return "error";
  }
  return "?";
}

constexpr const char* to_string(CanHealth h) {
  switch (h) {
    case CanHealth::ok:
      return "ok";
    case CanHealth::warning:
      return "warning";
    case CanHealth::error:
      return "error";
    case CanHealth::failed:
      return "failed";
  }
  return "?";
}

struct CanHealthState {
  CanHealth level = CanHealth::error;
  std::string reason = "not started";
};

struct CanBackendStats {
  std::uint64_t tx_frames = 0;       // handed to the kernel / adapter / file
  std::uint64_t tx_errors = 0;       // send() returned error, a write failed, adapter said BELL
  std::uint64_t tx_full = 0;         // send() returned full
  std::uint64_t tx_expired = 0;      // dropped from a user-space queue after their deadline
  std::uint64_t rx_frames = 0;       // data frames delivered to the receive handler
  std::uint64_t rx_ignored = 0;      // extended/remote frames, unparsable adapter lines
  std::uint64_t bus_off_events = 0;  // controller went bus-off
  std::uint64_t restarts = 0;        // controller restarted after bus-off
  std::uint64_t reopens = 0;         // the device was (re)opened after start or a loss
  std::uint64_t error_frames = 0;    // error frames (SocketCAN) or error replies (slcan)
};

class CanBackend {
 public:
  using ReceiveHandler = std::function<void(const victron::ReceivedCanFrame&)>;
  using HealthHandler = std::function<void(const CanHealthState&)>;

  virtual ~CanBackend() = default;
  CanBackend() = default;
  CanBackend(const CanBackend&) = delete;
  CanBackend& operator=(const CanBackend&) = delete;

  // start() opens the device (and keeps retrying with back-off if it cannot); stop() closes it
  // and cancels every timer. Both may be called again.
  virtual void start() = 0;
  virtual void stop() = 0;
  virtual CanSendResult send(const victron::CanFrame& frame, Millis deadline_ms) = 0;
  // One line for logs and the UI, e.g. "socketcan can0", "slcan /dev/ttyACM0 (500 kbit/s)".
  virtual std::string describe() const = 0;

  void set_receive_handler(ReceiveHandler handler) { on_receive_ = std::move(handler); }
  void set_health_handler(HealthHandler handler) { on_health_ = std::move(handler); }

  const CanHealthState& health() const { return health_; }
  const CanBackendStats& stats() const { return stats_; }

 protected:
  // Records a health state; calls the handler only when level or reason changed.
  void set_health(CanHealth level, std::string reason) {
    if (level == health_.level && reason == health_.reason) return;
    health_.level = level;
    health_.reason = std::move(reason);
    if (on_health_) on_health_(health_);
  }
  void deliver(const victron::ReceivedCanFrame& frame) {
    ++stats_.rx_frames;
    if (on_receive_) on_receive_(frame);
  }

  CanBackendStats stats_;

 private:
  CanHealthState health_;
  ReceiveHandler on_receive_;
  HealthHandler on_health_;
};

}  // namespace tbgw::platform
