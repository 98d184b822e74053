// HistoryRecord: one stored sample of the battery, the row format of every history tier.
//
// A record is a flat, fixed-size copy of the fields the owner looks back at: pack voltage,
// current, SOC, the three temperatures, the BMS's min/max cell and up to 16 cell voltages,
// with the BMS online status. Values live in one array indexed by `Field`, so downsampling,
// storage and export walk one table (kFields) instead of naming 24 fields three times.
//
// Rules
// - Time is wall clock (unix milliseconds), passed in by the caller: history is read by humans
//   against calendar time, unlike the monotonic `stamp_ms` of the bus messages.
// - "No value" is a quiet NaN, never an invented 0: an absent temperature sensor, and cells at
//   or beyond `cell_count`. Storage writes NaN as NULL; aggregates skip it.
// - Each field has a storage scale (a power of ten): the store keeps round(value * scale) as an
//   integer (column `<name>_x<scale>`), which is the field's resolution in every tier and
//   halves the size of a row compared with REALs. Scaling happens only in the store.
//
// Trivially copyable (about 110 bytes), so the loop can hand it to the storage worker by copy.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "core/msg/battery_snapshot.hpp"

namespace tbgw::history {

enum class Field : std::uint8_t {
  pack_voltage_v = 0,
  pack_current_a,  // positive = charging
  soc_pct,
  temp_internal_c,
  temp_external1_c,
  temp_external2_c,
  min_cell_mv,  // as the BMS reports it (reg 40)
  max_cell_mv,  // reg 41
  cell1_mv,     // cell1_mv + i is pack cell i+1
};

inline constexpr std::size_t kMaxCells = msg::BatterySnapshot::kMaxCells;
inline constexpr std::size_t kFirstCellField = static_cast<std::size_t>(Field::cell1_mv);
inline constexpr std::size_t kFieldCount = kFirstCellField + kMaxCells;

struct FieldInfo {
  const char* name;    // export name, with its unit ("pack_voltage_v", "cell7_mv")
  const char* column;  // storage column, the integer count of 1/scale ("cell7_mv_x10")
  std::int32_t scale;  // stored integer = round(value * scale)
};

// One entry per Field, in Field order.
extern const std::array<FieldInfo, kFieldCount> kFields;

inline constexpr float kNoValue = std::numeric_limits<float>::quiet_NaN();

// Samples stamped before this (2020-01-01T00:00:00Z) come from a clock that has not been set
// yet (a Raspberry Pi without RTC boots in 1970 or at its last saved time until NTP answers).
inline constexpr std::int64_t kMinPlausibleUnixMs = 1'577'836'800'000;

struct HistoryRecord {
  std::int64_t unix_ms = 0;
  std::uint16_t status_raw = 0;  // TinyBMS online status code (reg 50), as read
  std::uint8_t cell_count = 0;
  std::array<float, kFieldCount> values{};

  float get(Field f) const { return values[static_cast<std::size_t>(f)]; }
  void set(Field f, float v) { values[static_cast<std::size_t>(f)] = v; }
  float cell_mv(std::size_t i) const { return values[kFirstCellField + i]; }
};

static_assert(std::is_trivially_copyable_v<HistoryRecord>);

// Copies the history fields of a snapshot, stamped with the wall clock time `unix_ms`.
HistoryRecord make_record(const msg::BatterySnapshot& s, std::int64_t unix_ms);

}  // namespace tbgw::history
