// LevelFilter: the one debounce every warning and alarm goes through (the 0x35A rules of
// victron::AlarmEvaluator and the gateway rules of alerts::AlertEngine), so a value hovering at
// a threshold never flaps and a single odd reading does not raise anything.
//
// Theory of operation. Each update gets two judgements of the same value: `raw`, the level the
// value is at, and `held`, the level it would be at if it were moved back by the hysteresis
// band (the level it is still "inside"). Per level (warning, alarm):
// - it rises once `raw` has reached it continuously for raise_delay_ms (0: at once);
// - it falls only when `held` has been below it continuously for clear_delay_ms: the value must
//   leave the band AND stay out, so noise bigger than the band cannot flap either.
// Each level has its own timers, so an alarm can ease to a warning while the warning holds.
//
// Bounds: two levels, four timestamps; no allocation, no clock (time is a parameter).
#pragma once

#include <array>
#include <cstddef>

#include "core/msg/battery_alarms.hpp"
#include "core/util/time.hpp"

namespace tbgw::alerts {

struct FilterDelays {
  Millis raise_delay_ms = 0;
  Millis clear_delay_ms = 0;
};

class LevelFilter {
 public:
  // Returns the filtered level: ok, warning or alarm (never unsupported).
  msg::AlarmLevel update(msg::AlarmLevel raw, msg::AlarmLevel held, FilterDelays delays,
                         Millis now_ms);

  msg::AlarmLevel level() const { return level_; }
  void reset() { *this = LevelFilter{}; }

 private:
  msg::AlarmLevel level_ = msg::AlarmLevel::ok;
  // [0] warning, [1] alarm.
  std::array<bool, 2> entering_{};
  std::array<Millis, 2> entering_since_{};
  std::array<bool, 2> leaving_{};
  std::array<Millis, 2> leaving_since_{};
};

}  // namespace tbgw::alerts
