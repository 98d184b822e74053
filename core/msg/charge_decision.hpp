// ChargeDecision: what the charge-control engine (core/control) decided, with its reasons.
//
// The single decision every transport sends: CAN 0x351, MQTT (Venus JSON), D-Bus /Info/*. `valid`
// is false until the first valid snapshot and whenever the stale-data policy says nothing must be
// sent. Reasons are short human sentences with units ("CCL limited by cell 7 at 3.52 V", "float
// since 14:02"), fixed size so the message stays trivially copyable.
#pragma once

#include <array>
#include <cstdint>
#include <type_traits>

#include "core/util/time.hpp"

namespace tbgw::msg {

enum class ChargePhase : std::uint8_t {
  none = 0,        // no decision yet (no valid data)
  bulk = 1,        // constant current towards the absorption voltage
  absorption = 2,  // held at the absorption voltage until the timer / tail current ends it
  float_ = 3,      // reduced voltage after absorption
  blocked = 4,     // charging not allowed (cold, BMS cutoff, stale-data hold)
};

struct ChargeDecision {
  static constexpr std::size_t kReasonLength = 96;
  using Reason = std::array<char, kReasonLength>;  // NUL-terminated

  Millis stamp_ms = 0;
  bool valid = false;  // false: transmit nothing that claims to be a limit

  float cvl_v = 0.0F;  // charge voltage limit (never 0 when valid)
  float ccl_a = 0.0F;  // charge current limit (>= 0)
  float dcl_a = 0.0F;  // discharge current limit (>= 0)
  float dvl_v = 0.0F;  // discharge voltage limit (never 0 when valid)
  ChargePhase phase = ChargePhase::none;

  // What the invariants are checked against (core/control/decision_guard.hpp), set with every
  // valid decision: the pack voltage it was made for and the BMS's own bounds.
  float pack_v = 0.0F;         // pack voltage of the snapshot behind the decision
  float cvl_ceiling_v = 0.0F;  // series cells x reg 315 (over-voltage cutoff)
  float ccl_ceiling_a = 0.0F;  // reg 318 (charge over-current cutoff)
  float dcl_ceiling_a = 0.0F;  // reg 317 (discharge over-current cutoff)

  Reason cvl_reason{};
  Reason ccl_reason{};
  Reason dcl_reason{};
  Reason phase_reason{};
};

static_assert(std::is_trivially_copyable_v<ChargeDecision>);

}  // namespace tbgw::msg
