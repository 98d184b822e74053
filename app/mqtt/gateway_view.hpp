// GatewayView: one copy of everything the MQTT payloads are built from, taken from the bus and
// GatewayServices at publish time. The payload builders (state, discovery, Venus JSON) are pure
// functions of it, so they are tested without a gateway or a broker.
#pragma once

#include <array>
#include <optional>
#include <string>

#include "core/msg/alert_changed.hpp"
#include "core/msg/battery_alarms.hpp"
#include "core/msg/battery_snapshot.hpp"
#include "core/msg/charge_decision.hpp"
#include "core/msg/energy_counters.hpp"
#include "core/msg/link_state.hpp"

namespace tbgw::app::mqtt {

struct AlertView {
  bool active = false;
  msg::AlertSeverity severity = msg::AlertSeverity::none;
  std::string message;
};

struct GatewayView {
  std::optional<msg::BatterySnapshot> snapshot;
  std::optional<msg::ChargeDecision> decision;
  std::optional<msg::EnergyCounters> energy;
  std::optional<msg::BatteryAlarms> alarms;
  msg::LinkState link{};
  std::array<AlertView, msg::kAlertRules> alerts{};
  float capacity_ah = 0.0F;  // from the BMS settings; 0 = not read yet
};

}  // namespace tbgw::app::mqtt
