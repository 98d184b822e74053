#include "app/service/event_format.hpp"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

namespace tbgw::app {

const char* to_string(msg::OnlineStatus s) {
  switch (s) {
    case msg::OnlineStatus::charging:
      return "charging";
    case msg::OnlineStatus::fully_charged:
      return "fully_charged";
    case msg::OnlineStatus::discharging:
      return "discharging";
    case msg::OnlineStatus::regeneration:
      return "regeneration";
    case msg::OnlineStatus::idle:
      return "idle";
    case msg::OnlineStatus::fault:
      return "fault";
    case msg::OnlineStatus::unknown:
      return "unknown";
  }
  return "unknown";
}

std::string snapshot_summary(const msg::BatterySnapshot& s) {
  std::string temps;
  for (std::size_t i = 0; i < s.temps_c.size(); ++i) {
    if (s.temp_present[i]) temps += fmt::format(" {:.1f}°C", s.temps_c[i]);
  }
  std::string status = to_string(s.online_status);
  if (s.online_status == msg::OnlineStatus::unknown) {
    status += fmt::format("(0x{:02X})", s.online_status_raw);
  }
  return fmt::format(
      "{:.2f} V {:+.1f} A SOC {:.1f} % cells {:.3f}-{:.3f} V ({}S){} {} balancing 0x{:04X}{}",
      s.pack_voltage_v, s.pack_current_a, s.soc_pct, s.min_cell_mv / 1000.0, s.max_cell_mv / 1000.0,
      s.cell_count, temps, status, s.balancing_active_mask,
      s.cell_count_mismatch ? " CELL COUNT MISMATCH (reg 53 vs 307)" : "");
}

namespace {
// Floats carry the resolution of their register; print that, not float noise (3304.800048...).
// Every field printed this way is a float: the widening is spelled out (clang's
// -Wdouble-promotion flags it at each call otherwise).
double rounded(float v, double step) {
  return std::round(static_cast<double>(v) / step) * step;
}
}  // namespace

std::string snapshot_json(const msg::BatterySnapshot& s) {
  nlohmann::json j;
  j["stamp_ms"] = s.stamp_ms;
  j["cell_count"] = s.cell_count;
  auto& cells = j["cell_mv"] = nlohmann::json::array();
  for (std::size_t i = 0; i < s.cell_count; ++i) cells.push_back(rounded(s.cell_mv[i], 0.1));
  j["min_cell_mv"] = s.min_cell_mv;
  j["max_cell_mv"] = s.max_cell_mv;
  j["pack_voltage_v"] = rounded(s.pack_voltage_v, 1e-4);
  j["pack_current_a"] = rounded(s.pack_current_a, 1e-4);
  j["soc_pct"] = s.soc_pct;
  j["soh_pct"] = s.soh_valid ? nlohmann::json(rounded(s.soh_pct, 0.002)) : nlohmann::json(nullptr);
  const char* temp_keys[] = {"temp_internal_c", "temp_external1_c", "temp_external2_c"};
  for (std::size_t i = 0; i < s.temps_c.size(); ++i) {
    j[temp_keys[i]] =
        s.temp_present[i] ? nlohmann::json(rounded(s.temps_c[i], 0.1)) : nlohmann::json(nullptr);
  }
  j["online_status"] = to_string(s.online_status);
  j["online_status_raw"] = s.online_status_raw;
  j["balancing_needed_mask"] = s.balancing_needed_mask;
  j["balancing_active_mask"] = s.balancing_active_mask;
  j["detected_cells"] = s.detected_cells;
  j["configured_cells"] = s.configured_cells;
  j["cell_count_mismatch"] = s.cell_count_mismatch;
  j["bms_lifetime_s"] = s.bms_lifetime_s;
  j["time_left_s"] = s.time_left_s;
  return j.dump();
}

std::string settings_summary(const tinybms::BmsSettings& s) {
  return fmt::format(
      "{}S {:.1f} Ah, cell over-voltage cutoff {} mV (pack {:.2f} V), under-voltage cutoff {} mV, "
      "fully charged {} mV, early balancing {} mV, charge/discharge over-current {} / {} A",
      s.series_cells, s.capacity_ah, s.over_voltage_cutoff_cell_mv, s.pack_over_voltage_v(),
      s.under_voltage_cutoff_cell_mv, s.fully_charged_cell_mv, s.early_balancing_cell_mv,
      s.charge_over_current_a, s.discharge_over_current_a);
}

std::string version_summary(const tinybms::VersionInfo& v) {
  return fmt::format("hardware {}.{}, firmware {} (internal {}), serial {}", v.hw_version,
                     v.hw_changes, v.fw_public, v.fw_internal, v.serial_hex.data());
}

std::string write_result_summary(const tinybms::SettingsWriteResult& r) {
  std::string out = tinybms::to_string(r.status);
  for (std::size_t i = 0; i < r.count; ++i) {
    const auto& item = r.items[i];
    out += fmt::format("; reg {}: {} -> {} (read back {}{})", item.address,
                       item.old_known ? std::to_string(item.old_raw) : std::string("?"),
                       item.requested_raw,
                       item.read_back ? std::to_string(item.readback_raw) : std::string("none"),
                       item.verified ? ", verified" : ", NOT verified");
  }
  return out;
}

}  // namespace tbgw::app
