// LiFePO4 (lfp, the default chemistry): OCV table and typical TinyBMS settings.
//
// OCV shape: the one every LiFePO4 datasheet shows: a steep knee below ~10 % (2.50 V at 0 %),
// a flat plateau (3.20-3.35 V from 10 % to 90 %, with the two characteristic small steps near
// 30 % and 70 %), and a steep knee above ~97 % up to 3.65 V at 100 % (the usual charge
// voltage). The points are typical values read off published curves of prismatic 100-280 Ah
// cells at 25 degC, rested; they are an approximation, not one manufacturer's table, and
// hysteresis between charge and discharge is ignored (the model's RC branch gives the dynamic
// part).
//
// Settings: the simulator's defaults since it was written, usual values for a LiFePO4 pack:
// charge to 3.55 V per cell (fully charged, 300) with the over-voltage cutoff at the 3.65 V
// datasheet maximum (315), empty at 2.90 V (301) with the under-voltage cutoff at 2.80 V
// (316), balancing from 3.40 V (303, the top knee), no charging below 0 degC (320).
#include <array>

#include "sim/chemistry.hpp"

namespace tbgw::sim::chemistry_tables {
namespace {

constexpr std::array<OcvPoint, 22> kOcv{{
    {0.0, 2.500},  {1.0, 2.800},  {2.0, 2.950},  {4.0, 3.050},   {6.0, 3.120},  {8.0, 3.170},
    {10.0, 3.200}, {15.0, 3.225}, {20.0, 3.245}, {30.0, 3.270},  {40.0, 3.285}, {50.0, 3.295},
    {60.0, 3.305}, {70.0, 3.320}, {80.0, 3.330}, {90.0, 3.340},  {95.0, 3.355}, {97.0, 3.375},
    {98.0, 3.400}, {99.0, 3.450}, {99.5, 3.520}, {100.0, 3.650},
}};

constexpr ChemistrySettings kSettings{
    .fully_charged_mv = 3550,
    .fully_discharged_mv = 2900,
    .early_balancing_mv = 3400,
    .charge_finished_ma = 1000,
    .allowed_disbalance_mv = 15,
    .over_voltage_mv = 3650,
    .under_voltage_mv = 2800,
    .discharge_over_current_a = 200,
    .charge_over_current_a = 150,
    .over_heat_c = 60,
    .low_temp_charge_c = 0,
};

constexpr ChemistryProfile kProfile{Chemistry::lfp, "lfp", "LiFePO4", kOcv, kSettings};

}  // namespace

const ChemistryProfile& lfp() {
  return kProfile;
}

}  // namespace tbgw::sim::chemistry_tables
