// Thevenin cell models in series; see cell_pack.hpp.
#include "sim/cell_pack.hpp"

#include <algorithm>
#include <cmath>

#include "sim/ocv_curve.hpp"
#include "sim/rng.hpp"

namespace tbgw::sim {
namespace {

constexpr double kMinSocPct = -5.0;
constexpr double kMaxSocPct = 110.0;
constexpr double kColdResistancePerK = 0.015;
constexpr double kMaxColdFactor = 3.0;
constexpr double kSecondsPerHour = 3600.0;

double temperature_factor(double temp_c) {
  return std::clamp(1.0 + kColdResistancePerK * (25.0 - temp_c), 1.0, kMaxColdFactor);
}

}  // namespace

CellPack::CellPack(const CellPackParams& params)
    : p_(params), cells_(std::clamp(params.cells, 1, kMaxCells)) {
  Rng rng(params.seed, 0);
  for (int i = 0; i < cells_; ++i) {
    Cell& c = cell_[static_cast<std::size_t>(i)];
    c.capacity_ah = p_.capacity_ah * (1.0 + p_.capacity_spread_pct / 100.0 * rng.normal());
    c.soc_pct = std::clamp(p_.initial_soc_pct + p_.soc_spread_pct * rng.normal(), 0.0, 100.0);
    c.resistance_factor = std::max(0.1, 1.0 + p_.resistance_spread_pct / 100.0 * rng.normal());
  }
  update_voltages(0.0, 0, 25.0);
}

double CellPack::bleed_current_a(int i, std::uint16_t bleed_mask) const {
  if (((bleed_mask >> i) & 1U) == 0 || p_.balance_resistor_ohm <= 0.0) return 0.0;
  return voltage_v_[static_cast<std::size_t>(i)] / p_.balance_resistor_ohm;
}

void CellPack::step(double dt_s, double current_a, std::uint16_t bleed_mask, double temp_c) {
  const double tf = temperature_factor(temp_c);
  const double decay = std::exp(-dt_s / p_.tau_s);
  cell_heat_w_ = 0.0;
  bleed_heat_w_ = 0.0;
  for (int i = 0; i < cells_; ++i) {
    Cell& c = cell_[static_cast<std::size_t>(i)];
    const double bleed_a = bleed_current_a(i, bleed_mask);
    const double i_cell = current_a - bleed_a;
    bleed_heat_w_ += bleed_a * voltage_v_[static_cast<std::size_t>(i)];
    c.soc_pct += i_cell * dt_s / kSecondsPerHour / c.capacity_ah * 100.0;
    c.soc_pct = std::clamp(c.soc_pct, kMinSocPct, kMaxSocPct);
    const double r1 = p_.r1_ohm * c.resistance_factor * tf;
    c.v_rc = i_cell * r1 + (c.v_rc - i_cell * r1) * decay;
    const double r0 = p_.r0_ohm * c.resistance_factor * tf;
    cell_heat_w_ += i_cell * i_cell * r0 + c.v_rc * i_cell;
  }
  update_voltages(current_a, bleed_mask, temp_c);
}

void CellPack::update_voltages(double current_a, std::uint16_t bleed_mask, double temp_c) {
  const double tf = temperature_factor(temp_c);
  for (int i = 0; i < cells_; ++i) {
    const Cell& c = cell_[static_cast<std::size_t>(i)];
    // The bleed current of the previous voltage is close enough (it changes by microvolts).
    const double i_cell = current_a - bleed_current_a(i, bleed_mask);
    const double r0 = p_.r0_ohm * c.resistance_factor * tf;
    const double v = ocv_v(c.soc_pct, p_.chemistry) + i_cell * r0 + c.v_rc + c.drift_mv / 1000.0;
    voltage_v_[static_cast<std::size_t>(i)] = std::clamp(v, 0.0, 6.0);
  }
}

double CellPack::pack_voltage_v() const {
  double v = 0.0;
  for (int i = 0; i < cells_; ++i) v += voltage_v_[static_cast<std::size_t>(i)];
  return v;
}

double CellPack::mean_soc_pct() const {
  double s = 0.0;
  for (int i = 0; i < cells_; ++i) s += cell_[static_cast<std::size_t>(i)].soc_pct;
  return s / cells_;
}

void CellPack::add_drift_mv(int i, double mv) {
  if (i >= 0 && i < cells_) cell_[static_cast<std::size_t>(i)].drift_mv += mv;
}

void CellPack::clear_drift() {
  for (auto& c : cell_) c.drift_mv = 0.0;
}

}  // namespace tbgw::sim
