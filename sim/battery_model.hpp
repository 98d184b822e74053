// BatteryModel: the simulated TinyBMS and its pack, stepped at a fixed model step.
//
// One step (default 100 ms of model time, the BMS's sampling period):
//   1. the load profile gives the demand at this model time (a power is turned into a current
//      with the last pack voltage);
//   2. Protection::gate() judges over-current on the demand and lets through what the open or
//      closed switches allow;
//   3. the cells (cell_pack.hpp) and the thermal masses (thermal_model.hpp) advance;
//   4. the BMS measures: cell voltages (with any injected drift), temperatures (with any
//      injected sensor reading), and updates its coulomb-counted SOC against register 306
//      (calibrated to 100 % at charge done and 0 % at the fully-discharged cutoff), SOH
//      (loses 20 % over the register-322 cycle count), statistics and the lifetime counter;
//   5. Protection::evaluate() trips and recovers the cutoffs; passive balancing picks the cells
//      to bleed in the next step: those at or above the early-balancing threshold (303) that
//      stand more than the allowed disbalance (308) above the lowest cell; bleeding pauses
//      during an over-temperature cutoff and while the board is within 10 degC of the
//      over-heat limit (319), so balancing alone never trips it;
//   6. the online status follows: fault (0x9B) when a fault cutoff is active, otherwise charging
//      (0x91) or regeneration (0x96) above +0.1 A, discharging (0x93) below -0.1 A, fully
//      charged (0x92) after charge done, idle (0x97). A positive current that starts less than
//      the charger startup delay (310) after a discharge is regeneration until it has lasted
//      that long; otherwise it is a charger ("charger connected" 0x64, "charging started" 0x62,
//      charging count +1). The charger counts as gone after the disable delay (311) at <= 0.1 A.
//
// The BMS's clock (lifetime counter, event timestamps, protection timers) runs in model time.
// Settings changes (settings_table.hpp) take effect at the next step. Single-threaded.
#pragma once

#include <cstdint>
#include <utility>

#include "sim/bms_statistics.hpp"
#include "sim/cell_pack.hpp"
#include "sim/event_log.hpp"
#include "sim/faults.hpp"
#include "sim/protection.hpp"
#include "sim/settings_table.hpp"
#include "sim/sim_config.hpp"
#include "sim/thermal_model.hpp"
#include "sim/truth_state.hpp"

namespace tbgw::sim {

class BatteryModel {
 public:
  explicit BatteryModel(const SimConfig& config);  // expects a sanitized() config

  // One model step of config.model_step_ms.
  void step(const Faults& faults);

  const TruthState& truth() const { return truth_; }
  std::int64_t model_ms() const { return model_ms_; }
  std::uint32_t lifetime_s() const;

  SettingsTable& settings() { return settings_; }
  const SettingsTable& settings() const { return settings_; }
  EventLog& events() { return events_; }
  const EventLog& events() const { return events_; }
  BmsStatistics& statistics() { return stats_; }
  const BmsStatistics& statistics() const { return stats_; }
  const CellPack& cells() const { return pack_; }

  void set_load(LoadProfile load) { config_.load = std::move(load); }
  const LoadProfile& load() const { return config_.load; }
  void set_ambient_c(double ambient_c) { config_.ambient_c = ambient_c; }

  // Effects of accepted register writes 323/328 (raw 0.002 % steps).
  void set_soh_pct(double soh_pct);
  void set_soc_pct(double soc_pct);
  void clear_events() { events_.clear(); }
  void clear_statistics() { stats_.clear(lifetime_s()); }
  // Command 0x02 option 5: cutoffs cleared and re-evaluated, "system started" logged, reset
  // cause = software. Charge, settings, events and statistics survive (they live in flash/RAM
  // the reset does not touch on a real unit as far as the document says).
  void reset_bms();
  // The link woke the BMS (register 114 high byte).
  void note_wake(std::uint8_t cause) { stats_.wake_cause = cause; }
  // Link-level sleep, reported in the truth (the Simulator owns the sleep rules).
  void set_asleep(bool asleep) { truth_.asleep = asleep; }
  // Drop any injected drift (fault clear).
  void clear_drift() { pack_.clear_drift(); }

 private:
  double demand_current_a(const LoadDemand& d) const;
  void measure(const Faults& faults, double ambient_c);
  void update_balancing();
  void update_status(double dt_s);
  ProtectionContext context();

  SimConfig config_;
  SettingsTable settings_;
  CellPack pack_;
  ThermalModel thermal_;
  Protection protection_;
  EventLog events_;
  BmsStatistics stats_;
  TruthState truth_;

  std::int64_t model_ms_ = 0;
  double soc_pct_;
  double soh_pct_;
  std::uint16_t bleed_mask_ = 0;
  // Charger/regeneration tracking (see the top comment).
  double since_discharge_s_ = 1e9;
  double positive_run_s_ = 0.0;
  double not_positive_s_ = 0.0;
  bool regen_candidate_ = false;
};

}  // namespace tbgw::sim
