// CanOutput: the CAN frontend. It owns the frame set the gateway wants on the bus, decides when
// each frame goes out, and keeps the statistics; a CanBackend (SocketCAN, slcan, candump log)
// only moves the bytes (ArduPilot's AP_BattMonitor frontend/backend split).
//
// Theory of operation:
//   - The app hands over the whole frame set with update() whenever it changes (or every
//     cycle): a copy into a fixed array, no allocation. The first update() starts transmitting
//     at once; nothing is ever sent before it (DESIGN rule 5).
//   - Every tick (keepalive_period_ms, 1 s by default) starts a cycle with 0x351 first, so the
//     GX's 3 s charge/discharge watchdog is fed first and never waits on the rest of the set. On
//     every period_ms / keepalive_period_ms-th tick (every tick by default) the cycle also sends
//     the rest of the set, in the order given. Ticks follow an absolute schedule (no drift);
//     a tick that falls behind by a whole tick resynchronises and is counted as an overrun.
//   - Frames within a cycle are frame_spacing_ms apart (5 ms by default, shrunk if the cycle
//     would not fit in a tick), so a small TX queue (txqueuelen 10, an MCP2515's 3 buffers, a
//     USB adapter's FIFO) never overflows. A `full` answer is retried after one spacing, up to
//     max_full_retries times; then the frame waits for the next cycle, which carries fresh data
//     anyway. Each frame is read from the latest set when it is sent, so a new decision reaches
//     the bus within one spacing (if its id is already in the running cycle) or one tick.
//   - invalidate() (stale BMS data, spec §3/§5 policy "stop transmitting") stops at once and
//     forgets the frames: nothing goes out, not even old frames, until the next update().
//   - Received 0x305/0x307 (the GX's keep-alive and identification) mark the GX as seen; it
//     counts as gone after gx_timeout_ms without one. The gateway never sends those ids.
//   - Cadence statistic: the interval between consecutive 0x351 transmissions while data is
//     valid, in microseconds (min, max, mean, standard deviation, worst deviation from the tick),
//     for the benchmark; an interval above 1.5 s is also counted as keepalive_late.
// Bounds: kMaxFrames frames per set; one timer chain; O(kMaxFrames) work per frame sent.
// All calls and callbacks run on the io_context thread. Not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "core/util/result.hpp"
#include "core/util/time.hpp"
#include "core/victron/can_frame.hpp"
#include "platform/linux/can_backend.hpp"

namespace boost::asio {
class io_context;
}

namespace tbgw::platform {

struct CanOutputConfig {
  int period_ms = 1000;            // every frame of the set once per period (rounded to ticks)
  int keepalive_period_ms = 1000;  // 0x351 at least this often; at most kMaxKeepalivePeriodMs
  int frame_spacing_ms = 5;        // gap between two frames of a cycle
  int max_full_retries = 2;        // retries of a frame the backend answered `full`
  int gx_timeout_ms = 5000;        // the GX counts as gone after this long without 0x305/0x307
};

struct GxStatus {
  bool present = false;    // a 0x305/0x307 arrived within gx_timeout_ms
  bool ever_seen = false;  // since start()
  Millis last_seen_ms = 0;
  std::uint64_t keepalives_305 = 0;
  std::uint64_t identifications_307 = 0;
};

struct CadenceStats {  // intervals between consecutive 0x351 sends while valid
  std::uint64_t samples = 0;
  std::int64_t min_us = 0;
  std::int64_t max_us = 0;
  double mean_us = 0.0;
  double stddev_us = 0.0;
  std::int64_t max_abs_jitter_us = 0;  // worst |interval - keepalive period|
};

struct CanOutputStats {
  std::uint64_t updates = 0;
  std::uint64_t rejected_updates = 0;
  std::uint64_t invalidations = 0;
  std::uint64_t cycles = 0;          // ticks that started a cycle
  std::uint64_t full_cycles = 0;     // cycles that carried the whole set
  std::uint64_t frames_sent = 0;     // backend answered queued
  std::uint64_t frames_full = 0;     // backend answered full (each attempt)
  std::uint64_t frames_error = 0;    // backend answered error
  std::uint64_t frames_dropped = 0;  // not sent in their cycle (error, or full after retries)
  std::uint64_t overruns = 0;        // a tick started more than one tick late
  std::uint64_t keepalive_late = 0;  // two 0x351 more than 1.5 s apart while valid
  std::uint64_t rx_frames = 0;
  CadenceStats cadence;
};

class CanOutput {
 public:
  static constexpr std::size_t kMaxFrames = 32;
  static constexpr std::uint32_t kKeepaliveId = 0x351;
  static constexpr int kMaxKeepalivePeriodMs = 1500;  // spec §3: 0x351 at least every 1.5 s

