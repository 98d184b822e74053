// Li-ion NMC (nmc): OCV table and typical TinyBMS settings.
//
// OCV shape: a graphite / NMC (LiNiMnCoO2) cell has no plateau: steep from 3.00 V at 0 % to
// ~3.49 V at 10 %, then a steady slope, gentle in the lower half (~4 mV per %: 3.57 V at 20 %,
// 3.70 V at 50 %) and steeper in the upper half (~10 mV per %: 3.95 V at 80 %), up to 4.20 V at
// 100 % (the usual charge voltage). The points are typical values read off published rested OCV
// curves of NMC pouch and cylindrical cells at 25 degC (datasheets and battery-modelling
// papers); an approximation, not one manufacturer's table, with no hysteresis. They agree with
// the real 14S unit of the spec ("A real unit, as a decoder fixture"): 3.98-3.99 V per cell at
// 83.55 % SOC, idle.
//
// Settings: that real unit's (spec "A real unit, as a decoder fixture"): 301 = 3000 mV,
// 303 = 3200 mV, 304 = 1000 mA, 308 = 15 mV, 315 = 4200 mV, 316 = 2900 mV, 317 = 60 A,
// 318 = 20 A, 319 = 60 degC, 320 = 1 degC. The capture does not show 300 (fully charged):
// 4150 mV, 50 mV under the over-voltage cutoff, is the simulator's choice.
#include <array>

#include "sim/chemistry.hpp"

namespace tbgw::sim::chemistry_tables {
namespace {

constexpr std::array<OcvPoint, 20> kOcv{{
    {0.0, 3.000},  {1.0, 3.150},  {2.0, 3.250},  {4.0, 3.360},  {6.0, 3.420},
    {8.0, 3.460},  {10.0, 3.490}, {15.0, 3.540}, {20.0, 3.570}, {30.0, 3.620},
    {40.0, 3.660}, {50.0, 3.700}, {60.0, 3.770}, {70.0, 3.850}, {80.0, 3.950},
    {85.0, 4.000}, {90.0, 4.060}, {95.0, 4.120}, {98.0, 4.170}, {100.0, 4.200},
}};

constexpr ChemistrySettings kSettings{
    .fully_charged_mv = 4150,
    .fully_discharged_mv = 3000,
    .early_balancing_mv = 3200,
    .charge_finished_ma = 1000,
    .allowed_disbalance_mv = 15,
    .over_voltage_mv = 4200,
    .under_voltage_mv = 2900,
    .discharge_over_current_a = 60,
    .charge_over_current_a = 20,
    .over_heat_c = 60,
    .low_temp_charge_c = 1,
};

constexpr ChemistryProfile kProfile{Chemistry::nmc, "nmc", "Li-ion NMC", kOcv, kSettings};

}  // namespace

const ChemistryProfile& nmc() {
  return kProfile;
}

}  // namespace tbgw::sim::chemistry_tables
