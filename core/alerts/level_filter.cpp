// LevelFilter: see level_filter.hpp.
#include "core/alerts/level_filter.hpp"

namespace tbgw::alerts {

msg::AlarmLevel LevelFilter::update(msg::AlarmLevel raw, msg::AlarmLevel held, FilterDelays delays,
                                    Millis now_ms) {
  using Level = msg::AlarmLevel;
  Level next = Level::ok;
  for (const Level l : {Level::warning, Level::alarm}) {
    const std::size_t slot = l == Level::alarm ? 1 : 0;
    // Rising: raw must have reached the level for raise_delay_ms.
    if (raw >= l) {
      if (!entering_[slot]) {
        entering_[slot] = true;
        entering_since_[slot] = now_ms;
      }
    } else {
      entering_[slot] = false;
    }
    const bool rises = raw >= l && now_ms - entering_since_[slot] >= delays.raise_delay_ms;
    // Falling: held must have been below the level for clear_delay_ms. The timer restarts
    // whenever the value comes back inside the band.
    if (held >= l) {
      leaving_[slot] = false;
    } else if (!leaving_[slot]) {
      leaving_[slot] = true;
      leaving_since_[slot] = now_ms;
    }
    const bool still_held = held >= l || now_ms - leaving_since_[slot] < delays.clear_delay_ms;
    if (rises || (level_ >= l && still_held)) next = l;
  }
  level_ = next;
  return level_;
}

}  // namespace tbgw::alerts
