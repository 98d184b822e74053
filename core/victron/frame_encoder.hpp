// FrameEncoder: the Victron CAN-bus BMS frame set from one snapshot, one charge decision, the
// alarm levels, the BMS settings and the energy totals (spec/victron-can-bms.md §2, §4).
//
// Theory of operation. encode() fills a caller-provided FrameSet, 0x351 first, then 0x355,
// 0x356, 0x35A and the rest in identifier order; every payload is 8 bytes, zero padded. Scaling
// goes through core/victron/wire_format.hpp only (round to nearest, saturate, never wrap).
//
// What it refuses, and why (fail safe, never invent data — DESIGN rule 5):
// - decision.valid false: no frame at all. An invalid decision means "no valid BMS data yet" or
//   "stale data with the stop-transmitting policy"; either way nothing must claim to describe
//   the battery, and the GX applies its own fail-safe 3 s after the last 0x351.
// - A non-finite limit, CVL or DVL that would be 0 on the wire: no frame at all. CVL = 0 makes
//   the GX discharge the battery hard (diyBMS #175); DVL = 0 raises low-battery alarms (SB2 #145).
//   Negative CCL/DCL saturate at 0 (the field's lower limit), every limit at its upper limit.
// - Once the BMS settings are known (series cells and both cell cutoffs non-zero), a CVL outside
//   [series x reg 316, series x reg 315] is refused: below the empty pack it acts like CVL = 0 (a
//   per-cell register sent as a pack voltage — the ESP32 gateway's 3.65 V — lands here), above
//   the BMS's own over-voltage cutoff it can only overcharge. The one exception below is the
//   pack's own voltage (decision.pack_v): a CCL-0 hold of a pack that fell below its cutoff.
//   DVL above CVL is refused too.
//   Refusing stops 0x351, so the GX's 3 s fail-safe stops charging and discharging: loud, safe.
//
// Choices where the protocol leaves room (each with its reason):
// - 0x355 SOH: the BMS's SOH when valid, else identity.soh_when_unknown_pct (TinyBMS firmware
//   before Rev D has no SOH register; the field cannot say "unknown", 0 would read as a dead pack).
// - 0x356 temperature: the highest cell temperature (snapshot_view.hpp): the value that matters
//   for heat, and with shared temperature sense a higher value only lowers charge voltages.
// - 0x35A: an item at `alarm` sets its alarm pair and its warning pair (the value is past the
//   warning threshold too); reserved pairs are 0b00; byte 7 bits 2-3 = 0b10 online, 0b01 offline.
// - 0x35E and 0x370 carry the same 8 bytes (spec §2): 0x370/0x371 are sent only when the battery
//   name is longer than 8 characters (a shorter one is 0x35E alone) and its first 8 bytes equal
//   the manufacturer's. So a 16-character name needs an 8-character manufacturer; a mismatch is
//   reported by make_identity()/check_identity() and, if written directly, drops 0x370/0x371.
// - 0x35F: type word from the identity, firmware MSB first, online capacity = installed capacity
//   (one BMS, no modules to drop); 0x379 = BMS capacity (reg 306) in Ah, not x100, not x SOH.
// - 0x372: 1 module OK; blocking charge / discharge = 1 when CCL / DCL is 0 on the wire.
// - 0x374-0x377: "cell 7", "ext 1": where to look, not the value (§7 item 6).
// - 0x35C (optional): bit 7 charge enable = CCL > 0, bit 6 discharge enable = DCL > 0.
//
// Bounds: no allocation, no exceptions; O(cells) per call; at most FrameSet::kCapacity frames.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "core/msg/battery_alarms.hpp"
#include "core/msg/battery_snapshot.hpp"
#include "core/msg/charge_decision.hpp"
#include "core/tinybms/bms_settings.hpp"
#include "core/tinybms/version_info.hpp"
#include "core/util/result.hpp"
#include "core/victron/can_frame.hpp"

namespace tbgw::victron {

enum class EncodeError : std::uint8_t {
  decision_invalid = 1,  // decision.valid is false: nothing may be sent
  limit_not_finite = 2,  // CVL, CCL, DCL or DVL is NaN or infinite
  cvl_zero = 3,          // CVL would be 0 V on the wire (< 0.05 V)
  dvl_zero = 4,          // DVL would be 0 V on the wire (< 0.05 V)
  cvl_implausible = 5,  // CVL outside [series x under-voltage cutoff, series x over-voltage cutoff]
  dvl_above_cvl = 6,    // DVL above CVL: no voltage satisfies both
};

const char* to_string(EncodeError e);

enum class IdentityError : std::uint8_t {
  manufacturer_invalid = 1,  // empty, longer than 8, or not printable 7-bit ASCII
  name_invalid = 2,          // longer than 16 or not printable 7-bit ASCII
  family_invalid = 3,        // longer than 8 or not printable 7-bit ASCII
  name_mismatch = 4,         // name's first 8 bytes differ from the manufacturer (0x370 != 0x35E)
};

const char* to_string(IdentityError e);

// What the gateway says about itself. The defaults name no brand the GX applies quirks to
// (PYLON, BYD, LG, Pelio change CVL/CCL on the GX side, spec §2) and match config/schema defaults.
struct EncoderIdentity {
  using Text8 = std::array<char, 8>;    // NUL padded, not NUL terminated
  using Text16 = std::array<char, 16>;  // NUL padded, not NUL terminated

