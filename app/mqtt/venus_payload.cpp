// dbus-mqtt-battery JSON (see venus_payload.hpp).
#include "app/mqtt/venus_payload.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/control/decision_guard.hpp"

namespace tbgw::app::mqtt {

namespace {

double round_to(double x, int decimals) {
  const double f = std::pow(10.0, decimals);
  return std::round(x * f) / f;
}

// 0x35A level -> the driver's 0 ok / 1 warning / 2 alarm; -1 = not judged (left out).
int level_code(msg::AlarmLevel l) {
  switch (l) {
    case msg::AlarmLevel::ok:
      return 0;
    case msg::AlarmLevel::warning:
      return 1;
    case msg::AlarmLevel::alarm:
      return 2;
    case msg::AlarmLevel::unsupported:
      break;
  }
  return -1;
}

// "C3": the driver's cell id (1-based).
std::string cell_id(std::size_t index) {
  std::string id(1, 'C');
  id += std::to_string(index + 1);
  return id;
}

// The document for the snapshot in `v` and the limits `d`; `stale` marks the last one before
// silence (BmsCable 2, nothing allowed).
std::string document(const GatewayView& v, const msg::ChargeDecision& d, bool stale) {
  const auto& s = *v.snapshot;
  using nlohmann::json;
  json j;
  const double power_w = double{s.pack_voltage_v} * double{s.pack_current_a};
  j["Dc"] = {{"Power", round_to(power_w, 1)},
             {"Voltage", round_to(s.pack_voltage_v, 3)},
             {"Current", round_to(s.pack_current_a, 2)}};
  const std::size_t temp_index = s.temp_present[1] ? 1 : 0;
  if (s.temp_present[temp_index]) j["Dc"]["Temperature"] = round_to(s.temps_c[temp_index], 1);
  j["Soc"] = round_to(s.soc_pct, 1);
  if (s.soh_valid) j["Soh"] = round_to(s.soh_pct, 1);
  if (v.capacity_ah > 0.0F) {
    const double remaining = double{v.capacity_ah} * s.soc_pct / 100.0;
    j["InstalledCapacity"] = round_to(v.capacity_ah, 1);
    j["Capacity"] = round_to(remaining, 1);
    j["ConsumedAmphours"] = round_to(std::max(0.0, double{v.capacity_ah} - remaining), 1);
  }
  j["TimeToGo"] = s.time_left_s;
  j["Balancing"] = s.balancing_active_mask != 0 ? 1 : 0;
  j["SystemSwitch"] = 1;

  json alarms = json::object();
  if (v.alarms) {
    using I = msg::AlarmItem;
    const auto& a = *v.alarms;
    const std::pair<const char*, I> map[] = {
        {"LowVoltage", I::low_voltage},
        {"HighVoltage", I::high_voltage},
        {"HighChargeCurrent", I::high_charge_current},
        {"HighDischargeCurrent", I::high_discharge_current},
        {"CellImbalance", I::cell_imbalance},
        {"HighChargeTemperature", I::high_charge_temperature},
        {"LowChargeTemperature", I::low_charge_temperature},
        {"LowTemperature", I::low_temperature},
        {"HighTemperature", I::high_temperature},
    };
    for (const auto& [name, item] : map) {
      if (const int c = level_code(a[item]); c >= 0) alarms[name] = c;
    }
    const int hc = level_code(a[I::high_charge_current]);
    const int hd = level_code(a[I::high_discharge_current]);
    if (hc >= 0 || hd >= 0) alarms["HighCurrent"] = std::max(hc, hd);
  }
  const auto& soc_low = v.alerts[static_cast<std::size_t>(msg::AlertId::soc_low)];
  alarms["LowSoc"] = soc_low.active ? static_cast<int>(soc_low.severity) : 0;
  const auto& cell_low = v.alerts[static_cast<std::size_t>(msg::AlertId::cell_low)];
  alarms["LowCellVoltage"] = cell_low.active ? static_cast<int>(cell_low.severity) : 0;
  alarms["BmsCable"] = stale ? 2 : 0;
  j["Alarms"] = alarms;

  j["Info"] = {{"MaxChargeVoltage", round_to(d.cvl_v, 2)},
               {"MaxChargeCurrent", round_to(d.ccl_a, 1)},
               {"MaxDischargeCurrent", round_to(d.dcl_a, 1)},
               {"ChargeRequest", 0}};
  if (v.energy) {
    j["History"] = {{"TotalAhDrawn", round_to(v.energy->ah_discharged, 1)}};
  }

  json system;
  json voltages = json::object();
  json balances = json::object();
  std::size_t min_i = 0;
  std::size_t max_i = 0;
  for (std::size_t i = 0; i < s.cell_count; ++i) {
    const auto name = "Cell" + std::to_string(i + 1);
    voltages[name] = round_to(double{s.cell_mv[i]} / 1000.0, 4);
    balances[name] = ((s.balancing_active_mask >> i) & 1U) != 0 ? 1 : 0;
    if (s.cell_mv[i] < s.cell_mv[min_i]) min_i = i;
    if (s.cell_mv[i] > s.cell_mv[max_i]) max_i = i;
  }
  if (s.cell_count > 0) {
    system["MinVoltageCellId"] = cell_id(min_i);
    system["MinCellVoltage"] = round_to(double{s.cell_mv[min_i]} / 1000.0, 4);
    system["MaxVoltageCellId"] = cell_id(max_i);
    system["MaxCellVoltage"] = round_to(double{s.cell_mv[max_i]} / 1000.0, 4);
  }
  if (s.temp_present[0]) system["MOSTemperature"] = round_to(s.temps_c[0], 1);
  bool any_ext = false;
  double tmin = 0.0;
  double tmax = 0.0;
  for (std::size_t i = 1; i < 3; ++i) {
    if (!s.temp_present[i]) continue;
    tmin = any_ext ? std::min(tmin, double{s.temps_c[i]}) : double{s.temps_c[i]};
    tmax = any_ext ? std::max(tmax, double{s.temps_c[i]}) : double{s.temps_c[i]};
    any_ext = true;
  }
  if (any_ext) {
    system["MinCellTemperature"] = round_to(tmin, 1);
    system["MaxCellTemperature"] = round_to(tmax, 1);
  }
  system["NrOfCellsPerBattery"] = s.cell_count;
  system["NrOfModulesOnline"] = 1;
  system["NrOfModulesOffline"] = 0;
  system["NrOfModulesBlockingCharge"] = d.ccl_a <= 0.0F ? 1 : 0;
  system["NrOfModulesBlockingDischarge"] = d.dcl_a <= 0.0F ? 1 : 0;
  j["System"] = system;
  j["Voltages"] = voltages;
  j["Balances"] = balances;
  j["Io"] = {{"AllowToCharge", d.ccl_a > 0.0F && d.phase != msg::ChargePhase::blocked ? 1 : 0},
             {"AllowToDischarge", d.dcl_a > 0.0F ? 1 : 0},
             {"AllowToBalance", 1}};
  return j.dump();
}

}  // namespace

std::string venus_json(const GatewayView& v, Millis now_ms, Millis stale_ms) {
  if (!v.snapshot || !v.decision || !v.decision->valid) return {};
  if (v.link.status != msg::LinkStatus::up) return {};
  if (now_ms - v.snapshot->stamp_ms > stale_ms) return {};
  return document(v, *v.decision, false);
}

std::string venus_stale_json(const GatewayView& v, const msg::ChargeDecision& last_valid) {
  if (!v.snapshot || !last_valid.valid) return {};
  msg::ChargeDecision d = last_valid;
  d.ccl_a = 0.0F;
  d.dcl_a = 0.0F;
  d.phase = msg::ChargePhase::blocked;
  // The decision's own rules (CCL 0: CVL at or below the pack voltage), as on CAN and D-Bus.
  control::enforce_invariants(d);
  if (!d.valid) return {};
  return document(v, d, true);
}

}  // namespace tbgw::app::mqtt
