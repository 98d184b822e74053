// Lumped two-node thermal model; see thermal_model.hpp.
#include "sim/thermal_model.hpp"

namespace tbgw::sim {

ThermalModel::ThermalModel(const ThermalParams& params, double initial_c)
    : p_(params), pack_c_(initial_c), board_c_(initial_c), surface_c_(initial_c) {}

void ThermalModel::step(double dt_s, double ambient_c, double current_a, double pack_heat_w,
                        double bleed_w) {
  const double pack_loss_w = (pack_c_ - ambient_c) / p_.pack_to_ambient_k_per_w;
  pack_c_ += dt_s * (pack_heat_w - pack_loss_w) / p_.pack_heat_capacity_j_per_k;

  const double board_heat_w =
      current_a * current_a * p_.switch_resistance_ohm + bleed_w + p_.board_quiescent_w;
  const double board_loss_w = (board_c_ - ambient_c) / p_.board_to_ambient_k_per_w;
  board_c_ += dt_s * (board_heat_w - board_loss_w) / p_.board_heat_capacity_j_per_k;

  const double surface_target = ambient_c + p_.surface_pack_fraction * (pack_c_ - ambient_c);
  surface_c_ += dt_s * (surface_target - surface_c_) / p_.surface_lag_s;
}

}  // namespace tbgw::sim
