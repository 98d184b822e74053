// The charge decision's invariants, in one place: the controller applies them to every decision
// it returns (enforce_invariants), the bus refuses a decision that breaks them (check_decision,
// the channel's validator), and the D-Bus publish gate runs its output through the same
// function, so CAN, D-Bus and MQTT cannot differ.
//
// For every valid decision (values as the wire carries them, 0.1 V and 0.1 A):
//   1. every value finite; CCL and DCL >= 0; CVL and DVL never 0 on the wire (DESIGN rule 5);
//   2. CVL <= series cells x reg 315 (the BMS's over-voltage cutoff);
//   3. CCL <= reg 318 and DCL <= reg 317 (the BMS's own over-current cutoffs);
//   4. CCL 0, whatever the reason (a hard block, a derating table, the stale hold, a ramp
//      starting from 0, an owner's switch), means CVL at or below the pack voltage. With ESS
//      "feed-in excess DC-coupled PV" DVCC runs the MPPTs at full power and enforces only CVL
//      (spec/victron-can-bms.md §2 0x351, §5.1): CCL 0 alone does not stop charging;
//   5. DVL below CVL (at least one wire step).
// enforce_invariants() makes them hold: CVL is cut to the ceiling and, while CCL is 0, to the
// pack voltage rounded down to 0.1 V; currents are cut to their ceilings (a CCL that would read
// 0.0 A on the wire becomes exactly 0); DVL is lowered below CVL. It rewrites the reason of a
// value it changed. A decision without its bounds, or whose CVL would be 0, becomes invalid:
// nothing is sent that the gateway cannot vouch for.
//
// Bounds: pure functions over one fixed-size value.
#pragma once

#include <cstdint>

#include "core/msg/charge_decision.hpp"

namespace tbgw::control {

enum class DecisionFault : std::uint8_t {
  none = 0,
  not_finite = 1,
  negative_current = 2,
  cvl_zero = 3,
  dvl_zero = 4,
  bounds_missing = 5,
  cvl_above_ceiling = 6,
  ccl_above_ceiling = 7,
  dcl_above_ceiling = 8,
  cvl_above_pack_at_ccl_zero = 9,
  dvl_not_below_cvl = 10,
};
const char* to_string(DecisionFault f);

// `none` for an invalid decision (it claims nothing) and for a valid one that keeps every rule.
DecisionFault check_decision(const msg::ChargeDecision& d);

// Makes a valid decision keep every rule; returns true when it changed anything.
bool enforce_invariants(msg::ChargeDecision& d);

// The pack voltage rounded down to the 0.1 V the wire carries (never above the pack).
float floor_to_wire_v(float volts);

}  // namespace tbgw::control
