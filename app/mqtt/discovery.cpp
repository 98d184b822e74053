// Home Assistant discovery configs (see discovery.hpp).
#include "app/mqtt/discovery.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/msg/alert_changed.hpp"

namespace tbgw::app::mqtt {

namespace {

using nlohmann::json;

struct Entity {
  const char* component = "sensor";  // "sensor", "binary_sensor", "button"
  std::string object_id;
  std::string name;
  std::string value_template;
  const char* device_class = nullptr;
  const char* unit = nullptr;
  const char* state_class = nullptr;
  bool diagnostic = false;
  int precision = -1;
  std::string attributes_template;  // json_attributes_template on the state topic
  json options;                     // enum sensors
  std::string press_payload;        // buttons
  std::string command;              // buttons: cmd/<command>
};

json device_block(const DeviceDescription& d) {
  json dev = {{"identifiers", json::array({d.device_id})},
              {"name", "TinyBMS " + d.serial.substr(0, std::min<std::size_t>(d.serial.size(), 8))},
              {"manufacturer", "Energus"},
              {"model", d.model},
              {"sw_version", d.sw_version},
              {"serial_number", d.serial}};
  if (!d.configuration_url.empty()) dev["configuration_url"] = d.configuration_url;
  return dev;
}

Entity make(const char* component, std::string id, std::string name, std::string tmpl) {
  Entity e;
  e.component = component;
  e.object_id = std::move(id);
  e.name = std::move(name);
  e.value_template = std::move(tmpl);
  return e;
}

std::string value_of(const std::string& key) {
  return "{{ value_json." + key + " }}";
}

std::string on_off(const std::string& expr) {
  return "{{ 'ON' if " + expr + " else 'OFF' }}";
}

Entity sensor(std::string id, std::string name, std::string key, const char* dc, const char* unit,
              const char* sc = "measurement") {
  Entity e = make("sensor", std::move(id), std::move(name), value_of(key));
  e.device_class = dc;
  e.unit = unit;
  e.state_class = sc;
  return e;
}

std::vector<Entity> entities(const DeviceDescription& d) {
  std::vector<Entity> out;
  out.push_back(sensor("pack_voltage", "Pack voltage", "pack_voltage_v", "voltage", "V"));
  out.back().precision = 2;
  out.push_back(sensor("current", "Current", "current_a", "current", "A"));
  out.back().precision = 1;
  out.push_back(sensor("power", "Power", "power_w", "power", "W"));
  out.back().precision = 0;
  out.push_back(sensor("soc", "State of charge", "soc_pct", "battery", "%"));
  out.back().precision = 1;
  out.push_back(sensor("soh", "State of health", "soh_pct", nullptr, "%"));
  out.back().diagnostic = true;
  static constexpr const char* kTempKeys[] = {"temp_internal_c", "temp_external1_c",
                                              "temp_external2_c"};
  static constexpr const char* kTempNames[] = {"BMS temperature", "Temperature 1", "Temperature 2"};
  static constexpr const char* kTempIds[] = {"temp_internal", "temp_external1", "temp_external2"};
  for (std::size_t i = 0; i < 3; ++i) {
    if (!d.temp_present[i]) continue;
    out.push_back(sensor(kTempIds[i], kTempNames[i], kTempKeys[i], "temperature", "°C"));
    out.back().precision = 1;
  }
  for (int c = 1; c <= d.cell_count; ++c) {
    const auto n = std::to_string(c);
    out.push_back(sensor("cell_" + n + "_voltage", "Cell " + n + " voltage", "cell_" + n + "_v",
                         "voltage", "V"));
    out.back().precision = 3;
  }
  for (int c = 1; c <= d.cell_count; ++c) {
    const auto n = std::to_string(c);
    Entity e = make("binary_sensor", "cell_" + n + "_balancing", "Cell " + n + " balancing",
                    on_off("value_json.balancing_" + n));
    e.diagnostic = true;
    out.push_back(std::move(e));
  }
  out.push_back(sensor("min_cell_voltage", "Min cell voltage", "min_cell_v", "voltage", "V"));
  out.back().precision = 3;
  out.push_back(sensor("max_cell_voltage", "Max cell voltage", "max_cell_v", "voltage", "V"));
  out.back().precision = 3;
  out.push_back(sensor("cell_delta", "Cell voltage delta", "cell_delta_mv", "voltage", "mV"));
  out.back().precision = 0;
  const std::pair<const char*, const char*> limits[] = {{"cvl", "Charge voltage limit"},
                                                        {"ccl", "Charge current limit"},
                                                        {"dcl", "Discharge current limit"}};
  for (const auto& [id, name] : limits) {
    const bool volt = std::string(id) == "cvl";
    const std::string key = std::string(id) + (volt ? "_v" : "_a");
    out.push_back(sensor(id, name, key, volt ? "voltage" : "current", volt ? "V" : "A"));
    out.back().attributes_template =
        std::string("{{ {'reason': value_json.") + id + "_reason} | tojson }}";
  }
  {
    Entity e = make("sensor", "charge_phase", "Charge phase", value_of("charge_phase"));
    e.device_class = "enum";
    e.options = json::array({"none", "bulk", "absorption", "float", "blocked"});
    e.attributes_template = "{{ {'reason': value_json.phase_reason} | tojson }}";
    out.push_back(std::move(e));
  }
  {
    Entity e = make("sensor", "bms_status", "BMS status", value_of("bms_status"));
    e.device_class = "enum";
    e.options = json::array(
        {"charging", "fully_charged", "discharging", "regeneration", "idle", "fault", "unknown"});
    out.push_back(std::move(e));
  }
  {
    Entity e = make("sensor", "link", "BMS link", value_of("link"));
    e.device_class = "enum";
    e.options = json::array({"connecting", "up", "lost"});
    e.diagnostic = true;
    out.push_back(std::move(e));
  }
  out.push_back(
      sensor("energy_in", "Energy in", "energy_in_kwh", "energy", "kWh", "total_increasing"));
  out.back().precision = 2;
  out.push_back(
      sensor("energy_out", "Energy out", "energy_out_kwh", "energy", "kWh", "total_increasing"));
  out.back().precision = 2;
  for (std::size_t i = 0; i < msg::kAlertRules; ++i) {
    const std::string key(msg::key(static_cast<msg::AlertId>(i)));
    Entity e = make("binary_sensor", "alert_" + key, "Alert " + key,
                    on_off("value_json.alerts." + key + ".active"));
    e.device_class = "problem";
    e.attributes_template = "{{ {'message': value_json.alerts." + key +
                            ".message, 'severity': value_json.alerts." + key +
                            ".severity} | tojson }}";
    out.push_back(std::move(e));
  }
  if (d.commands_enabled) {
    Entity ack = make("button", "ack_alerts", "Acknowledge alerts", "");
    ack.command = "ack_alert";
    ack.press_payload = R"({"id":"all"})";
    out.push_back(std::move(ack));
    Entity reread = make("button", "reread_settings", "Re-read BMS settings", "");
    reread.command = "reread_settings";
    reread.press_payload = "{}";
    reread.diagnostic = true;
    out.push_back(std::move(reread));
  }
  return out;
}

}  // namespace

std::string device_topic(const DeviceDescription& d, const std::string& suffix) {
  return d.base_topic + "/" + d.device_id + "/" + suffix;
}

std::vector<DiscoveryMessage> build_discovery(const DeviceDescription& d) {
  std::vector<DiscoveryMessage> out;
  const json dev = device_block(d);
  const std::string state = device_topic(d, "state");
  for (const auto& e : entities(d)) {
    json c;
    c["name"] = e.name;
    c["object_id"] = d.device_id + "_" + e.object_id;
    c["unique_id"] = d.device_id + "_" + e.object_id;
    c["availability_topic"] = device_topic(d, "availability");
    c["device"] = dev;
    if (std::string(e.component) == "button") {
      c["command_topic"] = device_topic(d, "cmd/" + e.command);
      c["payload_press"] = e.press_payload;
    } else {
      c["state_topic"] = state;
      c["value_template"] = e.value_template;
    }
    if (e.device_class) c["device_class"] = e.device_class;
    if (e.unit) c["unit_of_measurement"] = e.unit;
    if (e.state_class && std::string(e.component) == "sensor" && e.options.is_null()) {
      c["state_class"] = e.state_class;
    }
    if (e.diagnostic) c["entity_category"] = "diagnostic";
    if (e.precision >= 0) c["suggested_display_precision"] = e.precision;
    if (!e.options.is_null()) c["options"] = e.options;
    if (!e.attributes_template.empty()) {
      c["json_attributes_topic"] = state;
      c["json_attributes_template"] = e.attributes_template;
    }
    out.push_back(
        {d.discovery_prefix + "/" + e.component + "/" + d.device_id + "/" + e.object_id + "/config",
         c.dump()});
  }
  return out;
}

std::vector<std::string> removed_topics(const std::vector<std::string>& before,
                                        const std::vector<DiscoveryMessage>& now) {
  std::vector<std::string> out;
  for (const auto& t : before) {
    const bool kept = std::any_of(now.begin(), now.end(),
                                  [&](const DiscoveryMessage& m) { return m.topic == t; });
    if (!kept) out.push_back(t);
  }
  return out;
}

}  // namespace tbgw::app::mqtt
