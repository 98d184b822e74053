// The simulated BMS's step: load, switches, cells, heat, measurement, protection, balancing,
// status. See battery_model.hpp for the order and the rules.
#include "sim/battery_model.hpp"

#include <algorithm>
#include <cmath>

namespace tbgw::sim {
namespace {

constexpr double kIdleA = Protection::kIdleCurrentA;
constexpr double kSecondsPerHour = 3600.0;
constexpr double kHeatCapacityJPerKPerAh = 21.0;  // prismatic LiFePO4, per cell; every chemistry
constexpr double kSohLossAtMaxCyclesPct = 20.0;
constexpr double kBalancingThermalMarginC = 10.0;

CellPackParams pack_params(const SimConfig& c) {
  CellPackParams p;
  p.chemistry = c.chemistry;
  p.cells = c.cells;
  p.capacity_ah = c.capacity_ah;
  p.initial_soc_pct = c.initial_soc_pct;
  p.capacity_spread_pct = c.capacity_spread_pct;
  p.soc_spread_pct = c.soc_spread_pct;
  p.resistance_spread_pct = c.resistance_spread_pct;
  p.r0_ohm = c.cell_resistance_mohm / 1000.0;
  p.r1_ohm = c.polarization_mohm / 1000.0;
  p.tau_s = c.polarization_tau_s;
  p.balance_resistor_ohm = c.balance_resistor_ohm;
  p.seed = c.seed;
  return p;
}

ThermalParams thermal_params(const SimConfig& c) {
  ThermalParams p;
  p.pack_heat_capacity_j_per_k = c.cells * c.capacity_ah * kHeatCapacityJPerKPerAh;
  return p;
}

}  // namespace

BatteryModel::BatteryModel(const SimConfig& config)
    : config_(config),
      settings_(SettingsDefaults{config.cells, config.capacity_ah, config.chemistry}),
      pack_(pack_params(config)),
      thermal_(thermal_params(config), config.ambient_c),
      soc_pct_(config.initial_soc_pct),
      soh_pct_(config.initial_soh_pct) {
  events_.add(event::kSystemStarted, lifetime_s());
  truth_.chemistry = config_.chemistry;
  truth_.cell_count = pack_.cells();
  truth_.soc_pct = soc_pct_;
  truth_.true_soc_pct = pack_.mean_soc_pct();
  truth_.soh_pct = soh_pct_;
  measure(Faults{}, config_.ambient_c);
  stats_.last_cleared_s = lifetime_s();
}

std::uint32_t BatteryModel::lifetime_s() const {
  return config_.initial_lifetime_s + static_cast<std::uint32_t>(model_ms_ / 1000);
}

ProtectionContext BatteryModel::context() {
  return ProtectionContext{settings_, events_, stats_, lifetime_s()};
}

double BatteryModel::demand_current_a(const LoadDemand& d) const {
  if (d.quantity == LoadQuantity::current_a) return d.value;
  const double pack_v = truth_.pack_voltage_v;
  return pack_v > 1.0 ? d.value / pack_v : 0.0;
}

void BatteryModel::step(const Faults& faults) {
  const double dt_s = config_.model_step_ms / 1000.0;
  const LoadDemand demand =
      config_.load.demand_at(static_cast<double>(model_ms_) / 1000.0, config_.ambient_c);
  const double demand_a = demand_current_a(demand);
  const bool regenerating = truth_.online_status == status::kRegeneration;
  const double current_a = protection_.gate(demand_a, dt_s, regenerating, context());

  if (faults.drift_cell >= 1 && faults.drift_cell <= pack_.cells()) {
    pack_.add_drift_mv(faults.drift_cell - 1, faults.drift_mv_per_min * dt_s / 60.0);
  }
  pack_.step(dt_s, current_a, bleed_mask_, thermal_.pack_c());
  thermal_.step(dt_s, demand.ambient_c, current_a, pack_.cell_heat_w(), pack_.bleed_heat_w());
  model_ms_ += config_.model_step_ms;

  const double capacity_ah = settings_.u16(reg::kCapacityCentiAh) / 100.0;
  const double step_ah = current_a * dt_s / kSecondsPerHour;
  soc_pct_ = std::clamp(soc_pct_ + step_ah / capacity_ah * 100.0, 0.0, 100.0);
  const double max_cycles = std::max<double>(1.0, settings_.u16(reg::kMaxCycles));
  soh_pct_ -= std::fabs(step_ah) / (2.0 * capacity_ah) / max_cycles * kSohLossAtMaxCyclesPct;
  soh_pct_ = std::max(0.0, soh_pct_);

  truth_.current_a = current_a;
  truth_.demand_current_a = demand_a;
  measure(faults, demand.ambient_c);

  const std::size_t pack_sensor =
      truth_.temp_present[TruthState::kTempExternal1]   ? TruthState::kTempExternal1
      : truth_.temp_present[TruthState::kTempExternal2] ? TruthState::kTempExternal2
                                                        : TruthState::kTempInternal;
  stats_.observe(current_a, truth_.max_cell_mv - truth_.min_cell_mv, truth_.temps_c[pack_sensor]);

  Measurements m;
  m.min_cell_mv = truth_.min_cell_mv;
  m.max_cell_mv = truth_.max_cell_mv;
  m.temps_c = truth_.temps_c;
  m.present = truth_.temp_present;
  m.current_a = current_a;
  m.soc_pct = soc_pct_;
  const Protection::Outcome outcome = protection_.evaluate(m, context());
  if (outcome.charge_done_now) soc_pct_ = 100.0;
  if (outcome.fully_discharged_now) soc_pct_ = 0.0;

  update_balancing();
  update_status(dt_s);

  truth_.soc_pct = soc_pct_;
  truth_.true_soc_pct = pack_.mean_soc_pct();
  truth_.soh_pct = soh_pct_;
  truth_.protection = protection_.flags();
  truth_.time_left_s = current_a < -kIdleA
                           ? static_cast<std::uint32_t>(soc_pct_ / 100.0 * capacity_ah /
                                                        -current_a * kSecondsPerHour)
                           : 0;
}

void BatteryModel::measure(const Faults& faults, double ambient_c) {
  truth_.model_ms = model_ms_;
  truth_.bms_lifetime_s = lifetime_s();
  truth_.ambient_c = ambient_c;
  const int n = pack_.cells();
  double sum_v = 0.0;
  truth_.min_cell_mv = 1e9;
  truth_.max_cell_mv = -1e9;
  for (int i = 0; i < n; ++i) {
    const double mv = pack_.cell_voltage_v(i) * 1000.0;
    truth_.cell_mv[static_cast<std::size_t>(i)] = mv;
    truth_.min_cell_mv = std::min(truth_.min_cell_mv, mv);
    truth_.max_cell_mv = std::max(truth_.max_cell_mv, mv);
    sum_v += mv / 1000.0;
  }
  truth_.pack_voltage_v = sum_v;

  truth_.temps_c = {thermal_.board_c(), thermal_.pack_c(), thermal_.surface_c()};
  truth_.temp_present = {true, config_.ext1_present, config_.ext2_present};
  for (std::size_t i = 0; i < truth_.temps_c.size(); ++i) {
    // An absent sensor cannot read anything, forced or not.
    if (faults.sensor_override_c[i] && truth_.temp_present[i]) {
      truth_.temps_c[i] = *faults.sensor_override_c[i];
    }
  }
}

void BatteryModel::update_balancing() {
  const double threshold_mv = settings_.u16(reg::kEarlyBalancingMv);
  const double allowed_mv = settings_.u16(reg::kAllowedDisbalanceMv);
  std::uint16_t needed = 0;
  for (int i = 0; i < pack_.cells(); ++i) {
    const double mv = truth_.cell_mv[static_cast<std::size_t>(i)];
    if (mv >= threshold_mv && mv - truth_.min_cell_mv > allowed_mv) {
      needed = static_cast<std::uint16_t>(needed | (1U << i));
    }
  }
  const double board_limit_c = settings_.i16(reg::kOverHeatC) - kBalancingThermalMarginC;
  const bool too_hot = protection_.flags().over_temperature || thermal_.board_c() >= board_limit_c;
  bleed_mask_ = too_hot ? 0 : needed;
  truth_.balancing_needed_mask = needed;
  truth_.balancing_active_mask = bleed_mask_;
}

void BatteryModel::update_status(double dt_s) {
  const double current_a = truth_.current_a;
  const double startup_s = settings_.u16(reg::kChargerStartupDelayS);
  const double disable_s = settings_.u16(reg::kChargerDisableDelayS);
  bool regenerating = false;
  if (current_a > kIdleA) {
    if (positive_run_s_ == 0.0) regen_candidate_ = since_discharge_s_ < startup_s;
    positive_run_s_ += dt_s;
    not_positive_s_ = 0.0;
    regenerating = regen_candidate_ && positive_run_s_ < startup_s;
    if (!regenerating && !truth_.charger_connected) {
      truth_.charger_connected = true;
      events_.add(event::kChargerConnected, lifetime_s());
      events_.add(event::kChargingStarted, lifetime_s());
      BmsStatistics::bump(stats_.charging_count);
    }
  } else {
    positive_run_s_ = 0.0;
    not_positive_s_ += dt_s;
    if (truth_.charger_connected && not_positive_s_ >= disable_s) {
      truth_.charger_connected = false;
      events_.add(event::kChargerDisconnected, lifetime_s());
    }
  }
  since_discharge_s_ = current_a < -kIdleA ? 0.0 : since_discharge_s_ + dt_s;

  const ProtectionFlags& f = protection_.flags();
  if (f.fault()) {
    truth_.online_status = status::kFault;
  } else if (current_a > kIdleA) {
    truth_.online_status = regenerating ? status::kRegeneration : status::kCharging;
  } else if (current_a < -kIdleA) {
    truth_.online_status = status::kDischarging;
  } else {
    truth_.online_status = f.charge_done ? status::kFullyCharged : status::kIdle;
  }
}

void BatteryModel::set_soh_pct(double soh_pct) {
  soh_pct_ = std::clamp(soh_pct, 0.0, 100.0);
  truth_.soh_pct = soh_pct_;
}

void BatteryModel::set_soc_pct(double soc_pct) {
  soc_pct_ = std::clamp(soc_pct, 0.0, 100.0);
  truth_.soc_pct = soc_pct_;
}

void BatteryModel::reset_bms() {
  protection_.reset();
  truth_.protection = protection_.flags();
  bleed_mask_ = 0;
  truth_.balancing_needed_mask = 0;
  truth_.balancing_active_mask = 0;
  truth_.charger_connected = false;
  positive_run_s_ = 0.0;
  not_positive_s_ = 0.0;
  stats_.reset_cause = BmsStatistics::kResetSoftware;
  events_.add(event::kSystemStarted, lifetime_s());
}

}  // namespace tbgw::sim
