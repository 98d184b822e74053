// Snapshot views shared by the frame encoder and the alarm evaluator: which cell is the lowest
// and the highest, and which temperature sensors describe the cells.
//
// Theory of operation.
// - Cells: the extremes come from the per-cell voltages (0.1 mV) of the cells in use, so the
//   value sent in 0x373 and the cell named in 0x374/0x375 always agree. Ties go to the lowest
//   pack index. With no cell voltages (cell_count 0) the BMS's own registers 40/41 are used and
//   the cells stay unnamed.
// - Temperatures: the TinyBMS has an internal sensor (its board, next to the switches) and two
//   optional external sensors (on the cells). The cell temperature is taken from the external
//   sensors that are present; only when none is fitted does the internal sensor stand in, because
//   it is then the only temperature the BMS has (§7 of the spec: the ESP32 gateway sent the board
//   temperature although cell sensors were fitted). all_temperatures() includes the board sensor
//   for the over-temperature check, which protects the BMS as well as the cells.
//
// Bounds: pure functions over a fixed-size snapshot; no allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/msg/battery_snapshot.hpp"

namespace tbgw::victron {

struct CellExtremes {
  static constexpr std::uint8_t kNoCell = 0xFF;
  bool known = false;  // false: neither cell voltages nor registers 40/41 are available
  float min_mv = 0.0F;
  float max_mv = 0.0F;
  std::uint8_t min_index = kNoCell;  // 0-based pack index, kNoCell when unnamed
  std::uint8_t max_index = kNoCell;

  float spread_mv() const { return max_mv - min_mv; }
};

struct TempExtremes {
  bool known = false;  // false: no sensor present
  float min_c = 0.0F;
  float max_c = 0.0F;
  std::size_t min_sensor = 0;  // BatterySnapshot::kTemp* index
  std::size_t max_sensor = 0;
};

CellExtremes cell_extremes(const msg::BatterySnapshot& s);

// External sensors when any is present, else the internal one.
TempExtremes cell_temperatures(const msg::BatterySnapshot& s);

// Every present sensor, the internal (board) one included.
TempExtremes all_temperatures(const msg::BatterySnapshot& s);

// Short identifier of a temperature sensor for 0x376/0x377 ("internal", "ext 1", "ext 2").
std::string_view sensor_id(std::size_t sensor);

}  // namespace tbgw::victron
