// The sans-I/O simulator: model stepping, request handling, faults, sleep and pacing.
// See simulator.hpp for the contract.
#include "sim/simulator.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace tbgw::sim {
namespace {
constexpr double kHighPowerSleepLimitA = 0.8;
constexpr double kLowPowerSleepLimitA = 0.08;
}  // namespace

Simulator::Simulator(const SimConfig& config)
    : config_(sanitized(config)),
      model_(config_),
      responder_(model_, config_),
      output_(config_.baud),
      fault_rng_(config_.seed, 1) {}

void Simulator::ensure_started(Millis now) {
  if (started_) return;
  started_ = true;
  origin_ms_ = now;
  last_rx_ms_ = now;
}

double Simulator::sleep_current_limit_a() const {
  return config_.high_power_model ? kHighPowerSleepLimitA : kLowPowerSleepLimitA;
}

void Simulator::advance(Millis now) {
  ensure_started(now);
  const double target_model_ms = static_cast<double>(now - origin_ms_) * config_.time_factor;
  while (static_cast<double>(model_.model_ms() + config_.model_step_ms) <= target_model_ms) {
    model_.step(faults_);
    ++stats_.model_steps;
    if (step_observer_) step_observer_(model_.truth());
  }
  update_sleep(now);
}

void Simulator::update_sleep(Millis now) {
  if (!config_.sleep_enabled) return;
  const TruthState& t = model_.truth();
  const double magnitude_a = std::fabs(t.current_a);
  if (!asleep_) {
    const bool idle_link = now - last_rx_ms_ >= config_.sleep_after_ms && output_.empty();
    const bool oc = t.protection.discharge_over_current || t.protection.charge_over_current;
    if (idle_link && magnitude_a < sleep_current_limit_a() && !oc) {
      asleep_ = true;
      ++stats_.sleeps;
      model_.set_asleep(true);
    }
  } else if (magnitude_a >= sleep_current_limit_a()) {
    wake(t.current_a > 0.0 ? BmsStatistics::kWakeCharger : BmsStatistics::kWakeDischarging);
  }
}

void Simulator::wake(std::uint8_t cause) {
  asleep_ = false;
  ++stats_.wakeups;
  model_.set_asleep(false);
  model_.note_wake(cause);
}

void Simulator::on_bytes(std::span<const std::uint8_t> in, Millis now) {
  advance(now);
  if (faults_.silent) {
    stats_.ignored_silent_bytes += in.size();
    stats_.discarded_silent_bytes += output_.pending();
    output_.clear();
    return;
  }
  if (in.empty()) return;
  stats_.bytes_in += in.size();
  last_rx_ms_ = now;
  if (asleep_) {
    wake(BmsStatistics::kWakeUart);
    swallow_next_frame_ = true;
  }
  const std::uint64_t garbage_before = parser_.counters().garbage_bytes;
  for (;;) {
    const auto r = parser_.push(in);
    in = in.subspan(r.consumed);
    if (!r.event) break;
    handle_event(*r.event, now);
  }
  stats_.garbage_bytes += parser_.counters().garbage_bytes - garbage_before;
}

void Simulator::handle_event(const tinybms::RequestEvent& event, Millis now) {
  if (event.kind == tinybms::RequestEvent::Kind::frame) {
    ++stats_.requests;
  } else {
    ++stats_.bad_frames;
  }
  if (swallow_next_frame_) {
    swallow_next_frame_ = false;
    ++stats_.dropped_waking;
    return;
  }
  const Reply reply = responder_.handle(event);
  ++stats_.replies;
  switch (reply.kind) {
    case Reply::Kind::ack:
      ++stats_.acks;
      break;
    case Reply::Kind::nack_crc:
      ++stats_.nacks_crc;
      break;
    case Reply::Kind::nack_command:
      ++stats_.nacks_command;
      break;
    case Reply::Kind::data:
      break;
  }
  if (fault_rng_.chance(faults_.drop_probability)) {
    ++stats_.dropped;
    return;
  }
  std::vector<std::uint8_t> bytes(reply.frame.bytes().begin(), reply.frame.bytes().end());
  if (faults_.corrupt_byte_rate > 0.0) {
    for (auto& b : bytes) {
      if (fault_rng_.chance(faults_.corrupt_byte_rate)) {
        b = static_cast<std::uint8_t>(b ^ (1U << fault_rng_.below(8)));
        ++stats_.corrupted_bytes;
      }
    }
  }
  const int late_ms = std::max(0, faults_.late_ms);
  if (late_ms > 0) ++stats_.late_replies;
  output_.enqueue(bytes, now + config_.response_delay_ms + late_ms);
}

std::size_t Simulator::take_output(Millis now, std::span<std::uint8_t> out) {
  ensure_started(now);
  if (faults_.silent) {
    stats_.discarded_silent_bytes += output_.pending();
    output_.clear();
    return 0;
  }
  const std::size_t n = output_.take(now, out);
  stats_.bytes_out += n;
  return n;
}

Millis Simulator::next_wakeup(Millis now) const {
  if (!started_) return now;
  Millis best = std::numeric_limits<Millis>::max();
  if (const auto due = output_.next_due()) best = std::min(best, std::max(*due, now));
  const double next_model_ms = static_cast<double>(model_.model_ms() + config_.model_step_ms);
  const auto step_at =
      origin_ms_ + static_cast<Millis>(std::ceil(next_model_ms / config_.time_factor));
  best = std::min(best, std::max(step_at, now));
  if (config_.sleep_enabled && !asleep_) {
    const Millis sleep_at = last_rx_ms_ + config_.sleep_after_ms;
    if (sleep_at > now) best = std::min(best, sleep_at);
  }
  return best;
}

void Simulator::clear_faults() {
  faults_ = Faults{};
  model_.clear_drift();
}

}  // namespace tbgw::sim
