// ThermalModel: temperatures the BMS's three sensors see.
//
// Two lumped thermal masses, each a first-order node coupled to ambient:
//   C dT/dt = P - (T - T_ambient) / R
//  - the pack (external sensor 1, on a cell): heated by the cells' I^2 R0 and polarisation
//    losses; C defaults to ~21 J/K per Ah per cell (a prismatic LiFePO4 cell), R to 0.1 K/W for
//    the whole pack, so 100 A through a 16S 280 Ah pack at 0.5 mOhm/cell warms it ~8 K above
//    ambient with a time constant of ~2.6 h;
//  - the BMS board (internal sensor): heated by the current path's switch resistance, the
//    balancing bleed resistors and its own quiescent draw; small and fast (150 J/K, 2.5 K/W: 12
//    cells bleeding at 0.15 A warm it ~16 K).
// External sensor 2 sits on the pack's surface: it follows the pack node with a lag, reading
// a quarter of the way from the pack towards ambient.
//
// Explicit Euler with the model's 0.1 s step is far inside the stability bound (tau >= 600 s).
#pragma once

namespace tbgw::sim {

struct ThermalParams {
  double pack_heat_capacity_j_per_k = 16 * 280 * 21.0;  // whole pack
  double pack_to_ambient_k_per_w = 0.1;
  double board_heat_capacity_j_per_k = 150.0;
  double board_to_ambient_k_per_w = 2.5;
  double switch_resistance_ohm = 0.0003;  // current path through the board (shunt + switch)
  double board_quiescent_w = 0.25;
  double surface_lag_s = 600.0;         // sensor 2 lag behind the pack node
  double surface_pack_fraction = 0.75;  // sensor 2 reads ambient + 0.75 x (pack - ambient)
};

class ThermalModel {
 public:
  ThermalModel(const ThermalParams& params, double initial_c);

  // pack_heat_w: losses inside the cells; bleed_w: balancing resistors on the board.
  void step(double dt_s, double ambient_c, double current_a, double pack_heat_w, double bleed_w);

  double pack_c() const { return pack_c_; }
  double board_c() const { return board_c_; }
  double surface_c() const { return surface_c_; }

 private:
  ThermalParams p_;
  double pack_c_;
  double board_c_;
  double surface_c_;
};

}  // namespace tbgw::sim
