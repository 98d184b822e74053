// The decision's invariants: see decision_guard.hpp.
#include "core/control/decision_guard.hpp"

#include <algorithm>
#include <cmath>

#include "core/control/reason_writer.hpp"

namespace tbgw::control {
namespace {

// Half a wire step: a value below it is 0 on the wire (round to nearest).
constexpr float kHalfStepV = 0.05F;
constexpr float kHalfStepA = 0.05F;
constexpr float kStepV = 0.1F;
// Float slack for comparing values that were computed, not read off the wire.
constexpr float kSlackV = 0.005F;
constexpr float kSlackA = 0.005F;

bool finite(const msg::ChargeDecision& d) {
  return std::isfinite(d.cvl_v) && std::isfinite(d.ccl_a) && std::isfinite(d.dcl_a) &&
         std::isfinite(d.dvl_v) && std::isfinite(d.pack_v) && std::isfinite(d.cvl_ceiling_v) &&
         std::isfinite(d.ccl_ceiling_a) && std::isfinite(d.dcl_ceiling_a);
}

bool has_bounds(const msg::ChargeDecision& d) {
  return d.pack_v > 0.0F && d.cvl_ceiling_v > 0.0F && d.ccl_ceiling_a > 0.0F &&
         d.dcl_ceiling_a > 0.0F;
}

void make_invalid(msg::ChargeDecision& d, const char* why) {
  d.valid = false;
  d.phase = msg::ChargePhase::none;
  ReasonWriter(d.cvl_reason).text(why);
  ReasonWriter(d.ccl_reason).text(why);
  ReasonWriter(d.dcl_reason).text(why);
  ReasonWriter(d.phase_reason).text(why);
}

}  // namespace

const char* to_string(DecisionFault f) {
  switch (f) {
    case DecisionFault::none:
      return "none";
    case DecisionFault::not_finite:
      return "not_finite";
    case DecisionFault::negative_current:
      return "negative_current";
    case DecisionFault::cvl_zero:
      return "cvl_zero";
    case DecisionFault::dvl_zero:
      return "dvl_zero";
    case DecisionFault::bounds_missing:
      return "bounds_missing";
    case DecisionFault::cvl_above_ceiling:
      return "cvl_above_ceiling";
    case DecisionFault::ccl_above_ceiling:
      return "ccl_above_ceiling";
    case DecisionFault::dcl_above_ceiling:
      return "dcl_above_ceiling";
    case DecisionFault::cvl_above_pack_at_ccl_zero:
      return "cvl_above_pack_at_ccl_zero";
    case DecisionFault::dvl_not_below_cvl:
      return "dvl_not_below_cvl";
  }
  return "unknown";
}

float floor_to_wire_v(float volts) {
  // The small bias keeps a value that is already on a 0.1 V step (53.2 read as 53.19999) there.
  return std::floor(volts * 10.0F + 1e-3F) / 10.0F;
}

DecisionFault check_decision(const msg::ChargeDecision& d) {
  if (!d.valid) return DecisionFault::none;
  if (!finite(d)) return DecisionFault::not_finite;
  if (d.ccl_a < 0.0F || d.dcl_a < 0.0F) return DecisionFault::negative_current;
  if (d.cvl_v < kHalfStepV) return DecisionFault::cvl_zero;
  if (d.dvl_v < kHalfStepV) return DecisionFault::dvl_zero;
  if (!has_bounds(d)) return DecisionFault::bounds_missing;
  if (d.cvl_v > d.cvl_ceiling_v + kSlackV) return DecisionFault::cvl_above_ceiling;
  if (d.ccl_a > d.ccl_ceiling_a + kSlackA) return DecisionFault::ccl_above_ceiling;
  if (d.dcl_a > d.dcl_ceiling_a + kSlackA) return DecisionFault::dcl_above_ceiling;
  if (d.ccl_a < kHalfStepA && d.cvl_v > d.pack_v + kSlackV) {
    return DecisionFault::cvl_above_pack_at_ccl_zero;
  }
  if (d.dvl_v > d.cvl_v - kStepV + kSlackV) return DecisionFault::dvl_not_below_cvl;
  return DecisionFault::none;
}

bool enforce_invariants(msg::ChargeDecision& d) {
  if (!d.valid) return false;
  if (!finite(d) || !has_bounds(d)) {
    make_invalid(d, "decision without its BMS bounds: not transmitting");
    return true;
  }
  bool changed = false;
  if (d.ccl_a < kHalfStepA || d.ccl_a > d.ccl_ceiling_a) {
    const float ccl = d.ccl_a < kHalfStepA ? 0.0F : d.ccl_ceiling_a;
    if (ccl != d.ccl_a) {
      if (ccl > 0.0F) {
        ReasonWriter(d.ccl_reason)
            .text("CCL ")
            .amps(ccl)
            .text(": the BMS charge over-current cutoff");
      }
      d.ccl_a = ccl;
      changed = true;
    }
  }
  if (d.dcl_a < 0.0F || d.dcl_a > d.dcl_ceiling_a) {
    d.dcl_a = std::clamp(d.dcl_a, 0.0F, d.dcl_ceiling_a);
    ReasonWriter(d.dcl_reason)
        .text("DCL ")
        .amps(d.dcl_a)
        .text(": the BMS discharge over-current cutoff");
    changed = true;
  }
  if (d.cvl_v > d.cvl_ceiling_v) {
    d.cvl_v = d.cvl_ceiling_v;
    ReasonWriter(d.cvl_reason)
        .text("CVL ")
        .volts(d.cvl_v, 2)
        .text(": the BMS over-voltage cutoff x series cells");
    changed = true;
  }
  if (d.ccl_a == 0.0F) {
    const float pack_v = floor_to_wire_v(d.pack_v);
    if (d.cvl_v > pack_v) {
      d.cvl_v = pack_v;
      ReasonWriter(d.cvl_reason)
          .text("CVL held at ")
          .volts(pack_v, 1)
          .text(" (pack voltage) while CCL is 0");
      changed = true;
    }
  }
  if (d.cvl_v < kStepV * 2.0F) {  // no DVL would fit below it
    make_invalid(d, "pack voltage implausible: not transmitting");
    return true;
  }
  const float dvl_max = floor_to_wire_v(d.cvl_v) - kStepV;
  if (d.dvl_v > dvl_max) {
    d.dvl_v = std::max(dvl_max, kStepV);
    changed = true;
  }
  if (d.dvl_v < kStepV) {
    d.dvl_v = kStepV;
    changed = true;
  }
  return changed;
}

}  // namespace tbgw::control
