// VenusLimits: what the D-Bus service publishes on /Info/MaxChargeVoltage, MaxChargeCurrent,
// MaxDischargeCurrent and BatteryLowVoltage, from the one charge decision (the same as CAN 0x351).
//
// Theory of operation. The decision is already ramped (control::RampedLimit), but DVCC reads the
// D-Bus values once a second and writes the Multi every 3 s, and the Python drivers show what a
// Multi does with limits that move every second: it "cannot keep up" and pumps near CVL
// (spec §6). So this stage only ever makes the published limits calmer:
//   - a lower limit is published at once (safety first: a cut is never delayed);
//   - a higher limit is published only when it exceeds the published one by more than the
//     deadband (hysteresis) and at least `rise_interval_ms` after the last change of that limit,
//     and then by at most a quarter of the target per step, so a recovery from 0 A climbs in
//     four steps (2 min at the default 30 s) instead of jumping to full current.
// Stale data (systemcalc has no timeout and would keep the last limits forever):
//   - hand_back = false (default): CCL = DCL = 0, CVL = min(last CVL, last pack voltage) and
//     BatteryLowVoltage kept, all valid, so the battery stays the selected BMS (an invalid CVL
//     makes DVCC drop it and the chargers fall back to their own settings). CCL 0 alone does not
//     stop MPPTs when ESS feeds in excess DC-coupled PV: only a CVL at the pack voltage does
//     (spec/victron-can-bms.md §5.1); the recovery then ramps up from 0 as above;
//   - hand_back = true: every /Info value invalid; DVCC de-selects the BMS and the chargers fall
//     back to their own settings (documented in docs/venus-os.md as the riskier choice).
// Before the first valid decision everything is invalid: the service is not a BMS yet.
// Whatever the gates hold, what is published goes through control::enforce_invariants (the
// decision's own rules, decision_guard.hpp): a CCL still 0 while the decision's CCL ramps up
// keeps CVL at the pack voltage, as on CAN.
//
// Bounds: a few numbers of state; no allocation; time is a parameter.
#pragma once

#include "core/msg/charge_decision.hpp"
#include "core/util/time.hpp"

namespace tbgw::venus {

struct LimitOptions {
  Millis rise_interval_ms = 30'000;
  bool hand_back_when_stale = false;
  float deadband_v = 0.05F;
  float deadband_a = 1.0F;
};

struct PublishedLimits {
  bool valid = false;  // false: all four are published invalid
  float cvl_v = 0.0F;
  float ccl_a = 0.0F;
  float dcl_a = 0.0F;
  float dvl_v = 0.0F;
};

class VenusLimits {
 public:
  explicit VenusLimits(const LimitOptions& options = {}) : options_(options) {}
  void set_options(const LimitOptions& options) { options_ = options; }

  // `decision` may be invalid; `stale` is the D-Bus face's own judgement (BMS data too old or
  // the link lost). Returns what to publish now.
  PublishedLimits update(const msg::ChargeDecision& decision, bool stale, Millis now_ms);

  const PublishedLimits& published() const { return out_; }

 private:
  struct Gate {
    float value = 0.0F;
    Millis changed_ms = 0;
  };
  float step(Gate& g, float target, float deadband, Millis now_ms, bool ramp);

  // The last valid decision: its pack voltage and BMS bounds, for the guard while stale.
  msg::ChargeDecision last_{};
  PublishedLimits guarded(float cvl_v, float ccl_a, float dcl_a, float dvl_v) const;

  LimitOptions options_;
  PublishedLimits out_;
  bool ever_valid_ = false;
  Gate cvl_, ccl_, dcl_, dvl_;
};

}  // namespace tbgw::venus
