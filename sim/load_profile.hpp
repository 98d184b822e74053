// LoadProfile: what the outside world asks of the battery over model time.
//
// Three kinds:
//  - constant: a fixed current (A) or power (W), positive = charging;
//  - scenario: a parsed scenario file (scenario.hpp, SCENARIO_FORMAT.md);
//  - solar day: a built-in 24 h cycle of model time. PV charge follows a half sine from 06:00 to
//    18:00 peaking at `peak_charge_a` at noon; a house load of `base_load_a` runs all day plus
//    `evening_load_a` from 17:00 to 23:00; the ambient swings +-`ambient_swing_c` around the
//    configured ambient, warmest at 15:00. The net current is PV minus load, so the pack charges
//    by day and discharges at night. `start_hour` is the time of day at model time 0. The
//    simulator's time_factor scales model time against wall time (144 = a day in 10 minutes).
//
// The demand is what the load would draw; the BMS's switches may force it to 0 (protection.hpp).
#pragma once

#include "sim/chemistry.hpp"
#include "sim/scenario.hpp"

namespace tbgw::sim {

struct SolarDay {
  double peak_charge_a = 60.0;   // PV charge current at noon, A
  double base_load_a = 6.0;      // constant house load, A (drawn day and night)
  double evening_load_a = 20.0;  // extra load 17:00-23:00, A
  double ambient_swing_c = 5.0;  // +- around the configured ambient, degC
  double start_hour = 6.0;       // time of day at model time 0, h (0-24)
};

// The built-in day sized for a chemistry's default current cutoffs (317/318, chemistry.hpp), so
// that it never trips them: every current is scaled down (never up) by one factor that keeps
// the PV peak at most 3/4 of the charge over-current cutoff and the evening peak load at most
// 3/4 of the discharge one. LiFePO4 and LTO (150 A / 200 A) keep the default day unchanged;
// NMC (20 A / 60 A) gets a quarter of it (15 A PV peak, 1.5 A base, +5 A evening).
SolarDay solar_day_for(Chemistry chemistry);

struct LoadProfile {
  enum class Kind { constant, scenario, solar_day };

  Kind kind = Kind::constant;
  LoadQuantity quantity = LoadQuantity::current_a;  // constant kind only
  double value = 0.0;                               // constant kind only: A or W
  Scenario scenario;                                // scenario kind only
  SolarDay solar;                                   // solar_day kind only

  static LoadProfile constant_current(double current_a);
  static LoadProfile constant_power(double power_w);
  static LoadProfile from_scenario(Scenario s);
  static LoadProfile solar_day(SolarDay s = {});

  // The demand at model time `t_s`; `ambient_c` is the configured ambient, used where the
  // profile says nothing about temperature. The returned ambient_c is always a number.
  LoadDemand demand_at(double t_s, double ambient_c) const;
};

}  // namespace tbgw::sim
