// make_facts: see pack_facts.hpp.
#include "core/control/pack_facts.hpp"

#include <cmath>

namespace tbgw::control {

const char* describe(FactsError e) {
  switch (e) {
    case FactsError::settings_not_read:
      return "BMS settings not read yet";
    case FactsError::series_cells:
      return "BMS series cell count (reg 307) outside 4-16";
    case FactsError::cell_limits:
      return "BMS cell voltage cutoffs (reg 315/316) implausible";
    case FactsError::current_limits:
      return "BMS over-current cutoffs (reg 317/318) are 0";
    case FactsError::snapshot:
      return "BMS snapshot implausible (cell count or pack voltage)";
  }
  return "unknown";
}

const char* sensor_name(std::uint8_t sensor) {
  switch (sensor) {
    case msg::BatterySnapshot::kTempInternal:
      return "internal sensor";
    case msg::BatterySnapshot::kTempExternal1:
      return "sensor 1";
    case msg::BatterySnapshot::kTempExternal2:
      return "sensor 2";
    case kBoardEstimate:
      return "board sensor - margin";
    default:
      return "sensor ?";
  }
}

float min_cutoff_window_mv(const ChargeParams& params) {
  return params.ovp_margin_mv + params.dvl_margin_above_uv_mv;
}

Result<PackFacts, FactsError> make_facts(const msg::BatterySnapshot& snap,
                                         const tinybms::BmsSettings& settings,
                                         const ChargeParams& params) {
  if (settings.series_cells == 0) return Err(FactsError::settings_not_read);
  if (settings.series_cells < 4 || settings.series_cells > 16) return Err(FactsError::series_cells);
  PackFacts f;
  f.series_cells = settings.series_cells;
  f.ovp_cell_mv = settings.over_voltage_cutoff_cell_mv;
  f.uv_cell_mv = settings.under_voltage_cutoff_cell_mv;
  const bool ovp_ok = f.ovp_cell_mv >= 1200.0F && f.ovp_cell_mv <= 4500.0F;
  const bool uv_ok = f.uv_cell_mv >= 800.0F && f.uv_cell_mv <= 3500.0F;
  const bool window_ok = f.ovp_cell_mv - f.uv_cell_mv > min_cutoff_window_mv(params);
  if (!ovp_ok || !uv_ok || !window_ok) return Err(FactsError::cell_limits);
  if (settings.charge_over_current_a == 0 || settings.discharge_over_current_a == 0) {
    return Err(FactsError::current_limits);
  }
  f.charge_oc_a = settings.charge_over_current_a;
  f.discharge_oc_a = settings.discharge_over_current_a;
  f.over_heat_c = settings.over_heat_cutoff_c;
  f.cold_charge_c = settings.low_temp_charge_cutoff_c;
  f.capacity_ah = settings.capacity_ah;

  if (snap.cell_count < 1 || snap.cell_count > msg::BatterySnapshot::kMaxCells ||
      !std::isfinite(snap.pack_voltage_v) || snap.pack_voltage_v <= 0.0F ||
      !std::isfinite(snap.pack_current_a)) {
    return Err(FactsError::snapshot);
  }
  f.stamp_ms = snap.stamp_ms;
  f.cells = snap.cell_count;
  f.pack_v = snap.pack_voltage_v;
  f.current_a = snap.pack_current_a;
  f.soc_pct = static_cast<float>(snap.soc_pct);
  f.max_cell_mv = snap.cell_mv[0];
  f.min_cell_mv = snap.cell_mv[0];
  f.max_cell = f.min_cell = 1;
  for (int i = 1; i < f.cells; ++i) {
    const float mv = snap.cell_mv[static_cast<std::size_t>(i)];
    if (mv > f.max_cell_mv) {
      f.max_cell_mv = mv;
      f.max_cell = i + 1;
    }
    if (mv < f.min_cell_mv) {
      f.min_cell_mv = mv;
      f.min_cell = i + 1;
    }
  }
  if (!std::isfinite(f.max_cell_mv) || !std::isfinite(f.min_cell_mv)) {
    return Err(FactsError::snapshot);
  }

  using S = msg::BatterySnapshot;
  const bool external_fitted =
      (snap.temp_present[S::kTempExternal1] && std::isfinite(snap.temps_c[S::kTempExternal1])) ||
      (snap.temp_present[S::kTempExternal2] && std::isfinite(snap.temps_c[S::kTempExternal2]));
  const CellTempSource source = params.cell_temp_source;
  const bool use_external = source == CellTempSource::external ||
                            (source == CellTempSource::automatic && external_fitted);
  for (std::uint8_t i = 0; i < snap.temps_c.size(); ++i) {
    if (!snap.temp_present[i] || !std::isfinite(snap.temps_c[i])) continue;
    const TempReading r{snap.temps_c[i], i};
    if (!f.any_temp || r.temp_c > f.hottest.temp_c) f.hottest = r;
    f.any_temp = true;
    TempReading cell = r;
    if (i == S::kTempInternal) {
      if (use_external) continue;
      cell = {r.temp_c - params.board_temp_margin_c, kBoardEstimate};
      f.board_margin_c = params.board_temp_margin_c;
    } else if (!use_external) {
      continue;
    }
    if (f.cell_temp_count == 0 || cell.temp_c < f.coldest.temp_c) f.coldest = cell;
    f.cell_temps[static_cast<std::size_t>(f.cell_temp_count++)] = cell;
  }

  f.bms_fault = snap.online_status == msg::OnlineStatus::fault;
  f.bms_full = snap.online_status == msg::OnlineStatus::fully_charged;
  f.count_mismatch = snap.cell_count_mismatch;
  f.detected_cells = snap.detected_cells;
  f.configured_cells = settings.series_cells;
  if (snap.cell_count != settings.series_cells) f.count_mismatch = true;
  return f;
}

}  // namespace tbgw::control
