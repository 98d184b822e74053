// Wire format of the Victron CAN-bus BMS frames: identifiers, the one scaling helper per field
// type, and byte packing. The encoder and the decoder both use this file, so a scale lives in
// exactly one place (DESIGN rule 7).
//
// Theory of operation. Every engineering value becomes an integer through round_saturate():
// value x units-per-engineering-unit computed in double, rounded to nearest (half away from zero),
// then clamped to the field's range. Two traps this avoids (spec/victron-can-bms.md §1, §4):
// - a C cast truncates: float32 40.1 x 100 = 4009.9998 would become 4009, not 4010;
// - a value outside the field would wrap (70000 as u16 -> 4464, -1 as u16 -> 65535); here it
//   sticks at the field limit instead. NaN becomes 0: the callers that must never send a made-up
//   number (0x351) reject non-finite input before they get here.
// Multi-byte numbers are little-endian, except the 0x35F firmware word (most significant byte
// first, spec §1). Text fields are 7-bit ASCII padded with NUL bytes.
//
// Bounds: header-only, pure functions on fixed-size arrays, no allocation.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>

namespace tbgw::victron::wire {

// Identifiers (11-bit standard frames, BMS -> GX).
inline constexpr std::uint32_t kIdLimits = 0x351;             // CVL, CCL, DCL, DVL
inline constexpr std::uint32_t kIdSoc = 0x355;                // SOC, SOH, SOC 0.01 %
inline constexpr std::uint32_t kIdMeasurements = 0x356;       // voltage, current, temperature
inline constexpr std::uint32_t kIdAlarms = 0x35A;             // alarms + warnings, 2 bits each
inline constexpr std::uint32_t kIdRequestFlags = 0x35C;       // charge/discharge enable
inline constexpr std::uint32_t kIdManufacturer = 0x35E;       // 8 ASCII
inline constexpr std::uint32_t kIdBatteryInfo = 0x35F;        // type, firmware, online capacity
inline constexpr std::uint32_t kIdName1 = 0x370;              // battery name, first 8 chars
inline constexpr std::uint32_t kIdName2 = 0x371;              // battery name, next 8 chars
inline constexpr std::uint32_t kIdModules = 0x372;            // module counts
inline constexpr std::uint32_t kIdCellExtremes = 0x373;       // min/max cell mV, min/max K
inline constexpr std::uint32_t kIdMinCellId = 0x374;          // id of the lowest cell
inline constexpr std::uint32_t kIdMaxCellId = 0x375;          // id of the highest cell
inline constexpr std::uint32_t kIdMinTempId = 0x376;          // id of the coldest sensor
inline constexpr std::uint32_t kIdMaxTempId = 0x377;          // id of the hottest sensor
inline constexpr std::uint32_t kIdEnergy = 0x378;             // Wh charged/discharged, 100 Wh
inline constexpr std::uint32_t kIdInstalledCapacity = 0x379;  // 1 Ah
inline constexpr std::uint32_t kIdFamily = 0x382;             // 8 ASCII

inline constexpr std::size_t kTextBytes = 8;  // one text frame's payload

// value x per_unit, rounded to nearest, clamped to [lo, hi]; NaN -> 0 (clamped).
inline std::int64_t round_saturate(double value, double per_unit, std::int64_t lo,
                                   std::int64_t hi) {
  const double scaled = value * per_unit;
  if (std::isnan(scaled)) return std::clamp<std::int64_t>(0, lo, hi);
  if (scaled <= static_cast<double>(lo)) return lo;
  if (scaled >= static_cast<double>(hi)) return hi;
  const auto r = static_cast<std::int64_t>(std::round(scaled));
  return r < lo ? lo : (r > hi ? hi : r);
}

inline constexpr std::int64_t kU16Max = std::numeric_limits<std::uint16_t>::max();
inline constexpr std::int64_t kS16Min = std::numeric_limits<std::int16_t>::min();
inline constexpr std::int64_t kS16Max = std::numeric_limits<std::int16_t>::max();
inline constexpr std::int64_t kU32Max = std::numeric_limits<std::uint32_t>::max();

// One helper per field type. The name says the wire unit; the argument is the engineering unit.
// 0x351 CVL, DVL: u16, 0.1 V.
inline std::uint16_t deci_volts_u16(double v) {
  return static_cast<std::uint16_t>(round_saturate(v, 10.0, 0, kU16Max));
}
// 0x351 CCL, DCL: s16, 0.1 A, a limit: never negative (spec §2: "send >= 0").
inline std::int16_t deci_amps_limit_s16(double a) {
  return static_cast<std::int16_t>(round_saturate(a, 10.0, 0, kS16Max));
}
// 0x356 voltage: s16, 0.01 V.
inline std::int16_t centi_volts_s16(double v) {
  return static_cast<std::int16_t>(round_saturate(v, 100.0, kS16Min, kS16Max));
}
// 0x356 current: s16, 0.1 A, positive = charging.
inline std::int16_t deci_amps_s16(double a) {
  return static_cast<std::int16_t>(round_saturate(a, 10.0, kS16Min, kS16Max));
}
// 0x356 temperature: s16, 0.1 degC.
inline std::int16_t deci_celsius_s16(double c) {
  return static_cast<std::int16_t>(round_saturate(c, 10.0, kS16Min, kS16Max));
}
// 0x373 temperatures: u16, 1 K, from degC with +273.15 then rounding (spec §4).
inline std::uint16_t kelvin_u16(double c) {
  return static_cast<std::uint16_t>(round_saturate(c + 273.15, 1.0, 0, kU16Max));
}
// 0x355 SOC, SOH: u16, 1 %, 0..100.
inline std::uint16_t percent_u16(double pct) {
  return static_cast<std::uint16_t>(round_saturate(pct, 1.0, 0, 100));
}
// 0x355 high-resolution SOC: u16, 0.01 %, 0..10000.
inline std::uint16_t centi_percent_u16(double pct) {
  return static_cast<std::uint16_t>(round_saturate(pct, 100.0, 0, 10'000));
}
// 0x373 cell voltages: u16, 1 mV.
inline std::uint16_t millivolts_u16(double mv) {
  return static_cast<std::uint16_t>(round_saturate(mv, 1.0, 0, kU16Max));
}
// 0x35F online capacity, 0x379 installed capacity: u16, 1 Ah.
inline std::uint16_t amp_hours_u16(double ah) {
  return static_cast<std::uint16_t>(round_saturate(ah, 1.0, 0, kU16Max));
}
// 0x378 energy: u32, 100 Wh.
inline std::uint32_t hecto_watt_hours_u32(double wh) {
  return static_cast<std::uint32_t>(round_saturate(wh, 0.01, 0, kU32Max));
}

using Payload = std::array<std::uint8_t, 8>;

inline void put_u16le(Payload& d, std::size_t at, std::uint16_t v) {
  d[at] = static_cast<std::uint8_t>(v & 0xFFU);
  d[at + 1] = static_cast<std::uint8_t>(v >> 8);
}
inline void put_s16le(Payload& d, std::size_t at, std::int16_t v) {
  put_u16le(d, at, static_cast<std::uint16_t>(v));  // two's complement
}
inline void put_u16be(Payload& d, std::size_t at, std::uint16_t v) {
  d[at] = static_cast<std::uint8_t>(v >> 8);
  d[at + 1] = static_cast<std::uint8_t>(v & 0xFFU);
}
inline void put_u32le(Payload& d, std::size_t at, std::uint32_t v) {
  put_u16le(d, at, static_cast<std::uint16_t>(v & 0xFFFFU));
  put_u16le(d, at + 2, static_cast<std::uint16_t>(v >> 16));
}

inline std::uint16_t get_u16le(const Payload& d, std::size_t at) {
  return static_cast<std::uint16_t>(d[at] | (d[at + 1] << 8));
}
inline std::int16_t get_s16le(const Payload& d, std::size_t at) {
  return static_cast<std::int16_t>(get_u16le(d, at));
}
inline std::uint16_t get_u16be(const Payload& d, std::size_t at) {
  return static_cast<std::uint16_t>((d[at] << 8) | d[at + 1]);
}
inline std::uint32_t get_u32le(const Payload& d, std::size_t at) {
  return static_cast<std::uint32_t>(get_u16le(d, at)) |
         (static_cast<std::uint32_t>(get_u16le(d, at + 2)) << 16);
}

// Copies at most 8 bytes of `text` (stopping at a NUL) into the payload; the rest is NUL.
inline void put_text(Payload& d, std::string_view text) {
  d = {};
  for (std::size_t i = 0; i < text.size() && i < kTextBytes && text[i] != '\0'; ++i) {
    d[i] = static_cast<std::uint8_t>(text[i]);
  }
}

}  // namespace tbgw::victron::wire
