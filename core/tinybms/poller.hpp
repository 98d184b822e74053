// Poller: the TinyBMS link as a sans-I/O state machine (h11 / libcanard style).
//
// Theory of operation. The owner (the Linux event loop, a FreeRTOS task, a test) does three
// things, and nothing else:
//   1. calls `poll(now)`; when it returns a request, flushes the serial input and writes the bytes;
//   2. feeds every received byte with `on_bytes(bytes, now)`;
//   3. drains `next_event()` after each call, and calls `poll()` again no later than
//      `next_deadline()`.
// There is never more than one request on the wire: the TinyBMS is half-duplex in practice
// and pairs replies with requests only by order. A reply is accepted only if it answers the
// request in flight (command, length, echoed address); anything else is counted and ignored,
// so no snapshot is ever built from another request's data or from bad bytes.
//
// Jobs, by priority: a pending settings write (+ read-back), the version registers (once, and
// after the link comes back), the settings registers (at start, every settings_interval_ms,
// on demand), the live refresh (every live_interval_ms), the event memory (every
// events_interval_ms; first after the first live refresh, so the owner already holds the BMS
// clock to place the events in time), the statistics (every statistics_interval_ms). A live refresh
// is a list of 0x03 block reads planned by block_plan for the fewest bytes on the wire; a snapshot
// is published only when every block of one refresh arrived and the values decode.
//
// Failures: a timeout, a NACK or a wrong reply retries the same request with doubling back-off
// (a damaged reply is not failed at once: a stray 0xAA can hide the real reply, which the
// parser's rescan still delivers; if none comes, the timeout is blamed on the CRC errors)
// (a sleeping BMS drops the first request); after max_retries the job is given up for this
// cycle. The link is lost when no valid reply arrived for link_loss_timeout_ms (or at once when
// the port closes); the reason is the dominant failure since the last good reply. While lost,
// one probe every lost_probe_interval_ms; the first valid reply brings the link back and
// re-reads version and settings (the BMS may have been reset or replaced).
//
// Bounds: no allocation; fixed event queue (kEventQueue); one request buffer. Single-threaded:
// every call must come from the same thread (or task).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "core/msg/link_state.hpp"
#include "core/tinybms/block_plan.hpp"
#include "core/tinybms/frame_bytes.hpp"
#include "core/tinybms/link_stats.hpp"
#include "core/tinybms/poller_config.hpp"
#include "core/tinybms/poller_event.hpp"
#include "core/tinybms/register_bank.hpp"
#include "core/tinybms/response_parser.hpp"
#include "core/util/result.hpp"
#include "core/util/time.hpp"

namespace tbgw::tinybms {

enum class WriteError : std::uint8_t {
  empty = 0,
  too_many = 1,           // more registers than the settings range holds
  busy = 2,               // a write is already pending
  invalid_value = 3,      // refused by the catalogue (see validate_setting_write)
  settings_not_read = 4,  // a low-byte register needs the current value, not read yet
  duplicate_address = 5,
};
const char* to_string(WriteError e);

class Poller {
 public:
  static constexpr std::size_t kEventQueue = 8;

  explicit Poller(const PollerConfig& config);

  // Returns the request to send now, if any. Handles timeouts and link loss first.
  std::optional<FrameBytes> poll(Millis now);
  // Bytes received from the BMS.
  void on_bytes(std::span<const std::uint8_t> bytes, Millis now);
  // The latest time poll() must be called again.
  Millis next_deadline(Millis now) const;
  // Drains one event; nullopt when none are queued.
  std::optional<PollerEvent> next_event();

  // The serial port went away / came back (USB unplug, adapter power).
  void on_port_closed(Millis now);
  void on_port_opened(Millis now);

  // Writes settings registers (300-399), then reads them back; the outcome arrives as a
  // SettingsWriteResult event. Values are validated against the register catalogue first:
  // nothing is sent unless every value is acceptable. For registers whose high byte is not
  // defined (331-343) only the low byte of `value` is used; the high byte is kept as read.
  Result<void, WriteError> request_write(std::span<const RegisterWrite> writes);
  void request_settings_reread() { settings_due_ms_ = kNow; }
  void set_config(const PollerConfig& config) { config_ = config; }

