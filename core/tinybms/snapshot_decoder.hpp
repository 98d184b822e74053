// decode_snapshot: the live registers in a RegisterBank -> one validated msg::BatterySnapshot.
//
// Theory of operation. The poller reads kLiveRegisters (planned by block_plan), stores the
// replies in its RegisterBank and, once every block of the refresh has arrived, calls
// decode_snapshot. The decoder scales every value exactly once (spec "Register map") and refuses
// the whole snapshot rather than publish a value it cannot vouch for: a required register that
// is not in the bank, a pack voltage or current that is not a finite, physically possible
// number, or an SOC above 100 %. The consumers' stale-data policy then applies, as for a lost
// link (DESIGN rule 5: never invent data).
//
// Cell mapping (user manual 2.3.1, confirmed by the real 14S capture): with N series cells the
// pack's cells sit on the top channels; pack cell n (1 = most negative) is on channel 16-N+n,
// i.e. register 16-N+n-1. The balancing bits of registers 51/52 are mapped the same way. N is
// the detected count (reg 53) when it is in 4..16; it is cross-checked with the configured
// count (reg 307, passed in by the caller because it comes from the settings read): a
// disagreement raises `cell_count_mismatch` (the owner must see it), and when reg 53 is out of
// range the configured count is used and the flag raised. With neither, nothing is decoded.
//
// Plausibility bounds (chosen, documented, tested):
//   pack voltage  finite, 0 <= V <= N x kMaxPlausibleCellV (5.0 V: above the highest settable
//                 cutoff of 4.5 V/cell, so a real pack never trips it; a garbled float does);
//                 N = 16 while cell_count_mismatch is raised, as N itself is then in doubt
//   pack current  finite, |I| <= kMaxPlausibleCurrentA (2000 A: the settable over-current
//                 cutoffs end at 750 A)
//   SOC           raw <= 100.5 % (kSocMarginPct); values in (100, 100.5] are clamped to 100 %
//   SOH           used only when the firmware has it (DecodeOptions::has_soh) and raw <= 50000
//   temperatures  -32768 = sensor absent; any other value outside [-60, 150] degC also marks
//                 the sensor absent (an open or shorted NTC), never an error for the pack
//
// Bounds: pure function, no allocation, no clock (`now` is the arrival time of the last block).
#pragma once

#include <array>
#include <cstdint>

#include "core/msg/battery_snapshot.hpp"
#include "core/tinybms/register_bank.hpp"
#include "core/tinybms/registers.hpp"
#include "core/util/result.hpp"
#include "core/util/time.hpp"

namespace tbgw::tinybms {

enum class SnapshotError : std::uint8_t {
  missing_register = 1,          // a required register is not valid in the bank
  cell_count_unknown = 2,        // reg 53 outside 4..16 and no valid configured count
  implausible_pack_voltage = 3,  // NaN, infinite, negative or above N x 5 V
  implausible_pack_current = 4,  // NaN, infinite or above 2000 A either way
  implausible_soc = 5,           // above 100.5 %
  stale_register = 6,            // older than DecodeOptions::max_age_ms
};

constexpr const char* to_string(SnapshotError e) {
  switch (e) {
    case SnapshotError::missing_register:
      return "missing_register";
    case SnapshotError::cell_count_unknown:
      return "cell_count_unknown";
    case SnapshotError::implausible_pack_voltage:
      return "implausible_pack_voltage";
    case SnapshotError::implausible_pack_current:
      return "implausible_pack_current";
    case SnapshotError::implausible_soc:
      return "implausible_soc";
    case SnapshotError::stale_register:
      return "stale_register";
  }
  return "unknown";
}

// The error and the register at fault (for cell_count_unknown: 53).
using SnapshotFailure = RegisterFault<SnapshotError>;

struct DecodeOptions {
  // The firmware implements register 45 (Rev D). Older firmware may read 0 or garbage there.
  bool has_soh = false;
  // When > 0, every required register must have been stored within this many ms before `now`
  // (no mixing of a fresh pack voltage with cells from an older refresh).
  Millis max_age_ms = 0;
};

inline constexpr float kMaxPlausibleCellV = 5.0F;
inline constexpr float kMaxPlausibleCurrentA = 2000.0F;
inline constexpr double kSocMarginPct = 0.5;
inline constexpr float kMinPlausibleTempC = -60.0F;
inline constexpr float kMaxPlausibleTempC = 150.0F;
inline constexpr std::uint16_t kMinCells = 4;
inline constexpr std::uint16_t kMaxCells = 16;

// What a live refresh reads: every register decode_snapshot uses, and nothing else (44 distance
// left and 54-55 speed are not wanted; the planner may still span 44 when that is cheaper).
// 0-15 are all wanted because N is only known from this very read.
inline constexpr std::array<AddressRange, 4> kLiveRegisters{{
    {0, 15},   // cell channels
    {32, 43},  // lifetime, time left, pack V and I, min/max cell, external temperatures
    {45, 48},  // SOH, SOC, internal temperature
    {50, 53},  // online status, balancing bits, detected cells
}};

// `configured_cells` is register 307 from the last settings read, or 0 when not read yet.
Result<msg::BatterySnapshot, SnapshotFailure> decode_snapshot(const RegisterBank& bank,
                                                              std::uint16_t configured_cells,
                                                              Millis now,
                                                              const DecodeOptions& options = {});

// Register 50 -> OnlineStatus; codes the Rev D document does not list map to `unknown`.
msg::OnlineStatus online_status_from_raw(std::uint16_t raw);

// Channel bits (bit c = channel c+1) -> pack-cell bits (bit i = pack cell i+1) for N cells.
std::uint16_t channel_bits_to_cell_bits(std::uint16_t channel_bits, std::uint16_t cells);

}  // namespace tbgw::tinybms
