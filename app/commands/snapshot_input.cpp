#include "app/commands/snapshot_input.hpp"

#include "app/service/event_format.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

namespace tbgw::app {

namespace {

using nlohmann::json;

// Typical TinyBMS settings for a LiFePO4 pack (the simulator's defaults), used for every
// setting the input does not give.
tinybms::BmsSettings default_settings(std::uint16_t cells) {
  tinybms::BmsSettings s;
  s.series_cells = cells;
  s.fully_charged_cell_mv = 3550;
  s.fully_discharged_cell_mv = 2900;
  s.early_balancing_cell_mv = 3400;
  s.charge_finished_current_ma = 1000;
  s.capacity_ah = 280.0F;
  s.allowed_disbalance_mv = 15;
  s.over_voltage_cutoff_cell_mv = 3650;
  s.under_voltage_cutoff_cell_mv = 2800;
  s.discharge_over_current_a = 200;
  s.charge_over_current_a = 150;
  s.over_heat_cutoff_c = 60;
  s.low_temp_charge_cutoff_c = 0;
  return s;
}

using platform::make_error;

// Sets `error` and returns false when the key is present but unusable (the && chains below
// stop at the first).
template <class T>
bool read_number(const json& obj, const char* key, T& out, InputError& error, double min,
                 double max) {
  if (!obj.contains(key) || obj[key].is_null()) return true;  // optional: keep the default
  if (!obj[key].is_number()) {
    error = make_error(InputErrc::bad_value, 0, std::string(key) + ": expected a number").error;
    return false;
  }
  const double v = obj[key].get<double>();
  if (!std::isfinite(v) || v < min || v > max) {
    error = make_error(InputErrc::out_of_range, 0,
                       std::string(key) + ": " + std::to_string(v) + " is outside " +
                           std::to_string(min) + " .. " + std::to_string(max))
                .error;
    return false;
  }
  out = static_cast<T>(v);
  return true;
}

// The inverse of to_string(OnlineStatus) (event_format), so the names --print-snapshots writes
// are exactly the ones read back.
msg::OnlineStatus status_from_name(const std::string& name) {
  for (auto s : {msg::OnlineStatus::charging, msg::OnlineStatus::fully_charged,
                 msg::OnlineStatus::discharging, msg::OnlineStatus::regeneration,
                 msg::OnlineStatus::idle, msg::OnlineStatus::fault}) {
    if (name == to_string(s)) return s;
  }
  return msg::OnlineStatus::unknown;
}

}  // namespace

const char* to_string(InputErrc e) {
  switch (e) {
    case InputErrc::not_object:
      return "input is not a JSON object";
    case InputErrc::bad_cells:
      return "bad cell list:";
    case InputErrc::bad_value:
      return "not a number:";
    case InputErrc::out_of_range:
      return "out of range:";
    case InputErrc::bad_settings:
      return "settings: expected an object";
  }
  return "bad input";
}

Result<BatteryInput, InputError> parse_battery_input(const std::string& json_text) {
  const json j = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return make_error(InputErrc::not_object);
  BatteryInput out;
  InputError error;
  msg::BatterySnapshot& s = out.snapshot;
  if (!j.contains("cell_mv") || !j["cell_mv"].is_array()) {
    return make_error(
        InputErrc::bad_cells, 0,
        "cell_mv: expected an array of cell voltages in mV (pack order, cell 1 first)");
  }
  const auto& cells = j["cell_mv"];
  if (cells.size() < 4 || cells.size() > msg::BatterySnapshot::kMaxCells) {
    return make_error(InputErrc::bad_cells, 0,
                      "cell_mv: " + std::to_string(cells.size()) + " cells; a TinyBMS has 4 to 16");
  }
  s.cell_count = static_cast<std::uint8_t>(cells.size());
  double sum_v = 0.0;
  float min_mv = 1e9F, max_mv = 0.0F;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (!cells[i].is_number() || cells[i].get<double>() < 0 || cells[i].get<double>() > 5000) {
      return make_error(InputErrc::bad_cells, 0,
                        "cell_mv[" + std::to_string(i) + "]: expected a number in 0 .. 5000 mV");
    }
    s.cell_mv[i] = cells[i].get<float>();
    sum_v += static_cast<double>(s.cell_mv[i]) / 1000.0;
    min_mv = std::min(min_mv, s.cell_mv[i]);
    max_mv = std::max(max_mv, s.cell_mv[i]);
  }
  s.min_cell_mv = static_cast<std::uint16_t>(std::lround(min_mv));
  s.max_cell_mv = static_cast<std::uint16_t>(std::lround(max_mv));
  s.pack_voltage_v = static_cast<float>(sum_v);
  s.detected_cells = s.cell_count;
  s.configured_cells = s.cell_count;
  s.soh_pct = 100.0F;
  s.temps_c = {25.0F, 25.0F, 0.0F};
  s.temp_present = {true, true, false};
  s.online_status = msg::OnlineStatus::idle;
  s.online_status_raw = 0x97;
  bool ok = read_number(j, "pack_voltage_v", s.pack_voltage_v, error, 0, 100) &&
            read_number(j, "pack_current_a", s.pack_current_a, error, -2000, 2000) &&
            read_number(j, "soc_pct", s.soc_pct, error, 0, 100) &&
            read_number(j, "soh_pct", s.soh_pct, error, 0, 100) &&
            read_number(j, "min_cell_mv", s.min_cell_mv, error, 0, 5000) &&
            read_number(j, "max_cell_mv", s.max_cell_mv, error, 0, 5000);
  if (!ok) return Err(error);
  s.soh_valid = j.contains("soh_pct") && j["soh_pct"].is_number();
  const char* temp_keys[] = {"temp_internal_c", "temp_external1_c", "temp_external2_c"};
  for (std::size_t i = 0; i < 3; ++i) {
    if (!j.contains(temp_keys[i])) continue;
    if (j[temp_keys[i]].is_null()) {
      s.temp_present[i] = false;
      continue;
    }
    if (!read_number(j, temp_keys[i], s.temps_c[i], error, -60, 150)) return Err(error);
    s.temp_present[i] = true;
  }
  if (j.contains("online_status") && j["online_status"].is_string()) {
    s.online_status = status_from_name(j["online_status"].get<std::string>());
    s.online_status_raw = static_cast<std::uint16_t>(s.online_status);
  }
  out.settings = default_settings(s.cell_count);
  if (j.contains("settings")) {
    const json& st = j["settings"];
    if (!st.is_object()) return make_error(InputErrc::bad_settings);
    tinybms::BmsSettings& b = out.settings;
    ok = read_number(st, "series_cells", b.series_cells, error, 4, 16) &&
         read_number(st, "fully_charged_cell_mv", b.fully_charged_cell_mv, error, 1200, 4500) &&
         read_number(st, "fully_discharged_cell_mv", b.fully_discharged_cell_mv, error, 1000,
                     3500) &&
         read_number(st, "early_balancing_cell_mv", b.early_balancing_cell_mv, error, 1000, 4500) &&
         read_number(st, "over_voltage_cutoff_cell_mv", b.over_voltage_cutoff_cell_mv, error, 1200,
                     4500) &&
         read_number(st, "under_voltage_cutoff_cell_mv", b.under_voltage_cutoff_cell_mv, error, 800,
                     3500) &&
         read_number(st, "capacity_ah", b.capacity_ah, error, 0.1, 655) &&
         read_number(st, "charge_over_current_a", b.charge_over_current_a, error, 1, 750) &&
         read_number(st, "discharge_over_current_a", b.discharge_over_current_a, error, 1, 750) &&
         read_number(st, "over_heat_cutoff_c", b.over_heat_cutoff_c, error, 20, 90) &&
         read_number(st, "low_temp_charge_cutoff_c", b.low_temp_charge_cutoff_c, error, -40, 10);
    if (!ok) return Err(error);
  }
  s.configured_cells = out.settings.series_cells;
  s.cell_count_mismatch = s.configured_cells != s.cell_count;
  return out;
}

}  // namespace tbgw::app
