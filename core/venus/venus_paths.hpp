// The object paths of com.victronenergy.battery.* that tinybms-gw publishes, with their unit,
// display resolution and whether a client may write them (spec/venus-dbus.md §1-§2).
//
// Theory of operation: one enum value per path, in the order of one constant table, so a value
// table is a plain array indexed by Path and the adapter can register every object before it
// claims the bus name ("register last": DbusMonitor scans once, at NameOwnerChanged). Cells have
// a run of 16 consecutive paths each (/Voltages/CellN, /Balances/CellN), reached with cell_path().
//
// Units follow Victron: SI except kWh and degC; current and power positive = charging.
// Bounds: kPathCount paths (< 200), constant data, no allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/venus/venus_value.hpp"

namespace tbgw::venus {

enum class Path : std::uint16_t {
  // mandatory (velib add_mandatory_paths) and identity
  mgmt_process_name,
  mgmt_process_version,
  mgmt_connection,
  device_instance,
  product_id,
  product_name,
  firmware_version,
  hardware_version,
  connected,
  custom_name,
  serial,
  // measurements
  dc_voltage,
  dc_current,
  dc_power,
  dc_temperature,
  soc,
  soh,
  installed_capacity,
  capacity,
  consumed_amphours,
  time_to_go,
  // DVCC
  info_max_charge_voltage,
  info_max_charge_current,
  info_max_discharge_current,
  info_battery_low_voltage,
  // display only (DVCC does not read /Io)
  io_allow_to_charge,
  io_allow_to_discharge,
  io_allow_to_balance,
  // system
  system_min_cell_voltage,
  system_max_cell_voltage,
  system_min_voltage_cell_id,
  system_max_voltage_cell_id,
  system_min_cell_temperature,
  system_max_cell_temperature,
  system_min_temperature_cell_id,
  system_max_temperature_cell_id,
  system_nr_of_cells_per_battery,
  system_nr_of_modules_online,
  system_nr_of_modules_offline,
  system_nr_of_modules_blocking_charge,
  system_nr_of_modules_blocking_discharge,
  // alarms: 0 ok, 1 warning, 2 alarm
  alarm_low_voltage,
  alarm_high_voltage,
  alarm_low_cell_voltage,
  alarm_high_cell_voltage,
  alarm_high_charge_current,
  alarm_high_discharge_current,
  alarm_low_soc,
  alarm_high_temperature,
  alarm_low_temperature,
  alarm_high_charge_temperature,
  alarm_low_charge_temperature,
  alarm_internal_failure,
  alarm_cell_imbalance,
  alarm_bms_cable,
  // state
  state,
  error_code,
  balancing,
  voltages_sum,
  voltages_diff,
  voltages_cell1,                        // .. voltages_cell1 + 15
  balances_cell1 = voltages_cell1 + 16,  // .. balances_cell1 + 15
  history_charged_energy = balances_cell1 + 16,
  history_discharged_energy,
  history_total_ah_drawn,
  count
};

inline constexpr std::size_t kPathCount = static_cast<std::size_t>(Path::count);
inline constexpr std::size_t kMaxCellPaths = 16;

struct PathSpec {
  std::string_view path;  // absolute object path, "/Dc/0/Voltage"
  std::string_view unit;  // appended by GetText ("V", "A", "%", ...); empty: none
  std::uint8_t decimals;  // display and rounding resolution of doubles
  bool writable;          // SetValue accepted (else it returns 1, "not writeable")
};

constexpr std::size_t index(Path p) {
  return static_cast<std::size_t>(p);
}

std::span<const PathSpec> paths();
const PathSpec& spec(Path p);
std::optional<Path> find_path(std::string_view path);

// /Voltages/Cell<n+1> or /Balances/Cell<n+1> for 0-based pack cell n < 16.
constexpr Path cell_voltage_path(std::size_t n) {
  return static_cast<Path>(index(Path::voltages_cell1) + n);
}
constexpr Path cell_balance_path(std::size_t n) {
  return static_cast<Path>(index(Path::balances_cell1) + n);
}

}  // namespace tbgw::venus
