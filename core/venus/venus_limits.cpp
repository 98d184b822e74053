// VenusLimits (venus_limits.hpp): the publish gate of the DVCC limits.
#include "core/venus/venus_limits.hpp"

#include <algorithm>

#include "core/control/decision_guard.hpp"

namespace tbgw::venus {

float VenusLimits::step(Gate& g, float target, float deadband, Millis now_ms, bool ramp) {
  if (target < g.value) {
    g.value = target;
    g.changed_ms = now_ms;
  } else if (target > g.value + deadband && now_ms - g.changed_ms >= options_.rise_interval_ms) {
    // A quarter of the target per step, at least the deadband, never past the target.
    const float max_rise = ramp ? std::max(target * 0.25F, deadband) : target - g.value;
    g.value = std::min(target, g.value + max_rise);
    g.changed_ms = now_ms;
  }
  return g.value;
}

PublishedLimits VenusLimits::guarded(float cvl_v, float ccl_a, float dcl_a, float dvl_v) const {
  msg::ChargeDecision d = last_;
  d.cvl_v = cvl_v;
  d.ccl_a = ccl_a;
  d.dcl_a = dcl_a;
  d.dvl_v = dvl_v;
  control::enforce_invariants(d);
  if (!d.valid) return {};
  return {true, d.cvl_v, d.ccl_a, d.dcl_a, d.dvl_v};
}

PublishedLimits VenusLimits::update(const msg::ChargeDecision& d, bool stale, Millis now_ms) {
  if (!stale && d.valid) {
    last_ = d;
    if (!ever_valid_) {
      // First decision: published as it is (it already starts conservative).
      ever_valid_ = true;
      cvl_ = {d.cvl_v, now_ms};
      ccl_ = {d.ccl_a, now_ms};
      dcl_ = {d.dcl_a, now_ms};
      dvl_ = {d.dvl_v, now_ms};
    } else if (!out_.valid) {
      // Back from hand-back: voltages as decided, currents ramp up from 0.
      cvl_ = {d.cvl_v, now_ms};
      dvl_ = {d.dvl_v, now_ms};
      ccl_ = {0.0F, now_ms};
      dcl_ = {0.0F, now_ms};
    } else {
      // Voltages follow without a ramp (the decision ramps CVL itself); currents ramp.
      step(cvl_, d.cvl_v, options_.deadband_v, now_ms, false);
      step(dvl_, d.dvl_v, options_.deadband_v, now_ms, false);
      step(ccl_, d.ccl_a, options_.deadband_a, now_ms, true);
      step(dcl_, d.dcl_a, options_.deadband_a, now_ms, true);
    }
    out_ = guarded(cvl_.value, ccl_.value, dcl_.value, dvl_.value);
    return out_;
  }
  // Stale, or no valid decision (the CAN policy withdrew it).
  if (!ever_valid_ || options_.hand_back_when_stale) {
    out_ = {};
    return out_;
  }
  ccl_ = {0.0F, now_ms};
  dcl_ = {0.0F, now_ms};
  out_ = guarded(cvl_.value, 0.0F, 0.0F, dvl_.value);
  // The held CVL is what the chargers were last told: it only falls while stale.
  if (out_.valid) cvl_.value = std::min(cvl_.value, out_.cvl_v);
  return out_;
}

}  // namespace tbgw::venus
