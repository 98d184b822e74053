// CanSchedule: when each Victron frame goes on the bus, as a sans-I/O state machine. It owns the
// frame set the gateway wants on the bus, decides when each frame goes out, watches the GX and
// keeps the statistics; the owner (platform/linux/can_output on an Asio timer, a FreeRTOS task
// with TWAI) only moves the bytes and reads the clock (ArduPilot's AP_BattMonitor
// frontend/backend split, libcanard's "you call us with the time" style).
//
// Theory of operation:
//   - The owner hands over the whole frame set with update() whenever it changes (or every
//     cycle): a copy into a fixed array, no allocation. The first update() after start() starts
//     transmitting at once; nothing is ever sent before it (DESIGN rule 5).
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
//
// The owner's loop (one timer, nothing else):
//   1. start(now) once the driver is up; stop() when it goes down for good.
//   2. Hand every new set to update(frames, now); call invalidate() when the data goes stale.
//   3. Feed received frames to on_received(rx).
//   4. At next_deadline(now) (none: wait for the next update or received frame): call
//      check_gx(now), then `while (auto f = due(now))` send *f without blocking and report the
//      driver's answer with on_sent(result, now_after_send).
// Time is a microsecond count on the owner's monotonic clock (Micros); ReceivedCanFrame stamps
// are milliseconds on the same clock (now_us / 1000).
//
// Bounds: no heap; kMaxFrames frames per set; O(kMaxFrames) work per frame sent. Single-threaded:
// every call must come from the same thread (or task).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "core/util/result.hpp"
#include "core/util/time.hpp"
#include "core/victron/can_frame.hpp"
#include "core/victron/can_send_result.hpp"

namespace tbgw::victron {

struct CanScheduleConfig {
  int period_ms = 1000;            // every frame of the set once per period (rounded to ticks)
  int keepalive_period_ms = 1000;  // 0x351 at least this often; at most kMaxKeepalivePeriodMs
  int frame_spacing_ms = 5;        // gap between two frames of a cycle
  int max_full_retries = 2;        // retries of a frame the driver answered `full`
  int gx_timeout_ms = 5000;        // the GX counts as gone after this long without 0x305/0x307
};

struct GxStatus {
  bool present = false;    // a 0x305/0x307 arrived within gx_timeout_ms
  bool ever_seen = false;  // since start
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

struct CanScheduleStats {
  std::uint64_t updates = 0;
  std::uint64_t rejected_updates = 0;
  std::uint64_t invalidations = 0;
  std::uint64_t cycles = 0;          // ticks that started a cycle
  std::uint64_t full_cycles = 0;     // cycles that carried the whole set
  std::uint64_t frames_sent = 0;     // driver answered queued
  std::uint64_t frames_full = 0;     // driver answered full (each attempt)
  std::uint64_t frames_error = 0;    // driver answered error
  std::uint64_t frames_dropped = 0;  // not sent in their cycle (error, or full after retries)
  std::uint64_t overruns = 0;        // a tick started more than one tick late
  std::uint64_t keepalive_late = 0;  // two 0x351 more than 1.5 s apart while valid
  std::uint64_t rx_frames = 0;
  CadenceStats cadence;
};

class CanSchedule {
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

  // Out-of-range config values are clamped: periods to at least 10 ms, the keepalive period to
  // at most kMaxKeepalivePeriodMs, spacing and retries to at least 0.
  explicit CanSchedule(const CanScheduleConfig& config = {});

  // The driver is up: cycles run (at once if a set is already held) and the GX is watched.
  void start(Micros now_us);
  // The driver is going down: forget the frames (not counted as an invalidation); nothing is
  // due until start() again.
  void stop();

  // Valid data: the set to transmit from now on. A rejected set changes nothing.
  Result<void, UpdateError> update(std::span<const CanFrame> frames, Micros now_us);
  // Stale data: stop transmitting at once and forget the frames.
  void invalidate();

  // When the owner must call again (check_gx, due), never earlier than now_us; none while
  // nothing is transmitted and no GX is watched (wait for update() or on_received()).
  std::optional<Micros> next_deadline(Micros now_us) const;
  // The frame to send now, if any (read from the latest set). Report the driver's answer with
  // on_sent() before the next call; until then the same frame stays due.
  std::optional<CanFrame> due(Micros now_us);
  // The driver's answer to the frame due() returned, at the time the answer came. Returns the
  // interval since the previous 0x351 when this was a 0x351 that went out (for a benchmark's
  // percentiles; stats().cadence keeps the summary).
  std::optional<std::int64_t> on_sent(CanSendResult result, Micros now_us);

  // A frame received from the bus (its stamp is the time it arrived). Returns true when the GX
  // just appeared (read gx()).
  bool on_received(const ReceivedCanFrame& rx);
  // Returns true when the GX just went silent (no 0x305/0x307 for gx_timeout_ms).
  bool check_gx(Micros now_us);

  bool started() const { return started_; }
  bool transmitting() const { return valid_; }
  // The set being transmitted (one frame per id, as last handed to update()); empty before the
  // first update and after invalidate().
  std::span<const CanFrame> frames() const { return {frames_.data(), count_}; }
  const GxStatus& gx() const { return gx_; }
  const CanScheduleStats& stats() const { return stats_; }
  const CanScheduleConfig& config() const { return config_; }
  // The tick in force (min of period and keepalive period): a frame not out within one tick
  // is stale, the next cycle carries a fresh one.
  int tick_ms() const { return tick_ms_; }

 private:
  void begin_cycles(Micros now_us);
  void halt();
  void start_cycle(Micros now_us);
  void finish_cycle(Micros now_us);
  void next_frame(Micros now_us, Micros gap_us);  // the next frame of the cycle, or its end
  void record_keepalive(Micros now_us, std::optional<std::int64_t>& interval);
  bool in_cycle() const { return plan_pos_ < plan_len_; }
  const CanFrame* find(std::uint32_t id) const;

  CanScheduleConfig config_;
  int tick_ms_ = 1000;
  int full_every_ = 1;
  int spacing_ms_ = 5;

  std::array<CanFrame, kMaxFrames> frames_{};
  std::size_t count_ = 0;
  bool valid_ = false;
  bool started_ = false;

  std::array<std::uint32_t, kMaxFrames> plan_{};  // ids of the running cycle, in send order
  std::size_t plan_len_ = 0;
  std::size_t plan_pos_ = 0;
  int retries_ = 0;
  std::uint64_t tick_index_ = 0;
  Micros next_tick_us_ = 0;   // the absolute schedule of cycle starts
  Micros next_frame_us_ = 0;  // when the running cycle's next frame (or retry) is due

  Micros last_keepalive_us_ = -1;
  double cadence_sum_us_ = 0.0;
  double cadence_sum_sq_us_ = 0.0;

  GxStatus gx_;
  CanScheduleStats stats_;
};

}  // namespace tbgw::victron
