#include "core/victron/can_schedule.hpp"

#include <algorithm>
#include <cmath>

namespace tbgw::victron {

namespace {
constexpr int kMinPeriodMs = 10;
constexpr std::int64_t kKeepaliveLateUs = 1'500'000;
constexpr Micros kUsPerMs = 1000;

constexpr bool is_gx_id(std::uint32_t id) {
  return id == 0x305 || id == 0x306 || id == 0x307;
}
}  // namespace

const char* CanSchedule::to_string(UpdateError e) {
  switch (e) {
    case UpdateError::too_many_frames:
      return "too many frames";
    case UpdateError::bad_frame:
      return "frame id above 0x7FF or dlc above 8";
    case UpdateError::duplicate_id:
      return "the same id twice in one frame set";
    case UpdateError::reserved_id:
      return "0x305/0x306/0x307 belong to the GX";
    case UpdateError::no_keepalive:
      return "the frame set has no 0x351";
  }
  return "?";
}

CanSchedule::CanSchedule(const CanScheduleConfig& config) : config_(config) {
  config_.keepalive_period_ms =
      std::clamp(config_.keepalive_period_ms, kMinPeriodMs, kMaxKeepalivePeriodMs);
  config_.period_ms = std::max(config_.period_ms, kMinPeriodMs);
  config_.frame_spacing_ms = std::max(config_.frame_spacing_ms, 0);
  config_.max_full_retries = std::max(config_.max_full_retries, 0);
  config_.gx_timeout_ms = std::max(config_.gx_timeout_ms, kMinPeriodMs);
  tick_ms_ = std::min(config_.period_ms, config_.keepalive_period_ms);
  full_every_ = std::max(1, (config_.period_ms + tick_ms_ / 2) / tick_ms_);
  spacing_ms_ = config_.frame_spacing_ms;
}

void CanSchedule::start(Micros now_us) {
  if (started_) return;
  started_ = true;
  if (valid_) begin_cycles(now_us);  // frames handed over before start()
}

void CanSchedule::stop() {
  if (!started_) return;
  started_ = false;
  halt();
}

Result<void, CanSchedule::UpdateError> CanSchedule::update(std::span<const CanFrame> frames,
                                                           Micros now_us) {
  auto reject = [this](UpdateError e) -> Result<void, UpdateError> {
    ++stats_.rejected_updates;
    return Err(e);
  };
  if (frames.size() > kMaxFrames) return reject(UpdateError::too_many_frames);
  bool has_keepalive = false;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const auto& f = frames[i];
    if (f.id > CanFrame::kMaxStandardId || f.dlc > 8) return reject(UpdateError::bad_frame);
    if (is_gx_id(f.id)) return reject(UpdateError::reserved_id);
    for (std::size_t j = 0; j < i; ++j) {
      if (frames[j].id == f.id) return reject(UpdateError::duplicate_id);
    }
    has_keepalive = has_keepalive || f.id == kKeepaliveId;
  }
  if (!has_keepalive) return reject(UpdateError::no_keepalive);

  std::copy(frames.begin(), frames.end(), frames_.begin());
  count_ = frames.size();
  ++stats_.updates;
  // Keep a cycle inside its tick: n frames need n-1 gaps; leave half a tick of margin.
  spacing_ms_ = std::min(config_.frame_spacing_ms,
                         count_ > 1 ? tick_ms_ / 2 / static_cast<int>(count_ - 1) : tick_ms_);
  if (!valid_) {
    valid_ = true;
    if (started_) begin_cycles(now_us);
  }
  return {};
}

void CanSchedule::begin_cycles(Micros now_us) {
  tick_index_ = 0;
  plan_len_ = plan_pos_ = 0;
  next_tick_us_ = now_us;
}

void CanSchedule::invalidate() {
  if (valid_) ++stats_.invalidations;
  halt();
}

void CanSchedule::halt() {
  valid_ = false;
  count_ = 0;
  plan_len_ = plan_pos_ = 0;
  retries_ = 0;
  last_keepalive_us_ = -1;
}

std::optional<Micros> CanSchedule::next_deadline(Micros now_us) const {
  if (!started_) return std::nullopt;
  std::optional<Micros> at;
  if (valid_) at = in_cycle() ? next_frame_us_ : next_tick_us_;
  if (gx_.present) {
    // The first instant check_gx() sees more than gx_timeout_ms of silence.
    const Micros gone_us = (gx_.last_seen_ms + config_.gx_timeout_ms + 1) * kUsPerMs;
    at = at ? std::min(*at, gone_us) : gone_us;
  }
  if (at) at = std::max(*at, now_us);
  return at;
}

std::optional<CanFrame> CanSchedule::due(Micros now_us) {
  if (!started_ || !valid_) return std::nullopt;
  if (!in_cycle()) {
    if (now_us < next_tick_us_) return std::nullopt;
    start_cycle(now_us);
  }
  if (now_us < next_frame_us_) return std::nullopt;
  while (in_cycle()) {
    if (const CanFrame* frame = find(plan_[plan_pos_])) return *frame;
    ++plan_pos_;  // the set changed and lost this id: nothing to send
  }
  finish_cycle(now_us);
  return std::nullopt;
}

