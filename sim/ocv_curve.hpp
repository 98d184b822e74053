// Open-circuit voltage of one cell as a function of its state of charge, per chemistry.
//
// Each chemistry has a table of (SOC %, V) points (chemistry_lfp.cpp, chemistry_nmc.cpp,
// chemistry_lto.cpp: the shape and where the values come from are documented there) with linear
// interpolation between them, rested cell at 25 degC, no hysteresis (the model's RC branch gives
// the dynamic part):
//   lfp  2.50 V at 0 %, flat plateau 3.20-3.34 V from 10 % to 90 %, 3.65 V at 100 %
//   nmc  3.00 V at 0 %, a steady slope with no plateau, 3.70 V at 50 %, 4.20 V at 100 %
//   lto  1.80 V at 0 %, gently sloping 2.19-2.48 V from 10 % to 90 %, 2.80 V at 100 %
//
// Outside 0-100 % (an overcharged or overdischarged cell, possible when a user sets a cutoff
// beyond the knee) every curve continues with the same steep fixed slope so that voltage
// cutoffs still fire; the result is clamped to 0-5 V.
#pragma once

#include "sim/chemistry.hpp"

namespace tbgw::sim {

// Rested cell voltage in volts for `soc_pct` (any value; see above for outside 0-100).
double ocv_v(double soc_pct, Chemistry chemistry = Chemistry::lfp);

// The inverse on the monotonic table: the SOC whose OCV is `voltage_v` (clamped to 0-100 %).
// Used to start a cell from a voltage and by tests.
double soc_from_ocv_pct(double voltage_v, Chemistry chemistry = Chemistry::lfp);

}  // namespace tbgw::sim
