#include "platform/linux/can_output.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>

#include "platform/linux/clock.hpp"

namespace tbgw::platform {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

struct CanOutput::Impl {
  explicit Impl(asio::io_context& io) : timer(io) {}
  asio::steady_timer timer;  // the schedule's next deadline: ticks, frame spacing, GX timeout
};

CanOutput::CanOutput(asio::io_context& io, CanBackend& backend, CanOutputConfig config)
    : backend_(backend), schedule_(config), impl_(std::make_unique<Impl>(io)) {}

CanOutput::~CanOutput() {
  ++generation_;
  impl_->timer.cancel();
  backend_.set_receive_handler(nullptr);
}

void CanOutput::start() {
  if (schedule_.started()) return;
  backend_.set_receive_handler([this](const victron::ReceivedCanFrame& rx) { on_receive(rx); });
  backend_.start();
  schedule_.start(now_us());
  arm();
}

void CanOutput::stop() {
  if (!schedule_.started()) return;
  schedule_.stop();
  arm();  // cancels: a stopped schedule has no deadline
  backend_.stop();
}

Result<void, CanOutput::UpdateError> CanOutput::update(std::span<const victron::CanFrame> frames) {
  auto r = schedule_.update(frames, now_us());
  if (r.ok()) arm();
  return r;
}

void CanOutput::invalidate() {
  schedule_.invalidate();
  arm();
}

void CanOutput::arm() {
  ++generation_;
  impl_->timer.cancel();
  const auto deadline_us = schedule_.next_deadline(now_us());
  if (!deadline_us) return;  // idle until the next update() or received frame
  impl_->timer.expires_at(Clock::time_point(std::chrono::microseconds(*deadline_us)));
  impl_->timer.async_wait([this, gen = generation_](const boost::system::error_code& ec) {
    if (ec || gen != generation_) return;
    on_timer();
  });
}

void CanOutput::on_timer() {
  if (schedule_.check_gx(now_us()) && on_gx_) on_gx_(schedule_.gx());
  while (const auto frame = schedule_.due(now_us())) {
    // A frame not on its way before the next tick is stale: the next cycle sends a fresh one.
    const CanSendResult r = backend_.send(*frame, now_ms() + schedule_.tick_ms());
    const auto interval_us = schedule_.on_sent(r, now_us());
    if (interval_us && on_cadence_) on_cadence_(*interval_us);
  }
  arm();
}

void CanOutput::on_receive(const victron::ReceivedCanFrame& rx) {
  if (schedule_.on_received(rx)) {
    if (on_gx_) on_gx_(schedule_.gx());
    arm();  // the GX timeout is a deadline now
  }
}

}  // namespace tbgw::platform
