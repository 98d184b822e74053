// VenusMapper (venus_mapper.hpp): snapshot, decision, alerts and energy -> Venus paths.
#include "core/venus/venus_mapper.hpp"

#include <cmath>
#include <cstddef>

#include "core/victron/snapshot_view.hpp"

namespace tbgw::venus {
namespace {

VenusValue real(double v, Path p) {
  if (!std::isfinite(v)) return VenusValue::none();
  return VenusValue::of_real(round_to(v, spec(p).decimals));
}
// Most snapshot fields are floats; the widening is spelled out once here (clang's
// -Wdouble-promotion flags it at every call otherwise).
VenusValue real(float v, Path p) {
  return real(static_cast<double>(v), p);
}

// "C3" for 0-based pack cell 2 (the GUI's cell naming).
VenusValue cell_id(std::uint8_t index) {
  if (index == victron::CellExtremes::kNoCell) return VenusValue::none();
  char buf[4] = {'C', 0, 0, 0};
  const int n = index + 1;
  std::size_t len = 1;
  if (n >= 10) buf[len++] = static_cast<char>('0' + n / 10);
  buf[len++] = static_cast<char>('0' + n % 10);
  return VenusValue::of_text({buf, len});
}

std::int32_t level(msg::AlertSeverity s) {
  switch (s) {
    case msg::AlertSeverity::none:
      return 0;
    case msg::AlertSeverity::warning:
      return 1;
    case msg::AlertSeverity::alarm:
      return 2;
  }
  return 0;
}

struct AlarmRow {
  Path path;
  msg::AlertId id;
};
constexpr AlarmRow kAlarms[] = {
    {Path::alarm_low_voltage, msg::AlertId::pack_low},
    {Path::alarm_high_voltage, msg::AlertId::pack_high},
    {Path::alarm_low_cell_voltage, msg::AlertId::cell_low},
    {Path::alarm_high_cell_voltage, msg::AlertId::cell_high},
    {Path::alarm_high_charge_current, msg::AlertId::charge_current},
    {Path::alarm_high_discharge_current, msg::AlertId::discharge_current},
    {Path::alarm_low_soc, msg::AlertId::soc_low},
    {Path::alarm_high_temperature, msg::AlertId::temp_high},
    {Path::alarm_low_temperature, msg::AlertId::temp_low},
    {Path::alarm_high_charge_temperature, msg::AlertId::charge_temp_high},
    {Path::alarm_low_charge_temperature, msg::AlertId::charge_temp_low},
    {Path::alarm_internal_failure, msg::AlertId::bms_status},
    {Path::alarm_cell_imbalance, msg::AlertId::imbalance},
};

constexpr Path kMeasurements[] = {
    Path::dc_voltage,
    Path::dc_current,
    Path::dc_power,
    Path::dc_temperature,
    Path::soc,
    Path::soh,
    Path::capacity,
    Path::consumed_amphours,
    Path::time_to_go,
    Path::system_min_cell_voltage,
    Path::system_max_cell_voltage,
    Path::system_min_voltage_cell_id,
    Path::system_max_voltage_cell_id,
    Path::system_min_cell_temperature,
    Path::system_max_cell_temperature,
    Path::system_min_temperature_cell_id,
    Path::system_max_temperature_cell_id,
    Path::system_nr_of_modules_blocking_charge,
    Path::system_nr_of_modules_blocking_discharge,
    Path::balancing,
    Path::voltages_sum,
    Path::voltages_diff,
};

// TinyBMS temperature sensors as the GUI's "cell id" text.
VenusValue sensor_name(std::size_t sensor) {
  switch (sensor) {
    case msg::BatterySnapshot::kTempInternal:
      return VenusValue::of_text("BMS");
    case msg::BatterySnapshot::kTempExternal1:
      return VenusValue::of_text("T1");
    default:
      return VenusValue::of_text("T2");
  }
}

}  // namespace

double round_to(double v, int decimals) {
  double scale = 1.0;
  for (int i = 0; i < decimals; ++i) scale *= 10.0;
  const double r = std::round(v * scale) / scale;
  return r == 0.0 ? 0.0 : r;  // no "-0.0" (it would differ from 0.0 in GetText)
}

void VenusMapper::clear_measurements(VenusTable& t) {
  for (const Path p : kMeasurements) t.set(p, VenusValue::none());
  for (std::size_t i = 0; i < kMaxCellPaths; ++i) {
    t.set(cell_voltage_path(i), VenusValue::none());
    t.set(cell_balance_path(i), VenusValue::none());
  }
}

void VenusMapper::put_measurements(const msg::BatterySnapshot& s, const VenusInputs& in,
                                   VenusTable& t) {
  const auto voltage_v = static_cast<double>(s.pack_voltage_v);
  const auto current_a = static_cast<double>(s.pack_current_a);
  t.set(Path::dc_voltage, real(voltage_v, Path::dc_voltage));
  t.set(Path::dc_current, real(current_a, Path::dc_current));
  t.set(Path::dc_power, real(voltage_v * current_a, Path::dc_power));
  t.set(Path::soc, real(s.soc_pct, Path::soc));
  t.set(Path::soh, s.soh_valid ? real(s.soh_pct, Path::soh) : VenusValue::none());

  const auto temps = victron::cell_temperatures(s);
  if (temps.known) {
    t.set(Path::dc_temperature, real(temps.max_c, Path::dc_temperature));
    t.set(Path::system_min_cell_temperature, real(temps.min_c, Path::system_min_cell_temperature));
    t.set(Path::system_max_cell_temperature, real(temps.max_c, Path::system_max_cell_temperature));
    t.set(Path::system_min_temperature_cell_id, sensor_name(temps.min_sensor));
    t.set(Path::system_max_temperature_cell_id, sensor_name(temps.max_sensor));
  } else {
    for (const Path p : {Path::dc_temperature, Path::system_min_cell_temperature,
                         Path::system_max_cell_temperature, Path::system_min_temperature_cell_id,
                         Path::system_max_temperature_cell_id}) {
      t.set(p, VenusValue::none());
    }
  }

  const auto cells = victron::cell_extremes(s);
  if (cells.known) {
    t.set(Path::system_min_cell_voltage,
          real(static_cast<double>(cells.min_mv) / 1000.0, Path::system_min_cell_voltage));
    t.set(Path::system_max_cell_voltage,
          real(static_cast<double>(cells.max_mv) / 1000.0, Path::system_max_cell_voltage));
    t.set(Path::voltages_diff,
          real(static_cast<double>(cells.spread_mv()) / 1000.0, Path::voltages_diff));
  } else {
    t.set(Path::system_min_cell_voltage, VenusValue::none());
    t.set(Path::system_max_cell_voltage, VenusValue::none());
    t.set(Path::voltages_diff, VenusValue::none());
  }
  t.set(Path::system_min_voltage_cell_id, cell_id(cells.min_index));
  t.set(Path::system_max_voltage_cell_id, cell_id(cells.max_index));

  double sum_mv = 0.0;
  for (std::size_t i = 0; i < kMaxCellPaths; ++i) {
    const bool used = i < s.cell_count;
    if (used) sum_mv += static_cast<double>(s.cell_mv[i]);
    t.set(cell_voltage_path(i),
          used ? real(static_cast<double>(s.cell_mv[i]) / 1000.0, cell_voltage_path(i))
               : VenusValue::none());
    t.set(cell_balance_path(i),
          used ? VenusValue::of_int((s.balancing_active_mask >> i) & 1U) : VenusValue::none());
  }
  t.set(Path::voltages_sum,
        s.cell_count > 0 ? real(sum_mv / 1000.0, Path::voltages_sum) : VenusValue::none());
  t.set(Path::balancing, VenusValue::of_int(s.balancing_active_mask != 0 ? 1 : 0));
  t.set(Path::system_nr_of_cells_per_battery, VenusValue::of_int(s.cell_count));

  if (in.capacity_ah > 0.0F) {
    const auto capacity_ah = static_cast<double>(in.capacity_ah);
    const double remaining_ah = capacity_ah * s.soc_pct / 100.0;
    t.set(Path::installed_capacity, real(in.capacity_ah, Path::installed_capacity));
    t.set(Path::capacity, real(remaining_ah, Path::capacity));
    // Victron's convention (BMV): consumed charge is negative.
    t.set(Path::consumed_amphours, real(remaining_ah - capacity_ah, Path::consumed_amphours));
    // Only while discharging: idle or charging has no meaningful time to go.
    t.set(Path::time_to_go, current_a < -0.5
                                ? real(remaining_ah / -current_a * 3600.0, Path::time_to_go)
                                : VenusValue::none());
  } else {
    for (const Path p :
         {Path::installed_capacity, Path::capacity, Path::consumed_amphours, Path::time_to_go}) {
      t.set(p, VenusValue::none());
    }
  }
}

void VenusMapper::update(const VenusInputs& in, Millis now_ms, VenusTable& t) {
  const bool fresh = in.snapshot != nullptr && in.link != msg::LinkStatus::lost &&
                     now_ms - in.snapshot->stamp_ms <= options_.stale_timeout_ms;
  // Stale only once there was data: before the first snapshot the service is "initialising".
  stale_ = !fresh && (in.snapshot != nullptr || in.link == msg::LinkStatus::lost);

  if (fresh) {
    put_measurements(*in.snapshot, in, t);
  } else {
    clear_measurements(t);
    if (in.capacity_ah > 0.0F) {
      t.set(Path::installed_capacity, real(in.capacity_ah, Path::installed_capacity));
    }
  }
  if (in.snapshot == nullptr) t.set(Path::system_nr_of_cells_per_battery, VenusValue::none());

  t.set(Path::system_nr_of_modules_online, VenusValue::of_int(fresh ? 1 : 0));
  t.set(Path::system_nr_of_modules_offline, VenusValue::of_int(fresh ? 0 : 1));
  // /State: 9 running, 10 error (stale), 0 initialising (no data yet).
  t.set(Path::state, VenusValue::of_int(fresh ? 9 : (stale_ ? 10 : 0)));
  t.set(Path::error_code, VenusValue::of_int(0));

  for (const auto& row : kAlarms) {
    t.set(row.path, VenusValue::of_int(level(in.alerts[static_cast<std::size_t>(row.id)])));
  }
  const std::int32_t cable = std::max<std::int32_t>(
      stale_ ? 2 : 0, level(in.alerts[static_cast<std::size_t>(msg::AlertId::bms_link_lost)]));
  t.set(Path::alarm_bms_cable, VenusValue::of_int(cable));

  static const msg::ChargeDecision kNone{};
  const PublishedLimits lim = limits_.update(in.decision ? *in.decision : kNone, stale_, now_ms);
  auto limit = [&](Path p, float v) { t.set(p, lim.valid ? real(v, p) : VenusValue::none()); };
  limit(Path::info_max_charge_voltage, lim.cvl_v);
  limit(Path::info_max_charge_current, lim.ccl_a);
  limit(Path::info_max_discharge_current, lim.dcl_a);
  limit(Path::info_battery_low_voltage, lim.dvl_v);
  auto allow = [&](Path p, bool yes) {
    t.set(p, lim.valid ? VenusValue::of_int(yes ? 1 : 0) : VenusValue::none());
  };
  allow(Path::io_allow_to_charge, lim.ccl_a > 0.0F);
  allow(Path::io_allow_to_discharge, lim.dcl_a > 0.0F);
  t.set(Path::io_allow_to_balance, fresh ? VenusValue::of_int(1) : VenusValue::none());
  if (fresh) {
    t.set(Path::system_nr_of_modules_blocking_charge,
          VenusValue::of_int(lim.valid && lim.ccl_a <= 0.0F ? 1 : 0));
    t.set(Path::system_nr_of_modules_blocking_discharge,
          VenusValue::of_int(lim.valid && lim.dcl_a <= 0.0F ? 1 : 0));
  }

  if (in.energy != nullptr) {
    t.set(Path::history_charged_energy,
          real(in.energy->wh_charged / 1000.0, Path::history_charged_energy));
    t.set(Path::history_discharged_energy,
          real(in.energy->wh_discharged / 1000.0, Path::history_discharged_energy));
    // serialbattery and the BMV publish drawn charge as a negative number.
    t.set(Path::history_total_ah_drawn,
          real(-in.energy->ah_discharged, Path::history_total_ah_drawn));
  }
}

}  // namespace tbgw::venus
