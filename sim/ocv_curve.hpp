// Open-circuit voltage of one LiFePO4 cell as a function of its state of charge.
//
// A table of (SOC %, V) points with linear interpolation between them. The shape is the one
// every LiFePO4 datasheet shows: a steep knee below ~10 %, a flat plateau (3.20-3.35 V from
// 10 % to 90 %, with the two characteristic small steps near 30 % and 70 %), and a steep knee
// above ~97 % up to 3.65 V at 100 % (the usual charge voltage). The points are typical values
// read off published curves of prismatic 100-280 Ah cells at 25 degC, rested; they are an
// approximation, not one manufacturer's table, and hysteresis between charge and discharge is
// ignored (the model's RC branch gives the dynamic part).
//
// Outside 0-100 % (an overcharged or overdischarged cell, possible when a user sets a cutoff
// beyond the knee) the curve continues with a steep fixed slope so that voltage cutoffs still
// fire; the result is clamped to 0-5 V.
#pragma once

namespace tbgw::sim {

// Rested cell voltage in volts for `soc_pct` (any value; see above for outside 0-100).
double ocv_v(double soc_pct);

// The inverse on the monotonic table: the SOC whose OCV is `voltage_v` (clamped to 0-100 %).
// Used to start a cell from a voltage and by tests.
double soc_from_ocv_pct(double voltage_v);

}  // namespace tbgw::sim
