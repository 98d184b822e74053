// AlertChanged: one edge of one alert (raised, changed severity, cleared, acknowledged) or one
// TinyBMS event merged into the alert log. The alert engine (core/alerts) publishes these; the
// UI, MQTT and the history log read them. The same value is an entry of the engine's event log.
//
// Ids: key() strings ("cell_high") are stable forever and are what MQTT topics, the REST API and
// stored records use; the enum numbers are not a storage format (a new rule is appended before
// `bms_event`, which marks the TinyBMS entries of the log).
//
// Flat, fixed size and trivially copyable (the human message is a NUL-terminated buffer).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "core/util/time.hpp"

namespace tbgw::msg {

// The rules, in the order of the alert engine's table. The first twelve are the 0x35A rules of
// victron::AlarmRuleId, in the same order (static_assert in alert_engine.cpp).
enum class AlertId : std::uint8_t {
  cell_high = 0,
  pack_high,
  cell_low,
  pack_low,
  temp_high,
  temp_low,
  charge_temp_high,
  charge_temp_low,
  discharge_current,
  charge_current,
  imbalance,
  bms_status,
  soc_low,
  bms_link_lost,
  can_bus_off,
  gx_not_seen,
  storage,
  charge_setting,  // an owner's charge voltage outside the BMS's envelope (clamped)
  bms_event,       // not a rule: a TinyBMS event entry of the log
  count
};

inline constexpr std::size_t kAlertRules = static_cast<std::size_t>(AlertId::bms_event);

enum class AlertSeverity : std::uint8_t { none = 0, warning = 1, alarm = 2 };

enum class AlertEdge : std::uint8_t {
  raised = 0,        // none -> warning/alarm
  changed = 1,       // warning <-> alarm while active
  cleared = 2,       // the condition is gone (after hysteresis and the clear delay)
  acknowledged = 3,  // the owner acknowledged it (an active alarm stays active and listed)
  bms_event = 4,     // a TinyBMS event (id AlertId::bms_event)
};

struct AlertChanged {
  static constexpr std::size_t kMessageLength = 96;
  using Message = std::array<char, kMessageLength>;  // NUL-terminated, UTF-8

  std::uint32_t seq = 0;  // log sequence number, 1-based, +1 per entry
  Millis stamp_ms = 0;    // when the edge happened (monotonic; the app maps it to wall time)
  AlertEdge edge = AlertEdge::raised;
  AlertId id = AlertId::cell_high;
  AlertSeverity severity = AlertSeverity::none;  // after the edge (none once cleared)
  bool active = false;                           // after the edge
  bool acknowledged = false;                     // after the edge
  float value = 0.0F;      // in the unit of the rule (unit(id)): the value that raised it
  float threshold = 0.0F;  // the threshold it crossed
  Millis raised_ms = 0;
  Millis cleared_ms = 0;              // 0 while active
  std::uint8_t bms_event_id = 0;      // bms_event only: the TinyBMS event code
  std::int64_t bms_event_unix_s = 0;  // bms_event only: absolute time, 0 when unknown
  Message message{};
};

static_assert(std::is_trivially_copyable_v<AlertChanged>);

// Stable string keys ("cell_high", ..., "bms_event").
std::string_view key(AlertId id);
// The unit of value/threshold ("mV", "V", "degC", "A", "%", "s", "" for status codes).
std::string_view unit(AlertId id);
const char* to_string(AlertSeverity s);
const char* to_string(AlertEdge e);
std::string_view message_text(const AlertChanged::Message& m);

}  // namespace tbgw::msg
