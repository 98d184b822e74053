// ChargeLoop: the charge controller closed around the simulated battery, in one deterministic
// loop on a fake clock (no thread, no pty, no sleep).
//
//   Poller --request bytes--> Simulator --reply bytes--> Poller --events--> ChargeController
//     ^                                                                          | decision
//     +------ sim.set_load(charger - house load) <-- charger model <-- tick() ---+
//
// Every step hands the poller's request to sim.on_bytes(), the simulator's output to
// poller.on_bytes(), and the poller's events to the controller (snapshots with the last
// settings read, link states); all three see the same Millis. The clock jumps to the earliest
// time anyone needs (poller deadline, next simulator byte or model step, next CAN tick, next
// charger update). With SimConfig::time_factor 1 the controller's minutes are the battery's
// minutes, so its rates and timers are tested against real cell dynamics; the battery model
// still runs at its 100 ms step, the cost of a run is ~10 model steps per simulated second.
//
// The charger stands for the GX and its chargers (Multi + MPPTs): every charger_period_ms it
// re-reads the decision (the GX writes limits about every 3 s) and moves its current towards
// holding the pack at CVL, as a CC/CV charger regulating its output voltage does:
//     I += gain x (CVL - pack V),  clamped to [0, min(CCL, charger_max_a)]
// gain x pack resistance (16 x 0.8 mOhm) stays well below 1, so the regulation is stable and
// does not overshoot; at CVL it tapers on its own. When the decision is invalid it stops (the
// GX's fail-safe). The battery sees charger current minus a constant house load.
#pragma once

#include <algorithm>
#include <array>
#include <optional>
#include <variant>

#include "core/control/charge_controller.hpp"
#include "core/tinybms/poller.hpp"
#include "sim/simulator.hpp"

namespace tbgw::control::test {

struct LoopConfig {
  sim::SimConfig sim;
  ChargeParams params;
  tinybms::PollerConfig poller;
  double charger_max_a = 120.0;
  double charger_gain_a_per_v = 20.0;
  Millis charger_period_ms = 3'000;
  double house_load_a = 0.0;
};

class ChargeLoop {
 public:
  static constexpr Millis kStart = 1'000'000;
  static constexpr Millis kCanPeriodMs = 1'000;

  explicit ChargeLoop(const LoopConfig& c)
      : config_(c), sim_(c.sim), poller_(c.poller), controller_(c.params) {}

  sim::Simulator& sim() { return sim_; }
  ChargeController& controller() { return controller_; }
  const msg::ChargeDecision& decision() const { return decision_; }
  double charger_a() const { return charger_a_; }
  Millis now() const { return now_; }
  Millis elapsed() const { return now_ - kStart; }
  void set_house_load_a(double a) { config_.house_load_a = a; }

  // Runs for `duration`; `observe(loop)` runs after every CAN tick (once a second) and may
  // return false to stop early.
  template <class Observe>
  void run_for(Millis duration, Observe&& observe) {
    const Millis end = now_ + duration;
    while (now_ < end) {
      if (auto request = poller_.poll(now_)) sim_.on_bytes(request->bytes(), now_);
      sim_.advance(now_);
      std::size_t n = 0;
      do {
        n = sim_.take_output(now_, buffer_);
        if (n > 0) poller_.on_bytes(std::span(buffer_.data(), n), now_);
      } while (n == buffer_.size());
      while (auto event = poller_.next_event()) handle(*event);
      if (now_ >= next_charger_ms_) {
        update_charger();
        next_charger_ms_ += config_.charger_period_ms;
      }
      if (now_ >= next_tick_ms_) {
        decision_ = controller_.tick(now_);
        next_tick_ms_ += kCanPeriodMs;
        if (!observe(*this)) return;
      }
      const Millis next = std::min({poller_.next_deadline(now_), sim_.next_wakeup(now_),
                                    next_tick_ms_, next_charger_ms_, end});
      now_ = std::max(now_ + 1, next);
    }
  }

 private:
  void handle(const tinybms::PollerEvent& event) {
    if (const auto* s = std::get_if<tinybms::BmsSettings>(&event)) settings_ = *s;
    if (const auto* l = std::get_if<msg::LinkState>(&event)) controller_.on_link(*l, now_);
    if (const auto* snap = std::get_if<msg::BatterySnapshot>(&event)) {
      controller_.update(*snap, settings_, now_);
    }
  }

  void update_charger() {
    if (!decision_.valid) {
      charger_a_ = 0.0;
    } else {
      const double error_v = static_cast<double>(decision_.cvl_v) - sim_.truth().pack_voltage_v;
      const double most_a = std::min(static_cast<double>(decision_.ccl_a), config_.charger_max_a);
      charger_a_ = std::clamp(charger_a_ + config_.charger_gain_a_per_v * error_v, 0.0, most_a);
    }
    sim_.set_load(sim::LoadProfile::constant_current(charger_a_ - config_.house_load_a));
  }

  LoopConfig config_;
  sim::Simulator sim_;
  tinybms::Poller poller_;
  ChargeController controller_;
  tinybms::BmsSettings settings_{};
  msg::ChargeDecision decision_{};
  std::array<std::uint8_t, 256> buffer_{};
  double charger_a_ = 0.0;
  Millis now_ = kStart;
  Millis next_tick_ms_ = kStart;
  Millis next_charger_ms_ = kStart;
};

}  // namespace tbgw::control::test
