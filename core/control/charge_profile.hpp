// ChargeProfile: the per-cell voltages and derating knees the charge engine works with, derived
// from the BMS's own settings on every settings read, so the decision follows the pack the
// TinyBMS protects (LiFePO4, Li-ion or LTO, 4-16 cells) instead of one chemistry's defaults.
//
// Theory of operation. The TinyBMS has no chemistry register; its per-cell settings are the
// envelope: 300 fully charged, 301 fully discharged, 315/316 over-/under-voltage cutoffs. The
// chemistry is read from the voltage window they imply (reg 300 "fully charged": below 3.000 V
// LTO, below 3.800 V LiFePO4, else Li-ion, NMC/NCA), and gives the typical values a default
// starts from (kTraits in charge_profile.cpp, each with its source). Every default is then put
// inside the BMS's envelope:
//   absorption       min(chemistry's typical, reg 300 - 50 mV): LiFePO4 3.450 V (55.2 V for
//                    16S) with reg 300 at 3.55 V; Li-ion 4.100 V with reg 300 at 4.150 V
//   cell target      absorption + 50 mV, at most reg 315 - ovp_margin (the cell loop's target)
//   float            absorption - the chemistry's float step (LiFePO4 75, Li-ion 100, LTO 50 mV)
//   CVL floor, re-bulk, DVL, the stale-hold window: the chemistry's typical values
//   cell -> CCL      target - 100 / - 50 / 0 / + 50 mV -> 100 / 50 / 10 / 0 %
//   cell -> DCL      reg 316 + 50 / 150 / 250 / 350 mV -> 5 / 20 / 50 / 100 %
//   temperature      charge knees from max(reg 320, the chemistry's lowest charge temperature)
//                    + 0/5/10/15 degC; hot knees at min(reg 319 - 5, the chemistry's highest
//                    charge temperature) - 15/10/5/0 degC (LiFePO4 55, Li-ion 50, LTO 55)
// For the LiFePO4 settings the simulator and most packs use (300 = 3550, 315 = 3650, 316 = 2800,
// 319 = 60, 320 = 0) these are exactly the values of ChargeParams' comments, so a LiFePO4 pack
// is charged as before.
//
// Owner values. A per-cell value the owner configured (non-zero in ChargeParams; 0 means "from
// the BMS") is used as it is when it lies inside the envelope, and clamped to it otherwise; each
// clamp is listed (field, configured, used, bounds) for the log line and the alert that name
// both values. The envelope of absorption is the chemistry's window (LiFePO4 3.35-3.65 V, Li-ion
// 3.90-4.25 V, LTO 2.50-2.85 V) and at most min(reg 300, reg 315 - ovp_margin): a LiFePO4 value
// left in the file of a Li-ion pack is never sent as it is.
// Whatever the values, the result keeps the order the engine needs:
//   DVL < CVL floor <= float <= absorption <= cell target <= reg 315 - ovp_margin,
//   re-bulk < float, DVL >= reg 316 + dvl_margin_above_uv_mv,
// and effective.validate() passes (a property test checks it over random settings).
//
// Bounds: a pure function over fixed-size values; no allocation.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/control/charge_params.hpp"
#include "core/control/reason_writer.hpp"  // reason_text() reads the texts below
#include "core/tinybms/bms_settings.hpp"

namespace tbgw::control {

enum class Chemistry : std::uint8_t { lfp = 0, li_ion = 1, lto = 2 };
// "LiFePO4", "Li-ion", "LTO".
const char* to_string(Chemistry c);
// "lfp", "li_ion", "lto": for JSON and MQTT.
const char* key(Chemistry c);
// By reg 300 (fully charged per cell), see above.
Chemistry chemistry_of(const tinybms::BmsSettings& s);

// One owner value that lay outside the BMS's envelope.
struct ProfileClamp {
  std::string_view field;  // the ChargeParams / config field, e.g. "absorption_cell_mv"
  float configured_mv = 0.0F;
  float used_mv = 0.0F;
  float low_mv = 0.0F;  // the envelope
  float high_mv = 0.0F;
};

struct ChargeProfile {
  static constexpr std::size_t kMaxClamps = 6;
  static constexpr std::size_t kTextLength = 160;
  using Text = std::array<char, kTextLength>;  // NUL-terminated

  bool valid = false;  // false until derived from readable settings
  Chemistry chemistry = Chemistry::lfp;
  int series_cells = 0;
  float fully_charged_cell_mv = 0.0F;  // reg 300, what the chemistry was read from
  ChargeParams effective;              // every per-cell value and table filled in
  std::array<ProfileClamp, kMaxClamps> clamps{};
  std::size_t clamp_count = 0;
  // > 0: no cell sensor stands for the cells, the BMS board sensor minus this margin does
  // (pack_facts.hpp); set by the controller from the snapshot.
  float board_margin_c = 0.0F;

  // "charge profile: Li-ion from the BMS (fully charged 4.150 V/cell): absorption 4.100 V/cell
  // x 14 = 57.40 V"; "... absorption 3.900 V/cell (configured 3.450, clamped) x 14 = 54.60 V".
  Text describe() const;
  // "absorption_cell_mv 3450 mV is outside the BMS envelope 3900-4150 mV: 3900 mV is used".
  static Text describe(const ProfileClamp& c);
  // "no cell sensor: the BMS board temperature with a 5 degC margin stands for the cells".
  Text temperature_text() const;
  bool same_values(const ChargeProfile& other) const;
};

// `configured` holds the owner's values (0 = from the BMS) and every other knob, which is copied
// as it is. `s` must carry a series cell count of 4-16 and both cutoffs (make_facts checks).
ChargeProfile derive_profile(const tinybms::BmsSettings& s, const ChargeParams& configured);

}  // namespace tbgw::control
