// Evaluation of a scenario timeline at one instant; see scenario.hpp.
#include "sim/scenario.hpp"

#include <cmath>
#include <limits>

namespace tbgw::sim {
namespace {

LoadDemand demand_of(const ScenarioPoint& p) {
  return {p.quantity, p.value, p.ambient_c};
}

double lerp(double a, double b, double f) {
  // NaN means "configured ambient" and must stay NaN, not be blended into a number.
  if (std::isnan(a) || std::isnan(b)) return f < 1.0 ? a : b;
  return a + (b - a) * f;
}

}  // namespace

LoadDemand scenario_demand_at(const Scenario& scenario, double t_s) {
  const auto& pts = scenario.points;
  if (pts.empty()) return {LoadQuantity::current_a, 0.0, std::numeric_limits<double>::quiet_NaN()};
  const double period_s = pts.back().time_s;
  if (scenario.repeat && period_s > 0.0 && t_s >= period_s) t_s = std::fmod(t_s, period_s);
  if (t_s < pts.front().time_s) return demand_of(pts.front());
  for (std::size_t i = 0; i + 1 < pts.size(); ++i) {
    const ScenarioPoint& a = pts[i];
    const ScenarioPoint& b = pts[i + 1];
    if (t_s >= b.time_s) continue;
    if (b.transition == Transition::hold) return demand_of(a);
    const double f = (t_s - a.time_s) / (b.time_s - a.time_s);
    return {a.quantity, lerp(a.value, b.value, f), lerp(a.ambient_c, b.ambient_c, f)};
  }
  return demand_of(pts.back());
}

}  // namespace tbgw::sim