void CanSchedule::start_cycle(Micros now_us) {
  ++stats_.cycles;
  const bool full = tick_index_ % static_cast<std::uint64_t>(full_every_) == 0;
  ++tick_index_;
  if (full) ++stats_.full_cycles;
  // The plan holds ids, not frames: each frame is read from the latest set when it goes out.
  plan_len_ = 0;
  plan_[plan_len_++] = kKeepaliveId;
  if (full) {
    for (std::size_t i = 0; i < count_; ++i) {
      if (frames_[i].id != kKeepaliveId) plan_[plan_len_++] = frames_[i].id;
    }
  }
  plan_pos_ = 0;
  retries_ = 0;
  next_tick_us_ += tick_ms_ * kUsPerMs;
  next_frame_us_ = now_us;
}

std::optional<std::int64_t> CanSchedule::on_sent(CanSendResult result, Micros now_us) {
  std::optional<std::int64_t> interval;
  if (!started_ || !valid_ || !in_cycle()) return interval;  // nothing was due
  if (result == CanSendResult::queued) {
    ++stats_.frames_sent;
    if (plan_[plan_pos_] == kKeepaliveId) record_keepalive(now_us, interval);
    ++plan_pos_;
    retries_ = 0;
    next_frame(now_us, spacing_ms_ * kUsPerMs);
    return interval;
  }
  if (result == CanSendResult::full) {
    ++stats_.frames_full;
    if (retries_ < config_.max_full_retries) {
      ++retries_;
      next_frame_us_ = now_us + std::max(spacing_ms_, 1) * kUsPerMs;
      return interval;
    }
  } else {
    ++stats_.frames_error;
  }
  // Error (interface down: every frame would fail alike) or full after the retries: the next
  // frame goes at once, this one waits for the next cycle.
  ++stats_.frames_dropped;
  ++plan_pos_;
  retries_ = 0;
  next_frame(now_us, 0);
  return interval;
}

void CanSchedule::next_frame(Micros now_us, Micros gap_us) {
  if (in_cycle()) {
    next_frame_us_ = now_us + gap_us;
  } else {
    finish_cycle(now_us);
  }
}

void CanSchedule::finish_cycle(Micros now_us) {
  // Cycle done: the next one starts at the next tick of the absolute schedule, unless this one
  // ended a whole tick late (a stalled loop): then at once, and counted.
  if (now_us - next_tick_us_ >= tick_ms_ * kUsPerMs) {
    ++stats_.overruns;
    next_tick_us_ = now_us;
  }
}

const CanFrame* CanSchedule::find(std::uint32_t id) const {
  for (std::size_t i = 0; i < count_; ++i) {
    if (frames_[i].id == id) return &frames_[i];
  }
  return nullptr;
}

void CanSchedule::record_keepalive(Micros now_us, std::optional<std::int64_t>& interval_out) {
  if (last_keepalive_us_ >= 0) {
    const std::int64_t interval = now_us - last_keepalive_us_;
    auto& c = stats_.cadence;
    if (c.samples == 0) {
      c.min_us = c.max_us = interval;
    } else {
      c.min_us = std::min(c.min_us, interval);
      c.max_us = std::max(c.max_us, interval);
    }
    ++c.samples;
    const auto x = static_cast<double>(interval);
    cadence_sum_us_ += x;
    cadence_sum_sq_us_ += x * x;
    const auto n = static_cast<double>(c.samples);
    c.mean_us = cadence_sum_us_ / n;
    c.stddev_us = std::sqrt(std::max(0.0, cadence_sum_sq_us_ / n - c.mean_us * c.mean_us));
    const std::int64_t jitter = interval - std::int64_t{tick_ms_} * 1000;
    c.max_abs_jitter_us = std::max(c.max_abs_jitter_us, jitter < 0 ? -jitter : jitter);
    if (interval > kKeepaliveLateUs) ++stats_.keepalive_late;
    interval_out = interval;
  }
  last_keepalive_us_ = now_us;
}

bool CanSchedule::on_received(const ReceivedCanFrame& rx) {
  ++stats_.rx_frames;
  const std::uint32_t id = rx.frame.id;
  if (id != 0x305 && id != 0x307) return false;
  if (id == 0x305) ++gx_.keepalives_305;
  if (id == 0x307) ++gx_.identifications_307;
  gx_.last_seen_ms = rx.stamp_ms;
  gx_.ever_seen = true;
  if (gx_.present) return false;
  gx_.present = true;
  return true;
}

bool CanSchedule::check_gx(Micros now_us) {
  if (!started_ || !gx_.present) return false;
  if (now_us / kUsPerMs - gx_.last_seen_ms <= config_.gx_timeout_ms) return false;
  gx_.present = false;
  return true;
}

}  // namespace tbgw::victron
