// RampedLimit: the anti-flapping output stage of one limit (CVL, CCL or DCL).
//
// Theory of operation. A limit may drop at once but rises slowly:
//   - target below the output: the output follows at once (or, when the caller gives a fall
//     rate, at most that fast: CVL while no cell is near its limit) and the rise timer restarts;
//   - target above the output: nothing happens until step_interval_ms has passed since the
//     output last changed or last had no reason to rise; then it climbs by
//     rise_per_min x elapsed (elapsed capped at two intervals, so a gap in the calls never turns
//     into a jump), never past the target.
// So the output is never above the target when falls are immediate, and it changes at most once
// per interval on the way up: a Multi sees a staircase every 20 s, not a new value every second
// (users.md item 10), and a limit that was just cut is not released by the sag it caused.
//
// Bounds: a few numbers of state; no allocation; time is a parameter.
#pragma once

#include <algorithm>

#include "core/util/time.hpp"

namespace tbgw::control {

class RampedLimit {
 public:
  struct Rates {
    float rise_per_min = 0.0F;  // unit of the limit per minute
    float fall_per_min = 0.0F;  // 0 = falls apply at once
    Millis step_interval_ms = 20'000;
  };

  // Forgets the history: the next update() starts from its target.
  void restart() { started_ = false; }
  // Puts the output at `value` now (e.g. CCL 0 after the BMS data came back), rising from there.
  void reset(float value, Millis now) {
    value_ = value;
    started_ = true;
    last_step_ms_ = now;
    last_fall_ms_ = now;
  }

  float update(float target, const Rates& rates, Millis now) {
    if (!started_) {
      reset(target, now);
      return value_;
    }
    const Millis elapsed = std::clamp<Millis>(now - last_step_ms_, 0, 2 * rates.step_interval_ms);
    if (target <= value_) {
      if (rates.fall_per_min > 0.0F) {
        const float most = rates.fall_per_min * static_cast<float>(now - last_fall_ms_) / 60'000.0F;
        value_ = std::max(target, value_ - std::max(0.0F, most));
      } else {
        value_ = target;
      }
      last_step_ms_ = now;
    } else if (elapsed >= rates.step_interval_ms) {
      value_ =
          std::min(target, value_ + rates.rise_per_min * static_cast<float>(elapsed) / 60'000.0F);
      last_step_ms_ = now;
    }
    last_fall_ms_ = now;
    return value_;
  }

  float value() const { return value_; }
  bool started() const { return started_; }

 private:
  float value_ = 0.0F;
  bool started_ = false;
  Millis last_step_ms_ = 0;
  Millis last_fall_ms_ = 0;
};

}  // namespace tbgw::control
