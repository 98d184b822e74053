// PhaseMachine: see phase_machine.hpp.
#include "core/control/phase_machine.hpp"

#include <algorithm>

#include "core/control/reason_writer.hpp"

namespace tbgw::control {
namespace {

const char* entry_text(PhaseMachine::Entry e) {
  switch (e) {
    case PhaseMachine::Entry::start:
      return "since start";
    case PhaseMachine::Entry::bms_full:
      return "BMS reported fully charged";
    case PhaseMachine::Entry::voltage:
      return "charge voltage reached";
    case PhaseMachine::Entry::timer:
      return "absorption time over";
    case PhaseMachine::Entry::tail:
      return "tail current reached";
    case PhaseMachine::Entry::soc_low:
      return "SOC fell below the re-bulk level";
    case PhaseMachine::Entry::cell_low:
      return "a cell fell below the re-bulk voltage";
  }
  return "";
}

}  // namespace

void PhaseMachine::start(const PackFacts& f, Millis now) {
  started_ = true;
  last_ms_ = now;
  if (f.bms_full) {
    enter(msg::ChargePhase::float_, Entry::bms_full, now);
  } else {
    enter(msg::ChargePhase::bulk, Entry::start, now);
  }
}

void PhaseMachine::enter(msg::ChargePhase phase, Entry entry, Millis now) {
  phase_ = phase;
  entry_ = entry;
  entered_ms_ = now;
  absorption_ms_ = 0;
  tail_ms_ = 0;
  rebulk_ms_ = 0;
}

void PhaseMachine::update(const PackFacts& f, float cvl_v, bool blocked, const ChargeParams& p,
                          Millis now) {
  if (!started_) start(f, now);
  const Millis dt = std::clamp<Millis>(now - last_ms_, 0, p.stale_timeout_ms);
  last_ms_ = now;
  const bool at_voltage = f.pack_v >= cvl_v - f.pack(p.absorption_entry_window_cell_mv);
  switch (phase_) {
    case msg::ChargePhase::bulk:
      if (f.bms_full) {
        enter(msg::ChargePhase::float_, Entry::bms_full, now);
      } else if (!blocked && at_voltage) {
        enter(msg::ChargePhase::absorption, Entry::voltage, now);
      }
      break;
    case msg::ChargePhase::absorption: {
      if (!blocked) absorption_ms_ += dt;
      const float tail_a = p.tail_current_c * f.capacity_ah;
      const bool tail = !blocked && at_voltage && f.current_a <= tail_a;
      tail_ms_ = tail ? tail_ms_ + dt : 0;
      if (f.bms_full) {
        enter(msg::ChargePhase::float_, Entry::bms_full, now);
      } else if (absorption_ms_ >= p.absorption_max_ms) {
        enter(msg::ChargePhase::float_, Entry::timer, now);
      } else if (tail && tail_ms_ >= p.tail_hold_ms) {
        enter(msg::ChargePhase::float_, Entry::tail, now);
      }
      break;
    }
    case msg::ChargePhase::float_: {
      const bool soc_low = f.soc_pct < p.rebulk_soc_pct;
      const bool cell_low = f.min_cell_mv < p.rebulk_min_cell_mv;
      rebulk_ms_ = (soc_low || cell_low) ? rebulk_ms_ + dt : 0;
      if ((soc_low || cell_low) && rebulk_ms_ >= p.rebulk_hold_ms) {
        enter(msg::ChargePhase::bulk, soc_low ? Entry::soc_low : Entry::cell_low, now);
      }
      break;
    }
    case msg::ChargePhase::none:
    case msg::ChargePhase::blocked:
      enter(msg::ChargePhase::bulk, Entry::start, now);
      break;
  }
}

void PhaseMachine::describe(const PackFacts& f, const ChargeParams& p, Millis now,
                            msg::ChargeDecision::Reason& out) const {
  ReasonWriter w(out);
  switch (phase_) {
    case msg::ChargePhase::bulk:
      w.text("bulk for ").duration(in_phase_ms(now)).text(" (").text(entry_text(entry_));
      w.text("); absorption at ").volts(f.pack(p.absorption_cell_mv));
      return;
    case msg::ChargePhase::absorption:
      w.text("absorption for ").duration(absorption_ms_).text(" of ");
      w.duration(p.absorption_max_ms).text("; ends earlier at ");
      w.amps(p.tail_current_c * f.capacity_ah).text(" tail for ").duration(p.tail_hold_ms);
      return;
    case msg::ChargePhase::float_:
      w.text("float for ").duration(in_phase_ms(now)).text(" (").text(entry_text(entry_));
      w.text("); re-bulk below ").percent(p.rebulk_soc_pct).text(" SOC or ");
      w.cell_volts(p.rebulk_min_cell_mv);
      return;
    case msg::ChargePhase::none:
    case msg::ChargePhase::blocked:
      w.text("no phase");
      return;
  }
}

}  // namespace tbgw::control
