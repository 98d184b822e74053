// OCV interpolation over a chemistry's table; see ocv_curve.hpp (the tables are in
// chemistry_*.cpp).
#include "sim/ocv_curve.hpp"

#include <algorithm>
#include <cstddef>
#include <span>

namespace tbgw::sim {
namespace {

// Beyond the table: 0.2 V per % SOC (an overcharged cell shoots up, an empty one collapses).
constexpr double kOutsideSlopeVPerPct = 0.2;

}  // namespace

double ocv_v(double soc_pct, Chemistry chemistry) {
  const std::span<const OcvPoint> table = chemistry_profile(chemistry).ocv_table;
  double v = 0.0;
  if (soc_pct <= table.front().soc_pct) {
    v = table.front().voltage_v - (table.front().soc_pct - soc_pct) * kOutsideSlopeVPerPct;
  } else if (soc_pct >= table.back().soc_pct) {
    v = table.back().voltage_v + (soc_pct - table.back().soc_pct) * kOutsideSlopeVPerPct;
  } else {
    std::size_t i = 1;
    while (table[i].soc_pct < soc_pct) ++i;
    const OcvPoint& a = table[i - 1];
    const OcvPoint& b = table[i];
    const double f = (soc_pct - a.soc_pct) / (b.soc_pct - a.soc_pct);
    v = a.voltage_v + f * (b.voltage_v - a.voltage_v);
  }
  return std::clamp(v, 0.0, 5.0);
}

double soc_from_ocv_pct(double voltage_v, Chemistry chemistry) {
  const std::span<const OcvPoint> table = chemistry_profile(chemistry).ocv_table;
  if (voltage_v <= table.front().voltage_v) return 0.0;
  if (voltage_v >= table.back().voltage_v) return 100.0;
  std::size_t i = 1;
  while (table[i].voltage_v < voltage_v) ++i;
  const OcvPoint& a = table[i - 1];
  const OcvPoint& b = table[i];
  const double f = (voltage_v - a.voltage_v) / (b.voltage_v - a.voltage_v);
  return a.soc_pct + f * (b.soc_pct - a.soc_pct);
}

}  // namespace tbgw::sim
