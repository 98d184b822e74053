// CurrentLimiter: CCL and DCL, each the minimum of its limiters, with hysteresis and a ramped
// recovery.
//
// CCL limiters, in priority order (a tie names the first):
//   hard blocks -> 0 A    no cell temperature reading; cell count mismatch (reg 53 != 307);
//                         BMS status fault (0x9B); highest cell >= reg 315 (BMS over-voltage);
//                         any sensor >= reg 319 (BMS over-heat); coldest cell sensor below
//                         reg 320 + cold margin ("cells too cold"); a cell sensor at or above
//                         reg 319 - hot margin ("cells too hot")
//   maximums              ccl_max_a (config); bms_current_fraction x reg 318
//   derating (x maximum)  highest cell voltage table; cell temperature table; SOC table (off by
//                         default)
// DCL limiters: 0 A only when discharge must really stop: lowest cell <= reg 316 (BMS
// under-voltage, until it is uv_release_mv above it), any sensor >= reg 319 (the BMS opens both
// paths), coldest cell sensor below discharge_min_temp_c. A BMS fault alone does not zero DCL:
// an off-grid Multi switches off at DCL 0 (spec §6, diyBMS #210). Then dcl_max_a,
// bms_current_fraction x reg 317, the lowest-cell table and the temperature table (neither of
// which reaches 0, validate() makes sure).
//
// Anti-flapping. Every lockout has a release threshold beyond its trip threshold (temperatures
// by temp_hysteresis_c, under-voltage by uv_release_mv). A derating factor falls at once but
// rises only when the worst factor within +-hysteresis of the input is higher than the one in
// force (DerateTable::worst_within). The output then goes through RampedLimit: drops at once,
// rises at current_recovery_pct_per_min of the maximum, one step per limit_step_interval_ms.
// restart_charge_ramp() makes CCL climb from 0 (first data, data back after a stale period).
//
// Bounds: fixed state; no allocation; time is a parameter.
#pragma once

#include "core/control/charge_params.hpp"
#include "core/control/pack_facts.hpp"
#include "core/control/ramped_limit.hpp"
#include "core/msg/charge_decision.hpp"
#include "core/util/time.hpp"

namespace tbgw::control {

class CurrentLimiter {
 public:
  struct Outcome {
    bool charge_blocked = false;  // a hard block holds CCL at 0 (the phase reports "blocked")
    float ccl_max_a = 0.0F;       // the CCL maximum before derating (for the ramp text)
  };

  // Writes ccl_a, dcl_a and their reasons into `out`; the block reason goes to `block_reason`.
  Outcome update(const PackFacts& f, const ChargeParams& p, Millis now, msg::ChargeDecision& out,
                 msg::ChargeDecision::Reason& block_reason);

  // CCL starts again from 0 A and ramps; DCL starts at its target (an artificial DCL 0 would
  // switch an off-grid Multi off).
  void restart_ramps(Millis now) {
    ccl_.reset(0.0F, now);
    dcl_.restart();
  }

 private:
  struct Factors {
    float ccl_cell = 1.0F;
    float ccl_temp = 1.0F;
    float ccl_soc = 1.0F;
    float dcl_cell = 1.0F;
    float dcl_temp = 1.0F;
  };
  struct Locks {
    bool cold = false;
    bool hot = false;
    bool over_heat = false;
    bool under_voltage = false;
    bool too_cold_to_discharge = false;
  };

  void update_locks(const PackFacts& f, const ChargeParams& p);
  float charge_target(const PackFacts& f, const ChargeParams& p, msg::ChargeDecision& out,
                      msg::ChargeDecision::Reason& block_reason, Outcome& outcome);
  float discharge_target(const PackFacts& f, const ChargeParams& p, msg::ChargeDecision& out,
                         float& dcl_max);

  Factors prev_;
  Locks locks_;
  RampedLimit ccl_;
  RampedLimit dcl_;
};

}  // namespace tbgw::control
