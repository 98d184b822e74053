// ChargeController: the charge-limit engine. BMS snapshots, BMS settings and time in; the
// ChargeDecision (CVL, CCL, DCL, DVL, phase, and a reason for each) out.
//
// Theory of operation. A plain class (style anchor 3); the app feeds it and publishes what it
// returns:
//   update(snapshot, settings, now)  on every new snapshot: computes a fresh decision
//   on_link(link_state, now)         on every poller LinkState
//   tick(now)                        on every CAN cycle (1 s): the decision to send now, with
//                                    the stale-data policy applied
// Every update derives the charge profile from the BMS settings it is given
// (charge_profile.hpp: the chemistry, absorption, float, the derating knees ...) and decides
// with it, so the decision follows the pack the TinyBMS protects and a settings change takes
// effect at the next snapshot. Each limit is the minimum of its limiters and its reason names
// the binding one (current_limiter.hpp, voltage_limiter.hpp); the phase comes from
// phase_machine.hpp and reads "blocked" while a hard block holds CCL at 0. Pack voltages are
// always n x a per-cell value, n = reg 307. Every decision it returns, fresh, repeated or held,
// has been through enforce_invariants() (decision_guard.hpp): CCL 0 means CVL at or below the
// pack voltage, CVL never above n x reg 315, CCL/DCL never above reg 318/317, DVL below CVL,
// neither ever 0.
//
// Validity. `valid` is false (transmit nothing that claims to be a limit):
//   - before the first snapshot that can carry a decision (settings read and plausible, see
//     pack_facts.hpp), and while the parameters fail validate();
//   - when the data is stale and the policy says so (below).
//
// Stale BMS data. Data is stale when the last good snapshot is older than stale_timeout_ms, or
// at once when the poller reports the link lost. Then:
//   stop_transmitting (default)  valid = false. The CAN output stops sending 0x351, and the GX
//       stops charging and discharging 3 s later by its own rule (spec §3) and raises "BMS
//       connection lost" (MPPT error #67). This is Victron's own default: nothing is sent that
//       the gateway is not sure of.
//   hold_safe  only if every cell was within hold_min_cell_mv..hold_max_cell_mv (3.25-3.35 V:
//       the middle of the LiFePO4 plateau, far from both cutoffs) at the last good data: CCL 0,
//       CVL held at the last pack voltage (so MPPTs in feed-in mode do not charge either), DCL
//       and DVL kept, phase "blocked", until hold_max_ms after the last good data; then
//       valid = false. Outside that window, or with cells that were not mid-range, it behaves
//       as stop_transmitting. The BMS's own protection keeps working meanwhile; the hold only
//       keeps an off-grid site powered through a UART glitch (dbus-serialbattery's
//       BLOCK_ON_DISCONNECT=False, spec §5.2).
// When fresh data returns, the decision is valid again at once; CCL climbs from 0 at the
// recovery rate, DCL starts at its target, CVL continues from where it was (it only falls at
// once and rises slowly).
//
// Bounds: fixed-size state, no allocation, no clock reads. Single-threaded.
#pragma once

#include "core/control/charge_params.hpp"
#include "core/control/charge_profile.hpp"
#include "core/control/current_limiter.hpp"
#include "core/control/pack_facts.hpp"
#include "core/control/phase_machine.hpp"
#include "core/control/voltage_limiter.hpp"
#include "core/msg/battery_snapshot.hpp"
#include "core/msg/charge_decision.hpp"
#include "core/msg/link_state.hpp"
#include "core/tinybms/bms_settings.hpp"
#include "core/util/time.hpp"

namespace tbgw::control {

class ChargeController {
 public:
  explicit ChargeController(const ChargeParams& params = {});

  // New parameters take effect at the next update(); invalid ones make every decision invalid.
  void set_params(const ChargeParams& params);
  const ChargeParams& params() const { return params_; }
  const ParamCheck& param_check() const { return check_; }
  // The profile of the last update that could decide (valid = false before it).
  const ChargeProfile& profile() const { return profile_; }

  msg::ChargeDecision update(const msg::BatterySnapshot& snapshot,
                             const tinybms::BmsSettings& settings, Millis now);
  void on_link(const msg::LinkState& link, Millis now);
  msg::ChargeDecision tick(Millis now) const;
  // True while the data behind the decision is stale (tick() applies the stale policy).
  bool is_stale(Millis now) const { return have_data_ && stale(now); }

  // The underlying charge phase (bulk / absorption / float) even while "blocked".
  msg::ChargePhase charge_phase() const { return phases_.phase(); }

 private:
  bool stale(Millis now) const;
  msg::ChargeDecision invalid(Millis now, const msg::ChargeDecision::Reason& why) const;
  msg::ChargeDecision stale_decision(Millis now) const;

  ChargeParams params_;
  ParamCheck check_;
  ChargeProfile profile_;
  msg::ChargeDecision::Reason params_reason_{};

  CurrentLimiter current_;
  VoltageLimiter voltage_;
  PhaseMachine phases_;

  bool have_data_ = false;
  Millis last_good_ms_ = 0;
  PackFacts last_facts_{};
  msg::ChargeDecision last_good_{};
  msg::ChargeDecision::Reason no_data_reason_{};
  bool link_lost_ = false;
};

}  // namespace tbgw::control
