// The channel table: every message of the gateway on the typed bus (core/bus/channel.hpp), its
// kind, validator and subscriber capacity, in one place.
//
// The gateway (gateway_impl.hpp) owns the one instance and is the only publisher. The network
// faces see it as `const Channels&` through GatewayServices::channels(): they read latest()
// and subscribe (keeping the Subscription as a member), but cannot publish. A capacity counts
// every subscriber: the gateway's own (gateway.cpp) and the faces'.
#pragma once

#include <cmath>

#include "core/bus/channel.hpp"
#include "core/control/charge_profile.hpp"
#include "core/control/decision_guard.hpp"
#include "core/msg/alert_changed.hpp"
#include "core/msg/battery_alarms.hpp"
#include "core/msg/battery_snapshot.hpp"
#include "core/msg/charge_decision.hpp"
#include "core/msg/config_changed.hpp"
#include "core/msg/energy_counters.hpp"
#include "core/msg/link_state.hpp"
#include "core/tinybms/bms_settings.hpp"
#include "core/tinybms/poller_event.hpp"
#include "core/tinybms/version_info.hpp"
#include "core/victron/frame_encoder.hpp"

namespace tbgw::app {

namespace detail {

inline bool snapshot_is_valid(const msg::BatterySnapshot& s) {
  return s.cell_count >= 4 && s.cell_count <= msg::BatterySnapshot::kMaxCells &&
         std::isfinite(s.pack_voltage_v) && std::isfinite(s.pack_current_a) &&
         std::isfinite(s.soc_pct) && s.soc_pct >= 0.0 && s.soc_pct <= 100.0;
}

inline bool decision_is_valid(const msg::ChargeDecision& d) {
  // The decision's invariants (core/control/decision_guard.hpp): never a 0 V limit or a negative
  // current, CCL 0 only with CVL at the pack voltage, nothing above the BMS's own cutoffs.
  return control::check_decision(d) == control::DecisionFault::none;
}

}  // namespace detail

// The channel table: every message of the gateway, its kind, validator and capacity.
struct Channels {
  bus::StateChannel<msg::BatterySnapshot, 8> snapshot{"battery_snapshot",
                                                      &detail::snapshot_is_valid};
  bus::StateChannel<msg::LinkState, 8> link{"link_state"};
  bus::StateChannel<tinybms::BmsSettings, 4> settings{"bms_settings"};
  bus::StateChannel<tinybms::VersionInfo, 4> version{"bms_version"};
  bus::StateChannel<msg::ChargeDecision, 8> decision{"charge_decision", &detail::decision_is_valid};
  // The charge profile in force (published when it changes: a settings read, a config change).
  bus::StateChannel<control::ChargeProfile, 4> profile{"charge_profile"};
  bus::StateChannel<msg::BatteryAlarms, 8> alarms{"battery_alarms"};
  // The Victron frame set the CAN output transmits; an empty set stops it (no valid decision).
  bus::StateChannel<victron::FrameSet, 4> can_frames{"can_frames"};
  bus::StateChannel<msg::EnergyCounters, 4> energy{"energy_counters", &msg::is_valid};
  bus::EventChannel<msg::ConfigChanged, 8> config_changed{"config_changed", &msg::is_valid};
  bus::EventChannel<msg::AlertChanged, 8> alert_changed{"alert_changed"};
  // The outcome of a settings write (verified by read-back, or why not).
  bus::EventChannel<tinybms::SettingsWriteResult, 4> settings_write{"settings_write"};
};

}  // namespace tbgw::app
