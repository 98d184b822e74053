// VoltageLimiter: see voltage_limiter.hpp.
#include "core/control/voltage_limiter.hpp"

#include <algorithm>

#include "core/control/limit_choice.hpp"

namespace tbgw::control {
namespace {

// Below this discharge current the pack voltage is close enough to rest for the hold to follow.
constexpr float kRestCurrentA = 1.0F;
// A ramp is named in the reason only when it is at least half the 0.1 V wire resolution away.
constexpr float kVisibleV = 0.05F;

}  // namespace

float VoltageLimiter::cell_target_mv(const PackFacts& f, const ChargeParams& p) {
  return std::min(p.max_cell_target_mv, f.ovp_cell_mv - p.ovp_margin_mv);
}

void VoltageLimiter::update(const PackFacts& f, msg::ChargePhase phase, bool blocked,
                            const ChargeParams& p, Millis now, msg::ChargeDecision& out) {
  const float dvl_cell_mv = std::max(p.dvl_cell_mv, f.uv_cell_mv + p.dvl_margin_above_uv_mv);
  out.dvl_v = f.pack(dvl_cell_mv);

  const float cap_v = f.pack(f.ovp_cell_mv - p.ovp_margin_mv);
  const float target_mv = cell_target_mv(f, p);
  const float cell_loop_v = std::max(f.pack_v + f.pack(target_mv - f.max_cell_mv),
                                     std::min(f.pack(p.cvl_floor_cell_mv), cap_v));

  const bool floating = phase == msg::ChargePhase::float_;
  const float phase_cell_mv = floating ? p.float_cell_mv : p.absorption_cell_mv;
  const float phase_target_v = f.pack(phase_cell_mv);
  if (!phase_started_ || phase_target_v >= phase_v_) {
    phase_v_ = phase_target_v;
  } else {
    const float minutes = static_cast<float>(std::max<Millis>(now - phase_ms_, 0)) / 60'000.0F;
    phase_v_ =
        std::max(phase_target_v, phase_v_ - f.pack(p.float_transition_cell_mv_per_min) * minutes);
  }
  phase_started_ = true;
  phase_ms_ = now;

  if (blocked) {
    const float in_force_v = out_.started() ? out_.value() : cap_v;
    const float at_rest_v = std::max(f.pack_v, out.dvl_v);
    if (!held_) {
      hold_v_ = std::min(in_force_v, at_rest_v);
      held_ = true;
    } else if (f.current_a > -kRestCurrentA) {
      hold_v_ = std::min(hold_v_, at_rest_v);
    }
  } else {
    held_ = false;
  }

  LimitChoice cvl(out.cvl_reason);
  if (held_) {
    cvl.offer(hold_v_, [&](ReasonWriter& w) {
      w.text("CVL held at ").volts(hold_v_, 2).text(" (pack voltage) while charging is blocked");
    });
  }
  cvl.offer(phase_v_, [&](ReasonWriter& w) {
    if (phase_v_ > phase_target_v) {
      w.text("CVL ").volts(phase_v_, 2).text(" moving to float ").volts(phase_target_v, 2);
      w.text(" at ").volts(f.pack(p.float_transition_cell_mv_per_min), 2).text("/min");
    } else {
      w.text("CVL ").volts(phase_v_, 2).text(": ").text(floating ? "float " : "absorption ");
      w.cell_volts(phase_cell_mv).text("/cell x ").integer(f.series_cells);
    }
  });
  cvl.offer(cell_loop_v, [&](ReasonWriter& w) {
    w.text("CVL limited by cell ").integer(f.max_cell).text(" at ").cell_volts(f.max_cell_mv);
    w.text(" (target ").cell_volts(target_mv).text(")");
  });
  cvl.offer(cap_v, [&](ReasonWriter& w) {
    w.text("CVL ").volts(cap_v, 2).text(": BMS over-voltage cutoff ").cell_volts(f.ovp_cell_mv);
    w.text(" - ").cell_volts(p.ovp_margin_mv).text(", x ").integer(f.series_cells);
  });

  // Falls are rate-limited only while no cell is at its target and no hard limiter binds.
  const bool urgent = f.max_cell_mv >= target_mv || held_ || cvl.value() >= cap_v;
  const RampedLimit::Rates rates{f.pack(p.cvl_rise_cell_mv_per_min),
                                 urgent ? 0.0F : f.pack(p.cvl_fall_cell_mv_per_min),
                                 p.limit_step_interval_ms};
  out.cvl_v = out_.update(cvl.value(), rates, now);
  if (out.cvl_v > cvl.value() + kVisibleV) {
    ReasonWriter(out.cvl_reason)
        .text("CVL falling to ")
        .volts(cvl.value(), 2)
        .text(" at ")
        .volts(rates.fall_per_min, 2)
        .text("/min");
  } else if (out.cvl_v < cvl.value() - kVisibleV) {
    ReasonWriter(out.cvl_reason)
        .text("CVL rising to ")
        .volts(cvl.value(), 2)
        .text(" at ")
        .volts(rates.rise_per_min, 2)
        .text("/min");
  }
}

}  // namespace tbgw::control
