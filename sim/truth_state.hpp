// TruthState: what the simulated battery and BMS really are at the last model step.
//
// Everything a client could decode from the registers is here in engineering units, in pack
// order (index 0 = the most negative cell, "cell 1"), before any register scaling, so a test
// can compare decoded values against it within the register resolution. A few fields have no
// register (chemistry, true_soc_pct, demand_current_a, ambient_c) and exist to explain
// behaviour.
#pragma once

#include <array>
#include <cstdint>

#include "sim/chemistry.hpp"
#include "sim/protection.hpp"

namespace tbgw::sim {

// TinyBMS online status codes (register 50).
namespace status {
inline constexpr std::uint16_t kCharging = 0x91;
inline constexpr std::uint16_t kFullyCharged = 0x92;
inline constexpr std::uint16_t kDischarging = 0x93;
inline constexpr std::uint16_t kRegeneration = 0x96;
inline constexpr std::uint16_t kIdle = 0x97;
inline constexpr std::uint16_t kFault = 0x9B;
}  // namespace status

struct TruthState {
  static constexpr std::size_t kMaxCells = 16;
  static constexpr std::size_t kTempInternal = 0;
  static constexpr std::size_t kTempExternal1 = 1;
  static constexpr std::size_t kTempExternal2 = 2;

  std::int64_t model_ms = 0;         // model time since the simulator started
  std::uint32_t bms_lifetime_s = 0;  // reg 32-33

  Chemistry chemistry = Chemistry::lfp;     // no register: the simulator's --chemistry
  int cell_count = 0;                       // N (physical cells, reg 53)
  std::array<double, kMaxCells> cell_mv{};  // pack order; entries >= N are 0
  double min_cell_mv = 0.0;                 // reg 40
  double max_cell_mv = 0.0;                 // reg 41
  double pack_voltage_v = 0.0;              // reg 36-37 (sum of the cells)
  double current_a = 0.0;                   // reg 38-39, + = charging, after the BMS's switches
  double demand_current_a = 0.0;            // what the load asked for
  double soc_pct = 0.0;                     // the BMS's SOC estimate, reg 46-47
  double true_soc_pct = 0.0;                // mean of the cells' real SOC
  double soh_pct = 100.0;                   // reg 45
  std::uint32_t time_left_s = 0;            // reg 34-35 (0 unless discharging)

  std::array<double, 3> temps_c{};     // [internal, external 1, external 2], reg 48/42/43
  std::array<bool, 3> temp_present{};  // false -> the register reads -32768
  double ambient_c = 0.0;

  std::uint16_t online_status = status::kIdle;  // reg 50
  std::uint16_t balancing_needed_mask = 0;      // bit i = pack cell i+1 (reg 51 is per channel)
  std::uint16_t balancing_active_mask = 0;      // reg 52 likewise
  ProtectionFlags protection;
  bool charger_connected = false;
  bool asleep = false;  // link-level sleep (Simulator)
};

}  // namespace tbgw::sim
