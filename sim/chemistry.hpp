// Chemistry: the three cell chemistries a TinyBMS supports, and what the simulator takes from
// each: the open-circuit-voltage table (ocv_curve.hpp interpolates it) and the typical TinyBMS
// settings that become the register defaults (settings_table.hpp).
//
//   name  cells                         OCV 0 % / 50 % / 100 %   table and settings in
//   lfp   LiFePO4 (the default)         2.50 / 3.30 / 3.65 V     chemistry_lfp.cpp
//   nmc   Li-ion NMC (graphite anode)   3.00 / 3.70 / 4.20 V     chemistry_nmc.cpp
//   lto   lithium titanate (LTO anode)  1.80 / 2.34 / 2.80 V     chemistry_lto.cpp
//
// Only the registers that differ between chemistries are here (300, 301, 303, 304, 308,
// 315-320); every other default is the same for all three (settings_table.cpp). Cell resistance,
// capacity and cell count are not chemistry settings: they come from SimConfig.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tbgw::sim {

enum class Chemistry : std::uint8_t { lfp, nmc, lto };

// The names the command lines take, in this order (for messages and help).
inline constexpr std::string_view kChemistryChoices = "lfp, nmc, lto";

// One point of an OCV table: a rested cell at 25 degC.
struct OcvPoint {
  double soc_pct;
  double voltage_v;
};

// Typical TinyBMS settings of a chemistry, in the registers' own units.
struct ChemistrySettings {
  std::uint16_t fully_charged_mv;          // 300, per cell
  std::uint16_t fully_discharged_mv;       // 301, per cell
  std::uint16_t early_balancing_mv;        // 303, per cell
  std::uint16_t charge_finished_ma;        // 304
  std::uint16_t allowed_disbalance_mv;     // 308
  std::uint16_t over_voltage_mv;           // 315, per cell
  std::uint16_t under_voltage_mv;          // 316, per cell
  std::uint16_t discharge_over_current_a;  // 317
  std::uint16_t charge_over_current_a;     // 318
  std::int16_t over_heat_c;                // 319
  std::int16_t low_temp_charge_c;          // 320
};

struct ChemistryProfile {
  Chemistry chemistry;
  std::string_view name;         // "lfp", as on the command line and in the truth JSON
  std::string_view description;  // "LiFePO4", for people
  // Strictly increasing in both columns, from 0 % to 100 % (the inverse relies on it).
  std::span<const OcvPoint> ocv_table;
  ChemistrySettings settings;
};

const ChemistryProfile& chemistry_profile(Chemistry chemistry);

std::string_view chemistry_name(Chemistry chemistry);

// "lfp", "nmc" or "lto" (exactly, lower case); nullopt for anything else.
std::optional<Chemistry> chemistry_from_name(std::string_view name);

// Empty when `name` is a chemistry, else a message naming the allowed values (for the command
// lines of tinybms-sim and tinybms-gw --sim-chemistry).
std::string unknown_chemistry_message(std::string_view name);

// The tables, one file per chemistry (chemistry_lfp.cpp, ...); use chemistry_profile().
namespace chemistry_tables {
const ChemistryProfile& lfp();
const ChemistryProfile& nmc();
const ChemistryProfile& lto();
}  // namespace chemistry_tables

}  // namespace tbgw::sim
