// LiFePO4 OCV table and interpolation; see ocv_curve.hpp for the source of the points.
#include "sim/ocv_curve.hpp"

#include <algorithm>
#include <array>
#include <cstddef>

namespace tbgw::sim {
namespace {

struct OcvPoint {
  double soc_pct;
  double voltage_v;
};

// Strictly increasing in both columns (the inverse relies on it).
constexpr std::array<OcvPoint, 22> kTable{{
    {0.0, 2.500},  {1.0, 2.800},  {2.0, 2.950},  {4.0, 3.050},   {6.0, 3.120},  {8.0, 3.170},
    {10.0, 3.200}, {15.0, 3.225}, {20.0, 3.245}, {30.0, 3.270},  {40.0, 3.285}, {50.0, 3.295},
    {60.0, 3.305}, {70.0, 3.320}, {80.0, 3.330}, {90.0, 3.340},  {95.0, 3.355}, {97.0, 3.375},
    {98.0, 3.400}, {99.0, 3.450}, {99.5, 3.520}, {100.0, 3.650},
}};

// Beyond the table: 0.2 V per % SOC (an overcharged cell shoots up, an empty one collapses).
constexpr double kOutsideSlopeVPerPct = 0.2;

}  // namespace

double ocv_v(double soc_pct) {
  double v = 0.0;
  if (soc_pct <= kTable.front().soc_pct) {
    v = kTable.front().voltage_v - (kTable.front().soc_pct - soc_pct) * kOutsideSlopeVPerPct;
  } else if (soc_pct >= kTable.back().soc_pct) {
    v = kTable.back().voltage_v + (soc_pct - kTable.back().soc_pct) * kOutsideSlopeVPerPct;
  } else {
    std::size_t i = 1;
    while (kTable[i].soc_pct < soc_pct) ++i;
    const OcvPoint& a = kTable[i - 1];
    const OcvPoint& b = kTable[i];
    const double f = (soc_pct - a.soc_pct) / (b.soc_pct - a.soc_pct);
    v = a.voltage_v + f * (b.voltage_v - a.voltage_v);
  }
  return std::clamp(v, 0.0, 5.0);
}

double soc_from_ocv_pct(double voltage_v) {
  if (voltage_v <= kTable.front().voltage_v) return 0.0;
  if (voltage_v >= kTable.back().voltage_v) return 100.0;
  std::size_t i = 1;
  while (kTable[i].voltage_v < voltage_v) ++i;
  const OcvPoint& a = kTable[i - 1];
  const OcvPoint& b = kTable[i];
  const double f = (voltage_v - a.voltage_v) / (b.voltage_v - a.voltage_v);
  return a.soc_pct + f * (b.soc_pct - a.soc_pct);
}

}  // namespace tbgw::sim