  enum class UpdateError : std::uint8_t {
    too_many_frames,  // more than kMaxFrames
    bad_frame,        // id above 0x7FF or dlc above 8
    duplicate_id,     // an id twice in one set
    reserved_id,      // 0x305/0x306/0x307 belong to the GX
    no_keepalive,     // the set lacks 0x351: the GX would stop charging and discharging
  };
  static const char* to_string(UpdateError e);

  using GxHandler = std::function<void(const GxStatus&)>;
  using CadenceHandler = std::function<void(std::int64_t interval_us)>;

  // The backend must outlive this object. Out-of-range config values are clamped: periods to
  // at least 10 ms, the keepalive period to at most kMaxKeepalivePeriodMs, spacing and retries
  // to at least 0.
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

  bool transmitting() const { return valid_; }
  // The frame set being transmitted (one frame per id, as last handed to update()); empty
  // before the first update. For the API's /api/can/frames (read on the loop thread).
  std::span<const victron::CanFrame> frames() const { return {frames_.data(), count_}; }
  GxStatus gx() const { return gx_; }
  // Called when the GX appears (present = true) or goes silent (present = false).
  void set_gx_handler(GxHandler handler) { on_gx_ = std::move(handler); }

  // Called with each interval between two 0x351 sends while valid (for a benchmark's
  // percentiles; stats().cadence keeps the summary).
  void set_cadence_handler(CadenceHandler handler) { on_cadence_ = std::move(handler); }

  const CanOutputStats& stats() const { return stats_; }
  const CanOutputConfig& config() const { return config_; }
  CanBackend& backend() { return backend_; }
  const CanBackend& backend() const { return backend_; }

 private:
  struct Impl;

  void begin_cycles();
  void halt();
  void arm_tick();
  void arm_next_frame(int delay_ms);
  void on_tick();
  void send_next();
  void record_keepalive();
  void on_receive(const victron::ReceivedCanFrame& rx);
  void arm_gx_watchdog();
  const victron::CanFrame* find(std::uint32_t id) const;

  CanBackend& backend_;
  CanOutputConfig config_;
  std::unique_ptr<Impl> impl_;
  int tick_ms_ = 1000;
  int full_every_ = 1;
  int spacing_ms_ = 5;

  std::array<victron::CanFrame, kMaxFrames> frames_{};
  std::size_t count_ = 0;
  bool valid_ = false;
  bool started_ = false;
  std::uint64_t generation_ = 0;  // bumped by invalidate()/stop(): stale timer callbacks quit
  std::uint64_t gx_generation_ = 0;

  std::array<std::uint32_t, kMaxFrames> plan_{};  // ids of the running cycle, in send order
  std::size_t plan_len_ = 0;
  std::size_t plan_pos_ = 0;
  int retries_ = 0;
  std::uint64_t tick_index_ = 0;

  std::int64_t last_keepalive_us_ = -1;
  double cadence_sum_us_ = 0.0;
  double cadence_sum_sq_us_ = 0.0;

  GxStatus gx_;
  GxHandler on_gx_;
  CadenceHandler on_cadence_;
  CanOutputStats stats_;
};

}  // namespace tbgw::platform
