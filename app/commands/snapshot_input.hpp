// Reads a battery state from JSON for `tinybms-gw encode`: the snapshot in the format
// `--print-snapshots` writes (so a captured line can be fed back), plus an optional "settings"
// object with the BMS settings in the field names of tinybms::BmsSettings.
#pragma once

#include <cstdint>
#include <string>

#include "core/msg/battery_snapshot.hpp"
#include "core/tinybms/bms_settings.hpp"
#include "platform/linux/error.hpp"

namespace tbgw::app {

struct BatteryInput {
  msg::BatterySnapshot snapshot;
  tinybms::BmsSettings settings;
};

// Why an input was refused; the detail names the key (and the value and range).
enum class InputErrc : std::uint8_t {
  not_object,    // not JSON, or not an object
  bad_cells,     // cell_mv absent, not an array, or 4..16 cells not given (detail: which)
  bad_value,     // a key that is not a number (detail: the key)
  out_of_range,  // a number outside the key's range (detail: key, value and range)
  bad_settings,  // "settings" is not an object
};
const char* to_string(InputErrc e);
using InputError = platform::Error<InputErrc>;

Result<BatteryInput, InputError> parse_battery_input(const std::string& json_text);

}  // namespace tbgw::app
