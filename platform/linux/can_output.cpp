#include "platform/linux/can_output.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "platform/linux/clock.hpp"

namespace tbgw::platform {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {
constexpr int kMinPeriodMs = 10;
constexpr std::int64_t kKeepaliveLateUs = 1'500'000;
constexpr int kGxWatchdogMs = 500;

constexpr bool is_gx_id(std::uint32_t id) {
  return id == 0x305 || id == 0x306 || id == 0x307;
}

std::int64_t steady_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now().time_since_epoch())
      .count();
}
}  // namespace

struct CanOutput::Impl {
  explicit Impl(asio::io_context& io) : timer(io), gx_timer(io) {}
  asio::steady_timer timer;     // ticks and frame spacing (one chain)
  asio::steady_timer gx_timer;  // GX presence watchdog
  Clock::time_point next_tick;
};

const char* CanOutput::to_string(UpdateError e) {
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

CanOutput::CanOutput(asio::io_context& io, CanBackend& backend, CanOutputConfig config)
    : backend_(backend), config_(config), impl_(std::make_unique<Impl>(io)) {
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

CanOutput::~CanOutput() {
  ++generation_;
  ++gx_generation_;
  impl_->timer.cancel();
  impl_->gx_timer.cancel();
  backend_.set_receive_handler(nullptr);
}

void CanOutput::start() {
  if (started_) return;
  started_ = true;
  backend_.set_receive_handler([this](const victron::ReceivedCanFrame& rx) { on_receive(rx); });
  backend_.start();
  ++gx_generation_;
  arm_gx_watchdog();
  if (valid_) begin_cycles();  // frames handed over before start()
}

void CanOutput::stop() {
  if (!started_) return;
  started_ = false;
  halt();
  ++gx_generation_;
  impl_->gx_timer.cancel();
  backend_.stop();
}

Result<void, CanOutput::UpdateError> CanOutput::update(std::span<const victron::CanFrame> frames) {
  auto reject = [this](UpdateError e) -> Result<void, UpdateError> {
    ++stats_.rejected_updates;
    return Err(e);
  };
  if (frames.size() > kMaxFrames) return reject(UpdateError::too_many_frames);
  bool has_keepalive = false;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const auto& f = frames[i];
    if (f.id > victron::CanFrame::kMaxStandardId || f.dlc > 8) {
      return reject(UpdateError::bad_frame);
    }
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
    if (started_) begin_cycles();
  }
  return {};
}

void CanOutput::begin_cycles() {
  tick_index_ = 0;
  plan_len_ = plan_pos_ = 0;
  impl_->next_tick = Clock::now();
  arm_tick();
}

void CanOutput::invalidate() {
  if (valid_) ++stats_.invalidations;
  halt();
}

void CanOutput::halt() {
  valid_ = false;
  count_ = 0;
  plan_len_ = plan_pos_ = 0;
  retries_ = 0;
  last_keepalive_us_ = -1;
  ++generation_;
  impl_->timer.cancel();
}

void CanOutput::arm_tick() {
  impl_->timer.expires_at(impl_->next_tick);
  impl_->timer.async_wait([this, gen = generation_](const boost::system::error_code& ec) {
    if (ec || gen != generation_ || !valid_) return;
    on_tick();
  });
}

void CanOutput::arm_next_frame(int delay_ms) {
  impl_->timer.expires_after(std::chrono::milliseconds(delay_ms));
  impl_->timer.async_wait([this, gen = generation_](const boost::system::error_code& ec) {
    if (ec || gen != generation_ || !valid_) return;
    send_next();
  });
}

void CanOutput::on_tick() {
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
  impl_->next_tick += std::chrono::milliseconds(tick_ms_);
  send_next();
}

const victron::CanFrame* CanOutput::find(std::uint32_t id) const {
  for (std::size_t i = 0; i < count_; ++i) {
    if (frames_[i].id == id) return &frames_[i];
  }
  return nullptr;
}

void CanOutput::send_next() {
  while (plan_pos_ < plan_len_) {
    const std::uint32_t id = plan_[plan_pos_];
    const victron::CanFrame* frame = find(id);
    if (frame == nullptr) {  // the set changed and lost this id: nothing to send
      ++plan_pos_;
      continue;
    }
    // A frame not on its way before the next tick is stale: the next cycle sends a fresh one.
    const CanSendResult r = backend_.send(*frame, now_ms() + tick_ms_);
    if (r == CanSendResult::queued) {
      ++stats_.frames_sent;
      if (id == kKeepaliveId) record_keepalive();
      ++plan_pos_;
      retries_ = 0;
      if (plan_pos_ < plan_len_) {
        arm_next_frame(spacing_ms_);
        return;
      }
      break;
    }
    if (r == CanSendResult::full) {
      ++stats_.frames_full;
      if (retries_ < config_.max_full_retries) {
        ++retries_;
        arm_next_frame(std::max(spacing_ms_, 1));
        return;
      }
    } else {
      ++stats_.frames_error;
    }
    // Error (interface down: every frame would fail alike) or full after the retries.
    ++stats_.frames_dropped;
    ++plan_pos_;
    retries_ = 0;
  }
  // Cycle done: wait for the next tick on the absolute schedule.
  const auto now = Clock::now();
  if (now - impl_->next_tick >= std::chrono::milliseconds(tick_ms_)) {
    ++stats_.overruns;
    impl_->next_tick = now;
  }
  arm_tick();
}

void CanOutput::record_keepalive() {
  const std::int64_t now_us = steady_us();
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
    if (on_cadence_) on_cadence_(interval);
  }
  last_keepalive_us_ = now_us;
}

void CanOutput::on_receive(const victron::ReceivedCanFrame& rx) {
  ++stats_.rx_frames;
  const std::uint32_t id = rx.frame.id;
  if (id != 0x305 && id != 0x307) return;
  if (id == 0x305) ++gx_.keepalives_305;
  if (id == 0x307) ++gx_.identifications_307;
  gx_.last_seen_ms = rx.stamp_ms;
  gx_.ever_seen = true;
  if (!gx_.present) {
    gx_.present = true;
    if (on_gx_) on_gx_(gx_);
  }
}

void CanOutput::arm_gx_watchdog() {
  impl_->gx_timer.expires_after(std::chrono::milliseconds(kGxWatchdogMs));
  impl_->gx_timer.async_wait([this, gen = gx_generation_](const boost::system::error_code& ec) {
    if (ec || gen != gx_generation_ || !started_) return;
    if (gx_.present && now_ms() - gx_.last_seen_ms > config_.gx_timeout_ms) {
      gx_.present = false;
      if (on_gx_) on_gx_(gx_);
    }
    arm_gx_watchdog();
  });
}

}  // namespace tbgw::platform