  const LinkStats& stats() const { return stats_; }
  const RegisterBank& registers() const { return bank_; }
  msg::LinkStatus link_status() const { return link_; }
  const BlockPlan& live_plan() const { return plan_for(Job::live); }

 private:
  enum class Job : std::uint8_t {
    none,
    write,
    readback,
    version,
    settings,
    live,
    statistics,
    events
  };
  enum class Failure : std::uint8_t { timeout, nack, bad_response, crc };
  struct Block {
    std::uint16_t first = 0;
    std::uint16_t count = 0;
    std::uint16_t value_index = 0;  // write jobs: first index into write_values_
  };
  static constexpr Millis kNow = -1;  // "due immediately" marker for *_due_ms_
  // A write of every other settings register needs 22 blocks; the live plan needs fewer.
  static constexpr std::size_t kMaxJobBlocks = 24;

  bool start_job(Millis now);
  std::optional<FrameBytes> send_current(Millis now);
  void on_frame(const ResponseFrame& frame, Millis now);
  void on_success(Millis now);
  void on_failure(Failure failure, Millis now);
  void finish_job(Millis now);
  void abandon_job(Millis now);
  void check_link_loss(Millis now);
  void set_link(msg::LinkStatus status, msg::LinkLossReason reason, Millis now);
  msg::LinkLossReason dominant_failure() const;
  void push_event(const PollerEvent& event);
  void sync_parser_counters();
  void finish_write(WriteStatus status);
  bool due(Millis due_ms, Millis now) const { return due_ms == kNow || now >= due_ms; }

  PollerConfig config_;
  ResponseParser parser_;
  RegisterBank bank_;
  LinkStats stats_;
  // Read plans per job: `cheap` may span reserved registers, `safe` never does. One BMS either
  // answers reserved spans or it does not, so one fallback flag switches every job.
  struct Plans {
    BlockPlan cheap;
    BlockPlan safe;
  };
  const BlockPlan& plan_for(Job job) const;
  Plans live_plans_, settings_plans_, statistics_plans_, version_plans_, events_plans_;
  bool plan_fallback_ = false;
  int reserved_span_failures_ = 0;  // consecutive failures of blocks that span reserved registers
  Millis cycle_start_ms_ = 0;       // when the current job's first request went out

  // Current job: its blocks and where we are.
  Job job_ = Job::none;
  std::array<Block, kMaxJobBlocks> blocks_{};
  std::size_t block_count_ = 0;
  std::size_t block_index_ = 0;

  // Request in flight.
  bool in_flight_ = false;
  Millis sent_ms_ = 0;
  Millis deadline_ms_ = 0;
  int attempt_ = 0;             // 0 = first try of the current block
  bool damaged_reply_ = false;  // a CRC-failed candidate arrived while waiting for the reply
  Millis retry_at_ms_ = 0;

  // Schedules.
  Millis live_due_ms_ = kNow;
  Millis statistics_due_ms_ = kNow;
  Millis settings_due_ms_ = kNow;
  Millis events_due_ms_ = kNow;
  bool version_needed_ = true;
  Millis version_due_ms_ = kNow;

  // Link.
  msg::LinkStatus link_ = msg::LinkStatus::connecting;
  bool port_open_ = true;
  bool started_ = false;
  Millis last_valid_ms_ = 0;
  // The last complete live reading (a snapshot). Answers that never add up to one (replies too
  // late for their request, every cycle cut short) are no link: the data would go stale while
  // the link looked "up".
  Millis last_reading_ms_ = 0;
  bool probe_answered_ = false;  // the lost link's current probe got an answer
  Millis next_probe_ms_ = 0;
  // Failures since the last valid reply, by kind: the link-loss reason is the largest.
  std::uint64_t fail_timeouts_ = 0, fail_nacks_ = 0, fail_bad_ = 0, fail_crc_ = 0;

  // Settings known to the snapshot decoder (reg 307) and the write job.
  bool settings_valid_ = false;
  std::uint16_t configured_cells_ = 0;
  bool write_pending_ = false;
  SettingsWriteResult write_result_{};
  std::array<RegisterWrite, SettingsWriteResult::kMaxRegisters> write_values_{};
  std::size_t write_count_ = 0;

  // Event queue (ring).
  std::array<PollerEvent, kEventQueue> events_{};
  std::size_t event_head_ = 0;
  std::size_t event_count_ = 0;
};

}  // namespace tbgw::tinybms
