// BatteryAlarms: the state of every alarm/warning item the gateway reports (CAN 0x35A today;
// later the alert engine, MQTT and D-Bus /Alarms/* read the same values).
//
// One level per item. `unsupported` is reserved for items the gateway cannot judge (0x35A 0b00);
// a supported item is always `ok`, `warning` or `alarm` (never "0b00 means fine": spec §2).
#pragma once

#include <array>
#include <cstdint>
#include <type_traits>

#include "core/util/time.hpp"

namespace tbgw::msg {

enum class AlarmLevel : std::uint8_t { unsupported = 0, ok = 1, warning = 2, alarm = 3 };

// The 0x35A items, in the order of the Victron table.
enum class AlarmItem : std::uint8_t {
  general = 0,
  high_voltage,
  low_voltage,
  high_temperature,
  low_temperature,
  high_charge_temperature,
  low_charge_temperature,
  high_discharge_current,
  high_charge_current,
  contactor,
  short_circuit,
  bms_internal,
  cell_imbalance,
  count
};

struct BatteryAlarms {
  static constexpr std::size_t kItems = static_cast<std::size_t>(AlarmItem::count);
  Millis stamp_ms = 0;
  std::array<AlarmLevel, kItems> level{};  // all unsupported until evaluated
  bool online = false;  // 0x35A byte 7 bits 2-3 "system status": true = online (0b10)

  AlarmLevel& operator[](AlarmItem item) { return level[static_cast<std::size_t>(item)]; }
  AlarmLevel operator[](AlarmItem item) const { return level[static_cast<std::size_t>(item)]; }
};

static_assert(std::is_trivially_copyable_v<BatteryAlarms>);

}  // namespace tbgw::msg
