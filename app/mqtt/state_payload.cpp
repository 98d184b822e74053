// The state topic's JSON (see state_payload.hpp). Values are rounded to the resolution the BMS
// delivers, so a payload does not change because of float noise.
#include "app/mqtt/state_payload.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "app/service/decision_log.hpp"
#include "app/service/event_format.hpp"

namespace tbgw::app::mqtt {

namespace {

double round_to(double x, int decimals) {
  const double f = std::pow(10.0, decimals);
  return std::round(x * f) / f;
}

}  // namespace

std::string state_json(const GatewayView& v) {
  if (!v.snapshot) return {};
  const auto& s = *v.snapshot;
  nlohmann::json j;
  j["pack_voltage_v"] = round_to(s.pack_voltage_v, 3);
  j["current_a"] = round_to(s.pack_current_a, 2);
  j["power_w"] = round_to(double{s.pack_voltage_v} * double{s.pack_current_a}, 1);
  j["soc_pct"] = round_to(s.soc_pct, 2);
  j["soh_pct"] = s.soh_valid ? nlohmann::json(round_to(s.soh_pct, 1)) : nlohmann::json();
  static constexpr const char* kTemps[] = {"temp_internal_c", "temp_external1_c",
                                           "temp_external2_c"};
  for (std::size_t i = 0; i < 3; ++i) {
    j[kTemps[i]] = s.temp_present[i] ? nlohmann::json(round_to(s.temps_c[i], 1)) : nlohmann::json();
  }
  j["cell_count"] = s.cell_count;
  double min_v = 0.0;
  double max_v = 0.0;
  for (std::size_t i = 0; i < s.cell_count; ++i) {
    const double cell_v = round_to(double{s.cell_mv[i]} / 1000.0, 4);
    j["cell_" + std::to_string(i + 1) + "_v"] = cell_v;
    j["balancing_" + std::to_string(i + 1)] = ((s.balancing_active_mask >> i) & 1U) != 0;
    if (i == 0 || cell_v < min_v) min_v = cell_v;
    if (i == 0 || cell_v > max_v) max_v = cell_v;
  }
  j["min_cell_v"] = min_v;
  j["max_cell_v"] = max_v;
  j["cell_delta_mv"] = round_to((max_v - min_v) * 1000.0, 1);
  j["bms_status"] = app::to_string(s.online_status);
  j["link"] = msg::to_string(v.link.status);
  if (v.decision && v.decision->valid) {
    const auto& d = *v.decision;
    j["cvl_v"] = round_to(d.cvl_v, 2);
    j["ccl_a"] = round_to(d.ccl_a, 1);
    j["dcl_a"] = round_to(d.dcl_a, 1);
    j["cvl_reason"] = std::string(d.cvl_reason.data());
    j["ccl_reason"] = std::string(d.ccl_reason.data());
    j["dcl_reason"] = std::string(d.dcl_reason.data());
    j["charge_phase"] = app::to_string(d.phase);
    j["phase_reason"] = std::string(d.phase_reason.data());
  } else {
    for (const char* k : {"cvl_v", "ccl_a", "dcl_a"}) j[k] = nullptr;
    for (const char* k : {"cvl_reason", "ccl_reason", "dcl_reason", "phase_reason"}) j[k] = "";
    j["charge_phase"] = "none";
  }
  if (v.energy) {
    j["energy_in_kwh"] = round_to(v.energy->wh_charged / 1000.0, 3);
    j["energy_out_kwh"] = round_to(v.energy->wh_discharged / 1000.0, 3);
  } else {
    j["energy_in_kwh"] = nullptr;
    j["energy_out_kwh"] = nullptr;
  }
  auto& alerts = j["alerts"];
  alerts = nlohmann::json::object();
  for (std::size_t i = 0; i < v.alerts.size(); ++i) {
    const auto& a = v.alerts[i];
    alerts[std::string(msg::key(static_cast<msg::AlertId>(i)))] = {
        {"active", a.active}, {"severity", msg::to_string(a.severity)}, {"message", a.message}};
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<Sample> state_samples(const GatewayView& v) {
  std::vector<Sample> out;
  if (!v.snapshot) return out;
  const auto& s = *v.snapshot;
  out.push_back({SampleKind::voltage, s.pack_voltage_v});
  out.push_back({SampleKind::current, s.pack_current_a});
  out.push_back({SampleKind::soc, s.soc_pct});
  out.push_back({SampleKind::exact, s.soh_valid ? std::round(double{s.soh_pct}) : -1.0});
  for (std::size_t i = 0; i < 3; ++i) {
    out.push_back({SampleKind::temperature, s.temp_present[i] ? double{s.temps_c[i]} : -1000.0});
  }
  for (std::size_t i = 0; i < s.cell_count; ++i) out.push_back({SampleKind::cell, s.cell_mv[i]});
  out.push_back({SampleKind::exact, static_cast<double>(s.balancing_active_mask)});
  out.push_back({SampleKind::exact, static_cast<double>(s.online_status_raw)});
  out.push_back({SampleKind::exact, static_cast<double>(v.link.status)});
  if (v.decision && v.decision->valid) {
    out.push_back({SampleKind::voltage, v.decision->cvl_v});
    out.push_back({SampleKind::current, v.decision->ccl_a});
    out.push_back({SampleKind::current, v.decision->dcl_a});
    out.push_back({SampleKind::exact, static_cast<double>(v.decision->phase)});
  }
  for (const auto& a : v.alerts) {
    out.push_back({SampleKind::exact, a.active ? 1.0 + static_cast<double>(a.severity) : 0.0});
  }
  return out;
}

}  // namespace tbgw::app::mqtt
