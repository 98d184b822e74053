// Load profiles: constant, scenario and the built-in solar day; see load_profile.hpp.
#include "sim/load_profile.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <utility>

namespace tbgw::sim {
namespace {

constexpr double kSecondsPerHour = 3600.0;
constexpr double kHoursPerDay = 24.0;

LoadDemand solar_demand(const SolarDay& s, double t_s, double ambient_c) {
  const double hour = std::fmod(s.start_hour + t_s / kSecondsPerHour, kHoursPerDay);
  const double pi = std::numbers::pi;
  double pv_a = 0.0;
  if (hour > 6.0 && hour < 18.0) pv_a = s.peak_charge_a * std::sin(pi * (hour - 6.0) / 12.0);
  double load_a = s.base_load_a;
  if (hour >= 17.0 && hour < 23.0) load_a += s.evening_load_a;
  const double ambient = ambient_c + s.ambient_swing_c * std::sin(2.0 * pi * (hour - 9.0) / 24.0);
  return {LoadQuantity::current_a, pv_a - load_a, ambient};
}

// The built-in day stays this far under a current cutoff, as a sensibly sized system would.
constexpr double kCutoffHeadroom = 0.75;

}  // namespace

SolarDay solar_day_for(Chemistry chemistry) {
  const ChemistrySettings& limits = chemistry_profile(chemistry).settings;
  SolarDay day;
  const double peak_discharge_a = day.base_load_a + day.evening_load_a;
  const double scale =
      std::min({1.0, kCutoffHeadroom * limits.charge_over_current_a / day.peak_charge_a,
                kCutoffHeadroom * limits.discharge_over_current_a / peak_discharge_a});
  if (scale >= 1.0) return day;  // the default day, untouched
  day.peak_charge_a *= scale;
  day.base_load_a *= scale;
  day.evening_load_a *= scale;
  return day;
}

LoadProfile LoadProfile::constant_current(double current_a) {
  LoadProfile p;
  p.kind = Kind::constant;
  p.quantity = LoadQuantity::current_a;
  p.value = current_a;
  return p;
}

LoadProfile LoadProfile::constant_power(double power_w) {
  LoadProfile p;
  p.kind = Kind::constant;
  p.quantity = LoadQuantity::power_w;
  p.value = power_w;
  return p;
}

LoadProfile LoadProfile::from_scenario(Scenario s) {
  LoadProfile p;
  p.kind = Kind::scenario;
  p.scenario = std::move(s);
  return p;
}

LoadProfile LoadProfile::solar_day(SolarDay s) {
  LoadProfile p;
  p.kind = Kind::solar_day;
  p.solar = s;
  return p;
}

LoadDemand LoadProfile::demand_at(double t_s, double ambient_c) const {
  switch (kind) {
    case Kind::constant:
      return {quantity, value, ambient_c};
    case Kind::scenario: {
      LoadDemand d = scenario_demand_at(scenario, t_s);
      if (std::isnan(d.ambient_c)) d.ambient_c = ambient_c;
      return d;
    }
    case Kind::solar_day:
      return solar_demand(solar, t_s, ambient_c);
  }
  return {LoadQuantity::current_a, 0.0, ambient_c};
}

}  // namespace tbgw::sim
