// BmsStatistics: what the simulated BMS accumulates for registers 100-117.
//
// Peaks and counters since the statistics were last cleared (command 0x02 option 2), which
// also stamps `last_cleared_s` with the lifetime counter. The reset and wake-up causes are not
// statistics but live in register 114 beside them; clearing keeps them.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace tbgw::sim {

struct BmsStatistics {
  // Register 114 causes (spec statistics table).
  static constexpr std::uint8_t kResetPowerOn = 5;
  static constexpr std::uint8_t kResetSoftware = 4;
  static constexpr std::uint8_t kWakeCharger = 0;
  static constexpr std::uint8_t kWakeDischarging = 2;
  static constexpr std::uint8_t kWakeUart = 3;

  double max_discharge_current_a = 0.0;   // reg 102, magnitude
  double max_charge_current_a = 0.0;      // reg 103
  double max_cell_diff_mv = 0.0;          // reg 104
  std::uint16_t under_voltage_count = 0;  // reg 105
  std::uint16_t over_voltage_count = 0;   // reg 106
  std::uint16_t discharge_oc_count = 0;   // reg 107
  std::uint16_t charge_oc_count = 0;      // reg 108
  std::uint16_t over_heat_count = 0;      // reg 109
  std::uint16_t charging_count = 0;       // reg 111
  std::uint16_t full_charge_count = 0;    // reg 112
  bool temps_seen = false;
  double min_pack_temp_c = 0.0;              // reg 113 low byte
  double max_pack_temp_c = 0.0;              // reg 113 high byte
  std::uint8_t reset_cause = kResetPowerOn;  // reg 114 low byte
  std::uint8_t wake_cause = kWakeCharger;    // reg 114 high byte
  std::uint32_t last_cleared_s = 0;          // reg 116-117

  void clear(std::uint32_t lifetime_s) {
    const auto reset = reset_cause;
    const auto wake = wake_cause;
    *this = BmsStatistics{};
    reset_cause = reset;
    wake_cause = wake;
    last_cleared_s = lifetime_s;
  }

  void observe(double current_a, double cell_diff_mv, double pack_temp_c) {
    if (current_a < 0.0) max_discharge_current_a = std::max(max_discharge_current_a, -current_a);
    if (current_a > 0.0) max_charge_current_a = std::max(max_charge_current_a, current_a);
    max_cell_diff_mv = std::max(max_cell_diff_mv, cell_diff_mv);
    if (!temps_seen) {
      min_pack_temp_c = max_pack_temp_c = pack_temp_c;
      temps_seen = true;
    }
    min_pack_temp_c = std::min(min_pack_temp_c, pack_temp_c);
    max_pack_temp_c = std::max(max_pack_temp_c, pack_temp_c);
  }

  static void bump(std::uint16_t& counter) {
    if (counter < 0xFFFF) ++counter;
  }
};

}  // namespace tbgw::sim
