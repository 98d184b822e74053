// Lithium titanate (lto): OCV table and typical TinyBMS settings.
//
// OCV shape: an LTO (Li4Ti5O12 anode) cell against an NMC or LMO cathode sits ~1.5 V lower than
// a graphite cell: steep from 1.80 V at 0 % to ~2.19 V at 10 %, then a gently sloping plateau
// (2.19-2.48 V from 10 % to 90 %, 2.34 V at 50 %), and a knee above ~95 % up to 2.80 V at 100 %
// (the charge voltage of the common 2.8 V-max cells). The points are typical values read off
// published rested OCV curves of LTO cells at 25 degC (datasheets of prismatic and cylindrical
// LTO cells, nominal 2.3-2.4 V, range 1.5-2.8 V); an approximation, not one manufacturer's
// table, with no hysteresis.
//
// Settings: typical for such a pack: charge to 2.70 V per cell (300) with the over-voltage
// cutoff at the 2.80 V maximum (315), empty at 2.00 V (301) with the under-voltage cutoff at
// 1.80 V (316), balancing from 2.50 V (303, the top knee), 200 A / 150 A over-current (317/318,
// as LiFePO4), over-heat 60 degC (319). LTO charges in the cold (datasheets allow charging
// down to -20 or -30 degC), so the low-temperature charge cutoff (320) is -20 degC (its range
// is -40..+10).
#include <array>

#include "sim/chemistry.hpp"

namespace tbgw::sim::chemistry_tables {
namespace {

constexpr std::array<OcvPoint, 21> kOcv{{
    {0.0, 1.800},  {1.0, 1.900},  {2.0, 1.980},   {4.0, 2.070},  {6.0, 2.120},  {8.0, 2.160},
    {10.0, 2.190}, {15.0, 2.230}, {20.0, 2.255},  {30.0, 2.285}, {40.0, 2.315}, {50.0, 2.340},
    {60.0, 2.365}, {70.0, 2.395}, {80.0, 2.430},  {90.0, 2.480}, {95.0, 2.540}, {97.0, 2.590},
    {98.0, 2.630}, {99.0, 2.690}, {100.0, 2.800},
}};

constexpr ChemistrySettings kSettings{
    .fully_charged_mv = 2700,
    .fully_discharged_mv = 2000,
    .early_balancing_mv = 2500,
    .charge_finished_ma = 1000,
    .allowed_disbalance_mv = 15,
    .over_voltage_mv = 2800,
    .under_voltage_mv = 1800,
    .discharge_over_current_a = 200,
    .charge_over_current_a = 150,
    .over_heat_c = 60,
    .low_temp_charge_c = -20,
};

constexpr ChemistryProfile kProfile{Chemistry::lto, "lto", "lithium titanate (LTO)", kOcv,
                                    kSettings};

}  // namespace

const ChemistryProfile& lto() {
  return kProfile;
}

}  // namespace tbgw::sim::chemistry_tables
