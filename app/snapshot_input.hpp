// Reads a battery state from JSON for `tinybms-gw encode`: the snapshot in the format
// `--print-snapshots` writes (so a captured line can be fed back), plus an optional "settings"
// object with the BMS settings in the field names of tinybms::BmsSettings.
#pragma once

#include <string>

#include "core/msg/battery_snapshot.hpp"
#include "core/tinybms/bms_settings.hpp"

namespace tbgw::app {

struct BatteryInput {
  msg::BatterySnapshot snapshot;
  tinybms::BmsSettings settings;
};

// Returns false with `error` naming the key and the problem; `out` is then unspecified.
bool parse_battery_input(const std::string& json_text, BatteryInput& out, std::string& error);

}  // namespace tbgw::app
