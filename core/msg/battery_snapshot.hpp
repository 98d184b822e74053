// BatterySnapshot: one complete, validated reading of the TinyBMS live registers.
//
// Built only from frames that passed CRC and request matching (never from partial or bad
// bytes). Units are in every field name; scaling from the wire happens once, in
// core/tinybms/snapshot_decoder. Flat, fixed size and trivially copyable so it can travel on
// the bus and be kept as "latest value" without allocation.
#pragma once

#include <array>
#include <cstdint>
#include <type_traits>

#include "core/util/time.hpp"

namespace tbgw::msg {

// TinyBMS register 50. Codes not listed by the Rev D document are kept as `unknown`
// (raw code in BatterySnapshot::online_status_raw), never treated as OK.
enum class OnlineStatus : std::uint8_t {
  unknown = 0,
  charging = 0x91,
  fully_charged = 0x92,
  discharging = 0x93,
  regeneration = 0x96,
  idle = 0x97,
  fault = 0x9B,
};

struct BatterySnapshot {
  static constexpr std::size_t kMaxCells = 16;

  Millis stamp_ms = 0;  // monotonic time the last register block of this refresh arrived

  // Pack cells in pack order: index 0 is the most negative cell ("cell 1" for the owner),
  // already mapped from the BMS channels (pack cell n sits on channel 16 - N + n).
  std::uint8_t cell_count = 0;  // N, series cells in use (reg 53, cross-checked with reg 307)
  std::array<float, kMaxCells> cell_mv{};  // 0.1 mV resolution; entries >= cell_count are 0
  std::uint16_t min_cell_mv = 0;           // reg 40, as the BMS reports it (1 mV)
  std::uint16_t max_cell_mv = 0;           // reg 41 (1 mV)

  float pack_voltage_v = 0.0F;  // reg 36-37
  float pack_current_a = 0.0F;  // reg 38-39, positive = charging

  double soc_pct = 0.0;  // reg 46-47 (1e-6 % resolution needs a double)
  float soh_pct = 0.0F;  // reg 45 (0.002 %); valid only if soh_valid
  bool soh_valid = false;

  // Temperatures: [0] BMS internal (reg 48), [1] external sensor 1 (reg 42), [2] external 2 (43).
  static constexpr std::size_t kTempInternal = 0;
  static constexpr std::size_t kTempExternal1 = 1;
  static constexpr std::size_t kTempExternal2 = 2;
  std::array<float, 3> temps_c{};
  std::array<bool, 3> temp_present{};  // false when the BMS reports -32768 (sensor absent)

  OnlineStatus online_status = OnlineStatus::unknown;
  std::uint16_t online_status_raw = 0;

  // Bit i = pack cell i+1 (mapped from channel bits the same way as the voltages).
  std::uint16_t balancing_needed_mask = 0;  // reg 51
  std::uint16_t balancing_active_mask = 0;  // reg 52

  std::uint16_t detected_cells = 0;    // reg 53 as read
  std::uint16_t configured_cells = 0;  // reg 307 from the last settings read; 0 = not read yet
  bool cell_count_mismatch = false;    // reg 53 != reg 307 (raised, not silently resolved)

  std::uint32_t bms_lifetime_s = 0;  // reg 32-33
  std::uint32_t time_left_s = 0;     // reg 34-35 (the BMS's own estimate)
};

static_assert(std::is_trivially_copyable_v<BatterySnapshot>);

}  // namespace tbgw::msg
