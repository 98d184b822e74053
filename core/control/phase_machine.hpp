// PhaseMachine: bulk -> absorption -> float, and back to bulk.
//
//   start       bulk, or float when the BMS already reports "fully charged" (0x92)
//   bulk        -> absorption when the pack voltage is within n x absorption_entry_window of
//                  the CVL in force (the charger has reached its voltage; with an imbalanced
//                  pack that CVL is the cell-driven one, so "the highest cell is at its target"
//                  also starts absorption); -> float when the BMS reports fully charged
//   absorption  -> float when absorption_max_ms have been spent in it (time while charging is
//                  blocked does not count), or when the current stayed at or below the tail
//                  current (tail_current_c x reg 306) for tail_hold_ms at the CVL, or when the
//                  BMS reports fully charged
//   float       -> bulk when the SOC is below rebulk_soc_pct or the lowest cell below
//                  rebulk_min_cell_mv, continuously for rebulk_hold_ms
// While charging is blocked the machine keeps its phase (the controller reports "blocked"), so
// a cold night does not cost a new absorption in the morning. Gaps between updates count for at
// most stale_timeout_ms (the controller stops updating while the data is stale).
//
// Bounds: a few timers; no allocation; time is a parameter.
#pragma once

#include <cstdint>

#include "core/control/charge_params.hpp"
#include "core/control/pack_facts.hpp"
#include "core/msg/charge_decision.hpp"
#include "core/util/time.hpp"

namespace tbgw::control {

class PhaseMachine {
 public:
  // Why the current phase was entered (for the reason text).
  enum class Entry : std::uint8_t { start, bms_full, voltage, timer, tail, soc_low, cell_low };

  void start(const PackFacts& f, Millis now);
  bool started() const { return started_; }
  // `cvl_v` is the CVL in force (the last one sent).
  void update(const PackFacts& f, float cvl_v, bool blocked, const ChargeParams& p, Millis now);

  msg::ChargePhase phase() const { return phase_; }
  Entry entry() const { return entry_; }
  Millis in_phase_ms(Millis now) const { return now - entered_ms_; }
  Millis absorption_ms() const { return absorption_ms_; }
  float target_cell_mv(const ChargeParams& p) const {
    return phase_ == msg::ChargePhase::float_ ? p.float_cell_mv : p.absorption_cell_mv;
  }

  // "absorption for 12 min of 60 min (...)".
  void describe(const PackFacts& f, const ChargeParams& p, Millis now,
                msg::ChargeDecision::Reason& out) const;

 private:
  void enter(msg::ChargePhase phase, Entry entry, Millis now);

  bool started_ = false;
  msg::ChargePhase phase_ = msg::ChargePhase::bulk;
  Entry entry_ = Entry::start;
  Millis entered_ms_ = 0;
  Millis last_ms_ = 0;
  Millis absorption_ms_ = 0;
  Millis tail_ms_ = 0;    // time the tail condition has held
  Millis rebulk_ms_ = 0;  // time a re-bulk condition has held
};

}  // namespace tbgw::control
