// Home Assistant's rules for MQTT discovery configs, as the tests check them: required keys per
// component, the device block, device_class -> allowed units (HA's sensor and binary_sensor
// tables, for the classes we use and their neighbours), state_class values, and the enum
// sensor's constraints (options, no unit, no state_class). Returns the problems found.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace tbgw::test {

inline std::vector<std::string> ha_config_problems(const std::string& component,
                                                   const nlohmann::json& c) {
  std::vector<std::string> p;
  const auto need = [&](const char* key) {
    if (!c.contains(key)) p.push_back(std::string("missing ") + key);
  };
  need("unique_id");
  need("name");
  need("availability_topic");
  need("device");
  if (component == "button") {
    need("command_topic");
  } else {
    need("state_topic");
  }
  if (c.contains("device")) {
    const auto& d = c["device"];
    if (!d.contains("identifiers") || !d["identifiers"].is_array() || d["identifiers"].empty()) {
      p.push_back("device.identifiers missing");
    }
    for (const char* k : {"manufacturer", "model", "name", "serial_number", "sw_version"}) {
      if (!d.contains(k) || !d[k].is_string() || d[k].get<std::string>().empty()) {
        p.push_back(std::string("device.") + k + " missing");
      }
    }
  }
  static const std::map<std::string, std::set<std::string>> kSensorUnits = {
      {"voltage", {"V", "mV", "µV", "kV", "MV"}},
      {"current", {"A", "mA"}},
      {"power", {"W", "kW", "mW", "MW", "GW", "TW", "BTU/h"}},
      {"battery", {"%"}},
      {"temperature", {"°C", "°F", "K"}},
      {"energy", {"Wh", "kWh", "MWh", "GWh", "TWh", "mWh", "kJ", "MJ", "GJ"}},
  };
  static const std::set<std::string> kBinaryClasses = {
      "battery", "battery_charging", "problem", "running", "safety", "power", "connectivity"};
  static const std::set<std::string> kStateClasses = {"measurement", "total", "total_increasing"};
  const std::string dc = c.value("device_class", "");
  const std::string unit = c.value("unit_of_measurement", "");
  if (c.contains("entity_category") && c["entity_category"] != "diagnostic" &&
      c["entity_category"] != "config") {
    p.push_back("bad entity_category");
  }
  if (component == "sensor") {
    if (c.contains("state_class") && !kStateClasses.count(c["state_class"].get<std::string>())) {
      p.push_back("bad state_class");
    }
    if (dc == "enum") {
      if (!c.contains("options") || !c["options"].is_array()) p.push_back("enum without options");
      if (c.contains("unit_of_measurement")) p.push_back("enum with a unit");
      if (c.contains("state_class")) p.push_back("enum with a state_class");
    } else if (!dc.empty()) {
      const auto it = kSensorUnits.find(dc);
      if (it == kSensorUnits.end()) {
        p.push_back("device_class not checked: " + dc);
      } else if (!it->second.count(unit)) {
        p.push_back("unit " + unit + " not allowed for " + dc);
      }
    }
    if (dc == "energy" && c.value("state_class", "") != "total_increasing" &&
        c.value("state_class", "") != "total") {
      p.push_back("energy needs total or total_increasing");
    }
  } else if (component == "binary_sensor") {
    if (!dc.empty() && !kBinaryClasses.count(dc)) p.push_back("bad binary device_class " + dc);
    if (c.contains("unit_of_measurement") || c.contains("state_class")) {
      p.push_back("binary_sensor with unit/state_class");
    }
  }
  return p;
}

}  // namespace tbgw::test
