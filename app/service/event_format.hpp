// Text and JSON renderings of poller events, for the log and for --print-snapshots.
#pragma once

#include <string>

#include "core/msg/battery_snapshot.hpp"
#include "core/tinybms/poller_event.hpp"

namespace tbgw::app {

// One log line: "52.81 V -12.3 A SOC 61.2 % cells 3.296-3.305 V (16) 24.5 °C idle".
std::string snapshot_summary(const msg::BatterySnapshot& s);
// One JSON object (no newline) with every field of the snapshot, units in the keys.
std::string snapshot_json(const msg::BatterySnapshot& s);
std::string settings_summary(const tinybms::BmsSettings& s);
std::string version_summary(const tinybms::VersionInfo& v);
std::string write_result_summary(const tinybms::SettingsWriteResult& r);
const char* to_string(msg::OnlineStatus s);

}  // namespace tbgw::app
