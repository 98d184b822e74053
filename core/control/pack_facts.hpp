// PackFacts: one snapshot plus the BMS settings, reduced to what the limiters decide on.
//
// Theory of operation. make_facts() checks that the inputs can carry a decision and extracts
// the extremes once: highest and lowest cell (1-based, as the owner counts them), the cell
// temperatures, the hottest sensor of all (the over-heat cutoff watches every sensor), and the
// BMS limits in engineering units.
// Cell temperatures follow ChargeParams::cell_temp_source. `automatic`: the external sensors
// when any is fitted, else the BMS board's own sensor (reg 48) minus board_temp_margin_c. The
// board sensor sits next to the FETs and reads warmer than the cells while current flows, so
// alone it would let a cold pack charge; with the margin it stands for the cells in the
// cold-charge block and the temperature derating (reported as sensor kBoardEstimate, "board
// sensor - 5 degC"). `external` uses the external sensors only (none: no cell reading, charging
// blocked); `board` uses the board estimate even when external sensors are fitted. The hottest
// reading always includes the board sensor as it reads.
//
// Refusals (the controller then sends nothing that claims to be a limit):
//   settings_not_read   reg 307 is 0: the settings block has not been read yet
//   series_cells        reg 307 outside 4..16: no pack voltage can be derived
//   cell_limits         reg 315 outside 1.2-4.5 V, reg 316 outside 0.8-3.5 V, or the two so
//                       close that DVL (316 + margin) would not sit below the CVL cap
//                       (315 - margin): the BMS is misconfigured, not a pack we can charge
//   current_limits      reg 317 or 318 is 0
//   snapshot            cell_count outside 1..16, or a pack voltage that is not a positive
//                       finite number
// A count mismatch (reg 53 != reg 307) is not refused: it blocks charging, with its reason.
//
// Bounds: a pure function over fixed-size values.
#pragma once

#include <array>
#include <cstdint>

#include "core/control/charge_params.hpp"
#include "core/msg/battery_snapshot.hpp"
#include "core/tinybms/bms_settings.hpp"
#include "core/util/result.hpp"
#include "core/util/time.hpp"

namespace tbgw::control {

enum class FactsError : std::uint8_t {
  settings_not_read = 1,
  series_cells = 2,
  cell_limits = 3,
  current_limits = 4,
  snapshot = 5,
};
// A sentence for the decision's reasons ("BMS settings not read yet").
const char* describe(FactsError e);

// The board sensor with board_temp_margin_c taken off, standing for the cells.
inline constexpr std::uint8_t kBoardEstimate = 3;

struct TempReading {
  float temp_c = 0.0F;
  std::uint8_t sensor = 0;  // BatterySnapshot::kTemp* index, or kBoardEstimate
};
// "internal sensor", "sensor 1", "sensor 2", "board sensor - margin".
const char* sensor_name(std::uint8_t sensor);

struct PackFacts {
  Millis stamp_ms = 0;
  int series_cells = 0;  // reg 307: multiplies every per-cell value
  int cells = 0;         // cells in the snapshot
  float pack_v = 0.0F;
  float current_a = 0.0F;  // + = charging
  float soc_pct = 0.0F;

  float max_cell_mv = 0.0F;
  int max_cell = 0;  // 1-based
  float min_cell_mv = 0.0F;
  int min_cell = 0;  // 1-based

  std::array<TempReading, 3> cell_temps{};  // the sensors that stand for the cells
  int cell_temp_count = 0;
  float board_margin_c = 0.0F;  // > 0: the board estimate stands for the cells
  TempReading coldest{};        // of cell_temps
  bool any_temp = false;
  TempReading hottest{};  // of every present sensor

  bool bms_fault = false;  // online status 0x9B
  bool bms_full = false;   // online status 0x92
  bool count_mismatch = false;
  std::uint16_t detected_cells = 0;
  std::uint16_t configured_cells = 0;

  // BMS settings in engineering units.
  float ovp_cell_mv = 0.0F;     // 315
  float uv_cell_mv = 0.0F;      // 316
  float charge_oc_a = 0.0F;     // 318
  float discharge_oc_a = 0.0F;  // 317
  float over_heat_c = 0.0F;     // 319
  float cold_charge_c = 0.0F;   // 320
  float capacity_ah = 0.0F;     // 306

  float pack(float cell_mv) const { return cell_mv * static_cast<float>(series_cells) / 1000.0F; }
};

// A cell reading as the hot side judges it: the board estimate with its margin added back (its
// own, warmer reading is the cautious one there); any other reading as it is.
inline float hot_side_c(const PackFacts& f, const TempReading& r) {
  return r.sensor == kBoardEstimate ? r.temp_c + f.board_margin_c : r.temp_c;
}

// The room the charge profile needs between the BMS's cutoffs (reg 315 - reg 316, per cell):
// CVL stays ovp_margin_mv under 315 and DVL dvl_margin_above_uv_mv over 316. A narrower window
// is refused here (cell_limits) and by the settings check before a write
// (tinybms::check_settings_consistency).
float min_cutoff_window_mv(const ChargeParams& params);

Result<PackFacts, FactsError> make_facts(const msg::BatterySnapshot& snap,
                                         const tinybms::BmsSettings& settings,
                                         const ChargeParams& params);

}  // namespace tbgw::control
