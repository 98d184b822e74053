// CellPack: the electrochemistry of N cells of one chemistry in series (no BMS logic here).
//
// Each cell is a Thevenin model: OCV(SOC) from ocv_curve.hpp (the chemistry's curve; the
// resistances below are the same for every chemistry), a series resistance R0 and one
// RC branch (R1, tau) for polarisation and relaxation:
//   V_cell = OCV(SOC) + I_cell * R0(T) + V_rc + drift,    dV_rc/dt = (I_cell * R1 - V_rc) / tau
// with I_cell positive when charging. R0 and R1 rise in the cold (+1.5 %/K below 25 degC,
// capped at 3x). SOC is coulomb counted per cell against the cell's own capacity. A bleeding
// cell (passive balancing) loses V_cell / R_bleed on top of the pack current.
//
// Per-cell capacity, initial SOC and resistance are drawn once from the seeded Rng (normal,
// spreads given as 1-sigma, clamped at 3 sigma), so the same seed builds the same pack.
// `drift` is the fault injector's voltage offset (a cell "drifting high"): it moves the
// terminal voltage the BMS measures, not the cell's charge. Bounds: 1-16 cells; SOC is kept
// within -5..110 % so a runaway scenario cannot push the curve to nonsense.
#pragma once

#include <array>
#include <cstdint>

#include "sim/chemistry.hpp"

namespace tbgw::sim {

struct CellPackParams {
  Chemistry chemistry = Chemistry::lfp;  // picks the OCV curve
  int cells = 16;
  double capacity_ah = 280.0;          // nominal capacity per cell
  double initial_soc_pct = 60.0;       // mean initial SOC
  double capacity_spread_pct = 1.0;    // 1 sigma, % of nominal
  double soc_spread_pct = 0.5;         // 1 sigma, percentage points
  double resistance_spread_pct = 5.0;  // 1 sigma, % of nominal
  double r0_ohm = 0.0005;              // series resistance per cell at 25 degC
  double r1_ohm = 0.0003;              // polarisation resistance per cell
  double tau_s = 60.0;                 // polarisation time constant
  double balance_resistor_ohm = 22.0;  // bleed resistor per channel
  std::uint64_t seed = 1;
};

class CellPack {
 public:
  static constexpr int kMaxCells = 16;

  explicit CellPack(const CellPackParams& params);

  // Advances every cell by dt_s with the pack current (A, + = charging); cells whose bit is set
  // in bleed_mask (bit i = pack cell i+1) are bled; temp_c sets the resistances.
  void step(double dt_s, double current_a, std::uint16_t bleed_mask, double temp_c);

  int cells() const { return cells_; }
  double cell_voltage_v(int i) const { return voltage_v_[static_cast<std::size_t>(i)]; }
  double cell_soc_pct(int i) const { return cell_[static_cast<std::size_t>(i)].soc_pct; }
  double cell_capacity_ah(int i) const { return cell_[static_cast<std::size_t>(i)].capacity_ah; }
  double pack_voltage_v() const;
  double mean_soc_pct() const;
  // Losses of the last step: inside the cells (I^2 R0 + polarisation), and in the bleed resistors.
  double cell_heat_w() const { return cell_heat_w_; }
  double bleed_heat_w() const { return bleed_heat_w_; }

  void add_drift_mv(int i, double mv);
  double drift_mv(int i) const { return cell_[static_cast<std::size_t>(i)].drift_mv; }
  void clear_drift();

 private:
  struct Cell {
    double capacity_ah = 0.0;
    double soc_pct = 0.0;
    double resistance_factor = 1.0;
    double v_rc = 0.0;
    double drift_mv = 0.0;
  };

  void update_voltages(double current_a, std::uint16_t bleed_mask, double temp_c);
  double bleed_current_a(int i, std::uint16_t bleed_mask) const;

  CellPackParams p_;
  int cells_;
  std::array<Cell, kMaxCells> cell_{};
  std::array<double, kMaxCells> voltage_v_{};
  double cell_heat_w_ = 0.0;
  double bleed_heat_w_ = 0.0;
};

}  // namespace tbgw::sim