  Text8 manufacturer{'T', 'i', 'n', 'y', 'B', 'M', 'S', '\0'};  // 0x35E
  Text16 battery_name{'T', 'i', 'n', 'y', 'B', 'M', 'S'};       // 0x370 + 0x371
  Text8 family{};                                               // 0x382; empty: not sent
  bool send_0x35c = false;                                      // Pylontech/SMA request flags
  std::uint16_t battery_type = 0;       // 0x35F bytes 0-1 (the GX does not use it)
  std::uint16_t firmware = 0;           // 0x35F bytes 2-3, MSB first; see firmware_word()
  float soh_when_unknown_pct = 100.0F;  // 0x355 SOH when the snapshot has none

  std::string_view manufacturer_text() const;
  std::string_view name_text() const;
  std::string_view family_text() const;
};

// Validated identity from configured strings (the config layer's values).
Result<EncoderIdentity, IdentityError> make_identity(std::string_view manufacturer,
                                                     std::string_view battery_name,
                                                     std::string_view family, bool send_0x35c);
Result<void, IdentityError> check_identity(const EncoderIdentity& id);

// 0x35F firmware word: public firmware (reg 501 low byte) as the major byte, the internal
// firmware (reg 502) as the minor byte, saturated at 255 (real units report e.g. 242).
std::uint16_t firmware_word(const tinybms::VersionInfo& v);

// The whole set of one cycle, in a caller-provided fixed array.
struct FrameSet {
  static constexpr std::size_t kCapacity = 18;
  std::array<CanFrame, kCapacity> frames{};
  std::size_t count = 0;

  std::span<const CanFrame> view() const { return {frames.data(), count}; }
  const CanFrame* find(std::uint32_t id) const;
  void clear() { count = 0; }
  void push(const CanFrame& f);  // ignored when full (cannot happen with kCapacity)
};

// Energy totals (core/msg/energy_counters.hpp fields), both positive magnitudes.
struct EnergyTotals {
  double wh_charged = 0.0;
  double wh_discharged = 0.0;
};

struct EncoderInput {
  const msg::BatterySnapshot& snapshot;
  const msg::ChargeDecision& decision;
  const msg::BatteryAlarms& alarms;
  const tinybms::BmsSettings& settings;  // capacity_ah (reg 306); 0 when not read yet
  EnergyTotals energy{};
};

// One function per frame (public for the decoder's tests and for diagnostics).
// 0x351; `settings` (nullptr: not read yet) enables the plausibility check on CVL.
Result<CanFrame, EncodeError> encode_limits(const msg::ChargeDecision& d,
                                            const tinybms::BmsSettings* settings = nullptr);
CanFrame encode_soc(const msg::BatterySnapshot& s, float soh_when_unknown_pct);  // 0x355
CanFrame encode_measurements(const msg::BatterySnapshot& s);                     // 0x356
CanFrame encode_alarms(const msg::BatteryAlarms& a);                             // 0x35A
CanFrame encode_request_flags(const msg::ChargeDecision& d);                     // 0x35C
CanFrame encode_battery_info(const EncoderIdentity& id, float capacity_ah);      // 0x35F
CanFrame encode_modules(const msg::ChargeDecision& d);                           // 0x372
CanFrame encode_cell_extremes(const msg::BatterySnapshot& s);                    // 0x373
std::array<CanFrame, 4> encode_extreme_ids(const msg::BatterySnapshot& s);       // 0x374-0x377
CanFrame encode_energy(const EnergyTotals& e);                                   // 0x378
CanFrame encode_installed_capacity(float capacity_ah);                           // 0x379
CanFrame encode_text(std::uint32_t id, std::string_view text);  // 0x35E, 0x370, 0x371, 0x382

class FrameEncoder {
 public:
  FrameEncoder() = default;
  explicit FrameEncoder(const EncoderIdentity& identity) : identity_(identity) {}

  // Fills `out` (cleared first) and returns the number of frames; on error `out` is empty.
  Result<std::size_t, EncodeError> encode(const EncoderInput& in, FrameSet& out) const;

  const EncoderIdentity& identity() const { return identity_; }
  void set_identity(const EncoderIdentity& identity) { identity_ = identity; }

 private:
  EncoderIdentity identity_{};
};

}  // namespace tbgw::victron
