#include "core/tinybms/poller.hpp"

#include <algorithm>

#include "core/tinybms/registers.hpp"
#include "core/tinybms/request_builder.hpp"
#include "core/tinybms/response_decoder.hpp"
#include "core/tinybms/snapshot_decoder.hpp"
#include "core/tinybms/version_info.hpp"

namespace tbgw::tinybms {

namespace {

// What each slow job reads: the defined registers of its band (reserved ones are skipped by
// the safe plan, spanned by the cheap one when that saves bytes).
constexpr std::array<AddressRange, 1> kVersionReads{{{500, 509}}};
constexpr std::array<AddressRange, 4> kSettingsReads{
    {{300, 301}, {303, 308}, {310, 323}, {328, 343}}};
constexpr std::array<AddressRange, 3> kStatisticsReads{{{100, 109}, {111, 114}, {116, 117}}};
constexpr std::array<AddressRange, 1> kEventsReads{{{kEventsBand.first, 297}}};
// Version/settings reads that failed are tried again this much later, not a full interval.
constexpr Millis kSlowJobRetryMs = 10'000;
// Line time of one byte at 115200 baud, 10 bits a byte, in microseconds.
constexpr Millis kByteTimeUs = 87;

bool spans_reserved(std::uint16_t first, std::uint16_t count) {
  for (std::uint16_t a = first; a < first + count; ++a) {
    if (is_reserved(a)) return true;
  }
  return false;
}

bool is_low_byte_register(std::uint16_t address) {
  const RegisterInfo* info = find_register(address);
  return info != nullptr && info->type == RegType::u8_low;
}

bool is_nack(DecodeError e) {
  return e == DecodeError::nack_command_error || e == DecodeError::nack_crc_error ||
         e == DecodeError::nack_unknown_error;
}

BlockPlan make_plan(std::span<const AddressRange> wanted, ReservedSpan reserved) {
  auto plan = plan_reads(wanted, PlanOptions{reserved, kMaxRegistersPerRead});
  // The wanted sets are constants that the planner's tests cover; an empty plan (the job then
  // reads nothing) is the safe outcome if that ever changes.
  return plan.ok() ? *plan : BlockPlan{};
}

}  // namespace

const char* to_string(WriteError e) {
  switch (e) {
    case WriteError::empty:
      return "no registers to write";
    case WriteError::too_many:
      return "more registers than the settings range holds";
    case WriteError::busy:
      return "a settings write is already in progress";
    case WriteError::invalid_value:
      return "value refused by the register catalogue";
    case WriteError::settings_not_read:
      return "current settings not read yet";
    case WriteError::duplicate_address:
      return "the same register appears twice";
  }
  return "invalid";
}

const char* to_string(WriteStatus s) {
  switch (s) {
    case WriteStatus::verified:
      return "verified";
    case WriteStatus::mismatch:
      return "read-back differs";
    case WriteStatus::write_failed:
      return "write not acknowledged";
    case WriteStatus::readback_failed:
      return "read-back failed";
    case WriteStatus::no_answer:
      return "no answer";
  }
  return "invalid";
}

Poller::Poller(const PollerConfig& config)
    : config_(config),
      live_plans_{make_plan(kLiveRegisters, ReservedSpan::allowed),
                  make_plan(kLiveRegisters, ReservedSpan::forbidden)},
      settings_plans_{make_plan(kSettingsReads, ReservedSpan::allowed),
                      make_plan(kSettingsReads, ReservedSpan::forbidden)},
      statistics_plans_{make_plan(kStatisticsReads, ReservedSpan::allowed),
                        make_plan(kStatisticsReads, ReservedSpan::forbidden)},
      version_plans_{make_plan(kVersionReads, ReservedSpan::allowed),
                     make_plan(kVersionReads, ReservedSpan::forbidden)},
      events_plans_{make_plan(kEventsReads, ReservedSpan::allowed),
                    make_plan(kEventsReads, ReservedSpan::forbidden)} {}

const BlockPlan& Poller::plan_for(Job job) const {
  const Plans* plans = &live_plans_;
  if (job == Job::settings) plans = &settings_plans_;
  if (job == Job::statistics) plans = &statistics_plans_;
  if (job == Job::version) plans = &version_plans_;
  if (job == Job::events) plans = &events_plans_;
  return plan_fallback_ ? plans->safe : plans->cheap;
}

std::optional<FrameBytes> Poller::poll(Millis now) {
  if (!started_) {
    started_ = true;
    last_valid_ms_ = now;
    last_reading_ms_ = now;
    next_probe_ms_ = now;
  }
  if (in_flight_ && now >= deadline_ms_) {
    on_failure(damaged_reply_ ? Failure::crc : Failure::timeout, now);
  }
  check_link_loss(now);
  if (in_flight_ || !port_open_) return std::nullopt;
  if (job_ != Job::none) {
    if (now < retry_at_ms_) return std::nullopt;
    return send_current(now);
  }
  if (!start_job(now)) return std::nullopt;
  return send_current(now);
}

bool Poller::start_job(Millis now) {
  block_count_ = 0;
  block_index_ = 0;
  attempt_ = 0;
  probe_answered_ = false;
  auto add = [this](std::uint16_t first, std::uint16_t count, std::uint16_t value_index = 0) {
    blocks_[block_count_++] = Block{first, count, value_index};
  };
  if (link_ == msg::LinkStatus::lost) {
    // One probe per interval: the first live block is as good a question as any.
    if (now < next_probe_ms_) return false;
    next_probe_ms_ = now + config_.lost_probe_interval_ms;
  } else if (write_pending_) {
    job_ = Job::write;
    for (std::size_t i = 0; i < write_count_;) {
      std::size_t j = i + 1;
      while (j < write_count_ && write_values_[j].address == write_values_[j - 1].address + 1) ++j;
      add(write_values_[i].address, static_cast<std::uint16_t>(j - i),
          static_cast<std::uint16_t>(i));
      i = j;
    }
    return true;
  } else if (version_needed_ && due(version_due_ms_, now)) {
    job_ = Job::version;
  } else if (due(settings_due_ms_, now)) {
    job_ = Job::settings;
  } else if (due(events_due_ms_, now) && !due(live_due_ms_, now)) {
    job_ = Job::events;
  } else if (due(statistics_due_ms_, now) && !due(live_due_ms_, now)) {
    job_ = Job::statistics;
  } else if (!due(live_due_ms_, now)) {
    return false;
  }
  cycle_start_ms_ = now;
  if (job_ == Job::version || job_ == Job::settings || job_ == Job::statistics ||
      job_ == Job::events) {
    for (const auto& b : plan_for(job_).items()) add(b.first, b.count);
    return block_count_ > 0;
  }
  // Live refresh. Keep the cadence anchored to the schedule, not to when the last one ended,
  // but never try to catch up a backlog after an outage.
  const Millis scheduled = live_due_ms_ == kNow ? now : live_due_ms_;
  live_due_ms_ = scheduled + config_.live_interval_ms;
  if (live_due_ms_ <= now) live_due_ms_ = now + config_.live_interval_ms;
  job_ = Job::live;
  for (const auto& b : plan_for(Job::live).items()) add(b.first, b.count);
  return block_count_ > 0;
}

std::optional<FrameBytes> Poller::send_current(Millis now) {
  const Block& block = blocks_[block_index_];
  std::optional<FrameBytes> request;
  std::size_t reply_bytes = 5 + 2U * block.count;
  if (job_ == Job::write) {
    std::array<std::uint16_t, SettingsWriteResult::kMaxRegisters> values{};
    for (std::uint16_t k = 0; k < block.count; ++k) {
      values[k] = write_values_[block.value_index + k].value;
    }
    auto built = build_modbus_write(block.first, std::span(values.data(), block.count));
    if (built.ok()) request = *built;
    reply_bytes = 8;
  } else {
    auto built = build_modbus_read(block.first, block.count);
    if (built.ok()) request = *built;
  }
  if (!request) {  // cannot happen with the catalogue's limits; never send a half-built frame
    abandon_job(now);
    return std::nullopt;
  }
  parser_.reset();
  in_flight_ = true;
  damaged_reply_ = false;
  sent_ms_ = now;
  const Millis line_ms =
      static_cast<Millis>((request->size + reply_bytes) * kByteTimeUs / 1000) + 1;
  deadline_ms_ = now + config_.response_timeout_ms + line_ms;
  ++stats_.requests;
  if (attempt_ > 0) ++stats_.retries;
  stats_.bytes_out += request->size;
  return request;
}

void Poller::on_bytes(std::span<const std::uint8_t> bytes, Millis now) {
  stats_.bytes_in += bytes.size();
  // After an error the parser may complete further events from bytes it already holds, so it
  // is called until it reports none (see ResponseParser's usage note).
  for (;;) {
    const auto result = parser_.push(bytes);
    bytes = bytes.subspan(result.consumed);
    if (!result.event) break;
    if (result.event->kind == ParseEvent::Kind::frame) {
      on_frame(result.event->frame, now);
    } else if (in_flight_ && result.event->error == ParseError::crc_mismatch) {
      // Not a failure yet: the candidate may have started at a stray 0xAA, and the parser's
      // rescan can still deliver the real reply before the deadline. If the deadline passes,
      // the timeout is blamed on the damaged bytes.
      damaged_reply_ = true;
    }
  }
  sync_parser_counters();
}

void Poller::on_frame(const ResponseFrame& frame, Millis now) {
  if (!in_flight_) {
    ++stats_.bad_responses;  // unsolicited (broadcast mode, or a reply after its timeout)
    return;
  }
  const Block& block = blocks_[block_index_];
  if (job_ == Job::write) {
    auto acked = decode_modbus_write_ack(frame, block.first, block.count);
    if (!acked.ok()) {
      on_failure(is_nack(acked.error()) ? Failure::nack : Failure::bad_response, now);
      return;
    }
  } else {
    std::array<std::uint16_t, 127> words{};
    auto decoded = decode_modbus_read(frame, block.count, std::span(words.data(), block.count));
    if (!decoded.ok()) {
      on_failure(is_nack(decoded.error()) ? Failure::nack : Failure::bad_response, now);
      return;
    }
    bank_.store(block.first, std::span<const std::uint16_t>(words.data(), block.count), now);
  }
  on_success(now);
}

void Poller::on_success(Millis now) {
  in_flight_ = false;
  ++stats_.responses;
  const Millis latency = now - sent_ms_;
  stats_.latency_last_ms = latency;
  stats_.latency_max_ms = std::max(stats_.latency_max_ms, latency);
  stats_.latency_sum_ms += latency;
  last_valid_ms_ = now;
  fail_timeouts_ = fail_nacks_ = fail_bad_ = fail_crc_ = 0;
  // A lost link comes back with a complete reading (finish_job), not with one answer: a BMS
  // whose replies only sometimes fit would otherwise flap between lost and up.
  if (link_ == msg::LinkStatus::lost) probe_answered_ = true;
  if (link_ == msg::LinkStatus::connecting) {
    last_reading_ms_ = now;  // the first reading is due from here
    set_link(msg::LinkStatus::up, msg::LinkLossReason::none, now);
  }
  const Block& done = blocks_[block_index_];
  if (spans_reserved(done.first, done.count)) reserved_span_failures_ = 0;
  attempt_ = 0;
  retry_at_ms_ = now;
  if (++block_index_ >= block_count_) finish_job(now);
}

void Poller::on_failure(Failure failure, Millis now) {
  in_flight_ = false;
  switch (failure) {
    case Failure::timeout:
      ++stats_.timeouts;
      ++fail_timeouts_;
      break;
    case Failure::nack:
      ++stats_.nacks;
      ++fail_nacks_;
      break;
    case Failure::bad_response:
      ++stats_.bad_responses;
      ++fail_bad_;
      break;
    case Failure::crc:
      ++fail_crc_;
      break;  // stats_.crc_errors comes from the parser
  }
  const Block& block = blocks_[block_index_];
  const bool is_read = job_ != Job::write && job_ != Job::none;
  if (is_read && !plan_fallback_ && spans_reserved(block.first, block.count)) {
    // A NACK is a clear refusal; silence counts only while other requests are answered (a
    // sleeping or unplugged BMS is silent for every request).
    const bool refused = failure == Failure::nack;
    const bool keeps_failing =
        ++reserved_span_failures_ >= config_.reserved_span_failures_before_fallback &&
        link_ == msg::LinkStatus::up;
    if (refused || keeps_failing) {
      plan_fallback_ = true;
      stats_.plan_fallback = true;
      // Start the same job over at once with the safe plan.
      const Job restart = job_;
      job_ = Job::none;
      attempt_ = 0;
      if (restart == Job::live) live_due_ms_ = kNow;
      if (restart == Job::settings) settings_due_ms_ = kNow;
      if (restart == Job::statistics) statistics_due_ms_ = kNow;
      if (restart == Job::version) version_due_ms_ = kNow;
      if (restart == Job::events) events_due_ms_ = kNow;
      if (restart == Job::readback) job_ = Job::readback;  // readback blocks are exact
      (void)now;
      return;
    }
  }
  if (job_ == Job::write && failure == Failure::nack) {
    finish_write(WriteStatus::write_failed);  // the BMS refused it: repeating will not help
    return;
  }
  // A probe of a lost link gives up at its first failure, unless the BMS has answered it: then
  // it is back and its reading gets the usual retries (a waking BMS drops a request).
  if ((link_ == msg::LinkStatus::lost && !probe_answered_) || attempt_ >= config_.max_retries) {
    abandon_job(now);
    return;
  }
  ++attempt_;
  retry_at_ms_ = now + (config_.retry_backoff_ms << (attempt_ - 1));
}

void Poller::abandon_job(Millis now) {
  switch (job_) {
    case Job::live:
      ++stats_.abandoned_cycles;
      break;
    case Job::write:
      finish_write(WriteStatus::no_answer);
      return;
    case Job::readback:
      finish_write(WriteStatus::readback_failed);
      return;
    case Job::version:
      version_due_ms_ = now + kSlowJobRetryMs;
      break;
    case Job::settings:
      settings_due_ms_ = now + kSlowJobRetryMs;
      break;
    case Job::statistics:
      statistics_due_ms_ = now + config_.statistics_interval_ms;
      break;
    case Job::events:
      events_due_ms_ = now + config_.events_interval_ms;
      break;
    case Job::none:
      break;
  }
  job_ = Job::none;
  attempt_ = 0;
}

void Poller::finish_job(Millis now) {
  const Job finished = job_;
  job_ = Job::none;
  switch (finished) {
    case Job::live: {
      // Every register must come from this refresh (max_age): never mix a fresh pack voltage
      // with cells read before a failure.
      DecodeOptions options;
      options.has_soh = config_.rev_d_registers;
      options.max_age_ms = now - cycle_start_ms_ + 1;
      auto snapshot = decode_snapshot(bank_, settings_valid_ ? configured_cells_ : 0, now, options);
      if (snapshot.ok()) {
        ++stats_.snapshots;
        last_reading_ms_ = now;
        if (link_ == msg::LinkStatus::lost) {
          // The BMS may have been reset or swapped while we could not see it.
          version_needed_ = true;
          version_due_ms_ = kNow;
          settings_due_ms_ = kNow;
          events_due_ms_ = kNow;
          set_link(msg::LinkStatus::up, msg::LinkLossReason::none, now);
        }
        push_event(*snapshot);
      } else {
        ++stats_.decode_errors;
      }
      break;
    }
    case Job::version: {
      auto version = decode_version(bank_);
      if (version.ok()) {
        version_needed_ = false;
        push_event(*version);
      } else {
        ++stats_.decode_errors;
        version_due_ms_ = now + kSlowJobRetryMs;
      }
      break;
    }
    case Job::settings: {
      auto settings = decode_settings(bank_, config_.rev_d_registers);
      if (settings.ok()) {
        settings_valid_ = true;
        configured_cells_ = settings->series_cells;
        settings_due_ms_ = now + config_.settings_interval_ms;
        push_event(*settings);
      } else {
        ++stats_.decode_errors;
        settings_due_ms_ = now + kSlowJobRetryMs;
      }
      break;
    }
    case Job::statistics:
      statistics_due_ms_ = now + config_.statistics_interval_ms;
      push_event(StatisticsUpdated{now});
      break;
    case Job::events:
      events_due_ms_ = now + config_.events_interval_ms;
      push_event(BmsEventsRead{now});
      break;
    case Job::write:
      // Every block acknowledged: read the same registers back before claiming success.
      job_ = Job::readback;
      block_index_ = 0;
      attempt_ = 0;
      break;
    case Job::readback: {
      bool all_equal = true;
      for (std::size_t i = 0; i < write_result_.count; ++i) {
        SettingWriteOutcome& item = write_result_.items[i];
        const auto value = bank_.get(item.address);
        item.read_back = value.has_value();
        item.readback_raw = value.value_or(0);
        item.verified = item.read_back && item.readback_raw == item.requested_raw;
        all_equal = all_equal && item.verified;
      }
      auto settings = decode_settings(bank_, config_.rev_d_registers);
      if (settings.ok()) {
        configured_cells_ = settings->series_cells;
        push_event(*settings);
      }
      finish_write(all_equal ? WriteStatus::verified : WriteStatus::mismatch);
      break;
    }
    case Job::none:
      break;
  }
}

Result<void, WriteError> Poller::request_write(std::span<const RegisterWrite> writes) {
  if (writes.empty()) return Err(WriteError::empty);
  if (writes.size() > SettingsWriteResult::kMaxRegisters) return Err(WriteError::too_many);
  if (write_pending_) return Err(WriteError::busy);
  std::array<RegisterWrite, SettingsWriteResult::kMaxRegisters> sorted{};
  std::copy(writes.begin(), writes.end(), sorted.begin());
  std::sort(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(writes.size()),
            [](const RegisterWrite& a, const RegisterWrite& b) { return a.address < b.address; });
  for (std::size_t i = 0; i < writes.size(); ++i) {
    RegisterWrite& w = sorted[i];
    if (i > 0 && sorted[i - 1].address == w.address) return Err(WriteError::duplicate_address);
    const auto current = bank_.get(w.address);
    if (is_low_byte_register(w.address)) {
      if (!current) return Err(WriteError::settings_not_read);
      w.value = merge_low_byte(*current, static_cast<std::uint8_t>(w.value & 0xFFU));
    }
    const RegisterInfo* info = find_register(w.address);
    if (info != nullptr && info->type == RegType::u32_lo) {
      // A 32-bit setting (312-313) is checked as one value and must be written whole.
      if (i + 1 >= writes.size() || sorted[i + 1].address != w.address + 1) {
        return Err(WriteError::invalid_value);
      }
      const std::uint32_t value = static_cast<std::uint32_t>(sorted[i + 1].value) << 16 | w.value;
      if (!validate_setting_write_u32(w.address, value).ok()) return Err(WriteError::invalid_value);
      ++i;
      continue;
    }
    if (!validate_setting_write(w.address, w.value, current).ok()) {
      return Err(WriteError::invalid_value);
    }
  }
  write_count_ = writes.size();
  write_result_ = SettingsWriteResult{};
  write_result_.count = write_count_;
  for (std::size_t i = 0; i < write_count_; ++i) {
    write_values_[i] = sorted[i];
    SettingWriteOutcome& item = write_result_.items[i];
    item.address = sorted[i].address;
    item.requested_raw = sorted[i].value;
    const auto old = bank_.get(sorted[i].address);
    item.old_known = old.has_value();
    item.old_raw = old.value_or(0);
  }
  write_pending_ = true;
  return {};
}

void Poller::finish_write(WriteStatus status) {
  write_result_.status = status;
  push_event(write_result_);
  write_pending_ = false;
  ++stats_.write_jobs;
  job_ = Job::none;
  attempt_ = 0;
}

void Poller::check_link_loss(Millis now) {
  if (link_ == msg::LinkStatus::lost) return;
  const bool silent = now - last_valid_ms_ >= config_.link_loss_timeout_ms;
  const bool no_reading =
      link_ == msg::LinkStatus::up &&
      now - last_reading_ms_ >= config_.link_loss_timeout_ms + config_.live_interval_ms;
  if (silent || no_reading) {
    set_link(msg::LinkStatus::lost, dominant_failure(), now);
    next_probe_ms_ = now;
  }
}

msg::LinkLossReason Poller::dominant_failure() const {
  if (!port_open_) return msg::LinkLossReason::port_closed;
  msg::LinkLossReason reason = msg::LinkLossReason::timeout;
  std::uint64_t most = fail_timeouts_;
  auto consider = [&](std::uint64_t count, msg::LinkLossReason r) {
    if (count > most) {
      most = count;
      reason = r;
    }
  };
  consider(fail_crc_, msg::LinkLossReason::crc_errors);
  consider(fail_nacks_, msg::LinkLossReason::nacks);
  consider(fail_bad_, msg::LinkLossReason::bad_responses);
  return reason;
}

void Poller::set_link(msg::LinkStatus status, msg::LinkLossReason reason, Millis now) {
  if (status == link_) return;
  link_ = status;
  if (status == msg::LinkStatus::lost) ++stats_.link_losses;
  push_event(msg::LinkState{now, status, reason});
}

void Poller::on_port_closed(Millis now) {
  port_open_ = false;
  if (in_flight_ || job_ != Job::none) {
    in_flight_ = false;
    if (job_ == Job::write || job_ == Job::readback) {
      finish_write(job_ == Job::write ? WriteStatus::no_answer : WriteStatus::readback_failed);
    }
    job_ = Job::none;
  }
  parser_.reset();
  set_link(msg::LinkStatus::lost, msg::LinkLossReason::port_closed, now);
}

void Poller::on_port_opened(Millis now) {
  port_open_ = true;
  next_probe_ms_ = now;
}

Millis Poller::next_deadline(Millis now) const {
  if (in_flight_) return deadline_ms_;
  if (!port_open_) return now + config_.lost_probe_interval_ms;
  if (job_ != Job::none) return std::max(now, retry_at_ms_);
  if (link_ == msg::LinkStatus::lost) return std::max(now, next_probe_ms_);
  auto at = [now](Millis due_ms) { return due_ms < 0 ? now : due_ms; };
  Millis next = at(live_due_ms_);
  if (write_pending_) next = now;
  if (version_needed_) next = std::min(next, at(version_due_ms_));
  next = std::min({next, at(settings_due_ms_), at(statistics_due_ms_), at(events_due_ms_),
                   last_valid_ms_ + config_.link_loss_timeout_ms,
                   last_reading_ms_ + config_.link_loss_timeout_ms + config_.live_interval_ms});
  return std::max(now, next);
}

std::optional<PollerEvent> Poller::next_event() {
  if (event_count_ == 0) return std::nullopt;
  PollerEvent event = events_[event_head_];
  event_head_ = (event_head_ + 1) % kEventQueue;
  --event_count_;
  return event;
}

void Poller::push_event(const PollerEvent& event) {
  if (event_count_ == kEventQueue) {  // the owner did not drain: keep the newest
    event_head_ = (event_head_ + 1) % kEventQueue;
    --event_count_;
    ++stats_.events_dropped;
  }
  events_[(event_head_ + event_count_) % kEventQueue] = event;
  ++event_count_;
}

void Poller::sync_parser_counters() {
  const ParserCounters& c = parser_.counters();
  stats_.crc_errors = c.crc_errors;
  stats_.resyncs = c.resyncs;
  stats_.garbage_bytes = c.garbage_bytes;
}

}  // namespace tbgw::tinybms
