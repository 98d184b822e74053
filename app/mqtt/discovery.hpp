// Home Assistant MQTT discovery: the retained config messages that make one HA device (the
// battery) with its entities appear under DISCOVERY_PREFIX/<component>/<device_id>/<object>/config.
//
// Theory of operation. build_discovery() is a pure function of the device description and
// returns every config message; the face publishes them (QoS 1, retained) once the BMS serial
// is known, again when HA announces itself (DISCOVERY_PREFIX/status = online), and when the
// description changes (cell count, sensors present, commands on/off, a config change).
// removed_topics() gives the topics published last time that are not in the new set: they get
// an empty retained payload, which is how HA deletes an entity.
//
// Every entity reads the one state topic (state_payload.hpp) through a value_template, shares
// the availability topic, and gets unique_id = DEVICE_ID + "_" + object id. device_class,
// state_class and unit follow HA's tables (voltage V, current A, power W, battery %,
// temperature °C, energy kWh with total_increasing).
//
// Bounds: about 10 + 2 x cells + rules entities (under 60 for 16 cells), each config < 1 KiB.
#pragma once

#include <array>
#include <string>
#include <vector>

namespace tbgw::app::mqtt {

struct DeviceDescription {
  std::string device_id;         // "tinybms_0a1b..." (topic level and unique_id prefix)
  std::string base_topic;        // "tinybms-gw"
  std::string discovery_prefix;  // "homeassistant"
  std::string serial;
  std::string model;              // "TinyBMS hw 2.1"
  std::string sw_version;         // "fw 2.6 (internal 512)"
  std::string configuration_url;  // empty: left out
  int cell_count = 0;
  std::array<bool, 3> temp_present{};
  bool commands_enabled = false;
};

struct DiscoveryMessage {
  std::string topic;
  std::string payload;  // JSON; empty = remove the entity
};

std::vector<DiscoveryMessage> build_discovery(const DeviceDescription& d);
std::vector<std::string> removed_topics(const std::vector<std::string>& before,
                                        const std::vector<DiscoveryMessage>& now);

// BASE/DEVICE_ID/<suffix>
std::string device_topic(const DeviceDescription& d, const std::string& suffix);

}  // namespace tbgw::app::mqtt
