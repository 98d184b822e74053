// VoltageLimiter: CVL and DVL.
//
// CVL is the minimum of (offered in this order, a tie names the first):
//   hold      while charging is blocked (cold, BMS fault, ...): the pack voltage when the block
//             began, following the pack voltage down while no discharge current flows. CCL 0 is
//             not enough on its own: with ESS "feed-in excess DC-PV" the GX runs the MPPTs at
//             full power and enforces only CVL (spec §2 0x351, §5.1).
//   phase     n x absorption_cell_mv in bulk and absorption, n x float_cell_mv in float; on the
//             way down to float it moves at float_transition_cell_mv_per_min so the GX does not
//             discharge the pack to catch up with a 1.2 V step.
//   cell loop pack voltage + n x (cell target - highest cell), cell target = min(
//             max_cell_target_mv, reg 315 - ovp_margin_mv). It equals
//             n x (target - (highest - mean cell)): the voltage at which the highest cell would
//             reach its target if every cell rose alike. The highest cell of an imbalanced pack
//             rises faster than the rest near full, so the real highest cell stays at or below
//             the target; when it is above, CVL drops below the pack voltage and charging stops.
//             A load sag moves every cell alike and so does not move it. Floored at
//             n x cvl_floor_cell_mv so a bad reading cannot make the GX discharge the pack deep
//             (Victron's Pylontech quirk runs the same estimate, spec §5.5).
//   cap       n x (reg 315 - ovp_margin_mv).
// The result goes through a RampedLimit: it rises at most cvl_rise_cell_mv_per_min x n, one step
// per limit_step_interval_ms, and falls at most cvl_fall_cell_mv_per_min x n while every cell is
// below its target; once a cell is at or above it, or the hold or the cap binds, it falls at
// once. The cell loop needs no other filter: it moves only as fast as the cells do.
//
// DVL = n x max(dvl_cell_mv, reg 316 + dvl_margin_above_uv_mv): sane and never 0 (spec §2).
//
// Bounds: fixed state; no allocation; time is a parameter.
#pragma once

#include "core/control/charge_params.hpp"
#include "core/control/pack_facts.hpp"
#include "core/control/ramped_limit.hpp"
#include "core/msg/charge_decision.hpp"
#include "core/util/time.hpp"

namespace tbgw::control {

class VoltageLimiter {
 public:
  // Writes cvl_v, dvl_v and cvl_reason. `phase` is the charge phase (bulk, absorption, float).
  void update(const PackFacts& f, msg::ChargePhase phase, bool blocked, const ChargeParams& p,
              Millis now, msg::ChargeDecision& out);

  bool started() const { return out_.started(); }
  float cvl_v() const { return out_.value(); }
  // The effective cell target of the loop (mV).
  static float cell_target_mv(const PackFacts& f, const ChargeParams& p);

 private:
  RampedLimit out_;
  bool phase_started_ = false;
  float phase_v_ = 0.0F;
  Millis phase_ms_ = 0;
  bool held_ = false;
  float hold_v_ = 0.0F;
};

}  // namespace tbgw::control
