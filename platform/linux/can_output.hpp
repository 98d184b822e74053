// CanOutput: the CAN frontend on Linux: one Asio timer and a CanBackend driving the frame
// schedule of the core (core/victron/can_schedule.hpp, which holds the theory of operation: the
// 1 s cadence, 0x351 first, frame spacing, `full` retries, invalidation, GX presence, the
// cadence statistics). This class only reads the clock, arms the timer at the schedule's next
// deadline, hands due frames to the backend (SocketCAN, slcan, candump log) and reports the
// backend's answers and received frames back (ArduPilot's AP_BattMonitor frontend/backend split).
// An ESP32 port writes the same two things around the same schedule: a timer and a TWAI backend.
//
// Bounds: one timer; no allocation per frame. All calls and callbacks run on the io_context
// thread. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "core/util/result.hpp"
#include "core/util/time.hpp"
#include "core/victron/can_frame.hpp"
#include "core/victron/can_schedule.hpp"
#include "platform/linux/can_backend.hpp"

namespace boost::asio {
class io_context;
}

namespace tbgw::platform {

// The schedule's types under the names the Linux side has always used.
using CanOutputConfig = victron::CanScheduleConfig;
using CanOutputStats = victron::CanScheduleStats;
using GxStatus = victron::GxStatus;
using CadenceStats = victron::CadenceStats;

class CanOutput {
 public:
  static constexpr std::size_t kMaxFrames = victron::CanSchedule::kMaxFrames;
  static constexpr std::uint32_t kKeepaliveId = victron::CanSchedule::kKeepaliveId;
  static constexpr int kMaxKeepalivePeriodMs = victron::CanSchedule::kMaxKeepalivePeriodMs;

  using UpdateError = victron::CanSchedule::UpdateError;
  static const char* to_string(UpdateError e) { return victron::CanSchedule::to_string(e); }

  using GxHandler = std::function<void(const GxStatus&)>;
  using CadenceHandler = std::function<void(std::int64_t interval_us)>;

  // The backend must outlive this object. Out-of-range config values are clamped (see
  // victron::CanSchedule).
  CanOutput(boost::asio::io_context& io, CanBackend& backend, CanOutputConfig config = {});
  ~CanOutput();
  CanOutput(const CanOutput&) = delete;
  CanOutput& operator=(const CanOutput&) = delete;

  // start() starts the backend and listens; stop() stops both and forgets the frames.
  void start();
  void stop();

  // Valid data: the set to transmit from now on (transmission begins at start() if called
  // before). A rejected set changes nothing.
  Result<void, UpdateError> update(std::span<const victron::CanFrame> frames);
  // Stale data: stop transmitting at once and forget the frames.
  void invalidate();

  bool transmitting() const { return schedule_.transmitting(); }
  // The frame set being transmitted (one frame per id, as last handed to update()); empty
  // before the first update. For the API's /api/can/frames (read on the loop thread).
  std::span<const victron::CanFrame> frames() const { return schedule_.frames(); }
  GxStatus gx() const { return schedule_.gx(); }
  // Called when the GX appears (present = true) or goes silent (present = false).
  void set_gx_handler(GxHandler handler) { on_gx_ = std::move(handler); }

  // Called with each interval between two 0x351 sends while valid (for a benchmark's
  // percentiles; stats().cadence keeps the summary).
  void set_cadence_handler(CadenceHandler handler) { on_cadence_ = std::move(handler); }

  const CanOutputStats& stats() const { return schedule_.stats(); }
  const CanOutputConfig& config() const { return schedule_.config(); }
  CanBackend& backend() { return backend_; }
  const CanBackend& backend() const { return backend_; }

 private:
  struct Impl;

  void arm();
  void on_timer();
  void on_receive(const victron::ReceivedCanFrame& rx);

  CanBackend& backend_;
  victron::CanSchedule schedule_;
  std::unique_ptr<Impl> impl_;
  std::uint64_t generation_ = 0;  // bumped on every re-arm: a superseded wait quits

  GxHandler on_gx_;
  CadenceHandler on_cadence_;
};

}  // namespace tbgw::platform
