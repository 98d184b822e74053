// AlertEngine: the single source of truth for every warning and alarm of the gateway. The 0x35A
// alarm/warning bits on CAN, the UI, MQTT and the logs all read it.
//
// Theory of operation.
// - Battery rules (cell/pack high/low, temperatures, currents, imbalance, BMS status) are the
//   table of victron::AlarmEvaluator, owned here: on_snapshot() runs it once and returns its
//   msg::BatteryAlarms (the 0x35A image, unchanged behaviour), then turns each rule's filtered
//   level into an alert. SOC low is judged here, per snapshot, through the same LevelFilter.
// - Gateway rules (BMS link lost, CAN bus down, no GX seen, storage trouble) are judged by
//   tick(), every loop cycle: their value is how long the bad state has lasted (seconds), their
//   thresholds are durations (AlertThresholds), so each has a minimum duration by construction.
//   charge_setting is a warning while the charge profile clamps an owner's value to the BMS's
//   envelope (on_charge_setting; value = configured mV, threshold = the mV used).
// - One slot per rule (msg::AlertId). A slot becomes active when its filtered level leaves ok
//   (edge `raised`: raised_ms = now, acknowledged = false), changes severity while active (edge
//   `changed`; an escalation to alarm clears the acknowledgement: what was acknowledged was a
//   warning), and clears itself when the level is back to ok (edge `cleared`). While active the
//   value, threshold and message follow the latest evaluation; the log keeps them as they were
//   at each edge.
// - acknowledge() only marks a slot (edge `acknowledged`): an acknowledged alarm stays active,
//   listed and on CAN until its condition is gone.
// - TinyBMS events (add_bms_event) go into the same log as `bms_event` entries, in arrival order.
// - Every edge is appended to log() (a ring with sequence numbers: the app publishes what is
//   newer than the last seq it saw) and passed to the listener, if one is set.
//
// Bounds: kAlertRules slots, AlertLog::kCapacity log entries, all inline; O(cells + rules) per
// call; no allocation, no clock, no exceptions.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/alerts/alert_log.hpp"
#include "core/alerts/alert_message.hpp"
#include "core/alerts/alert_thresholds.hpp"
#include "core/alerts/level_filter.hpp"
#include "core/bus/callback.hpp"
#include "core/msg/alert_changed.hpp"
#include "core/msg/battery_alarms.hpp"
#include "core/msg/battery_snapshot.hpp"
#include "core/msg/link_state.hpp"
#include "core/tinybms/bms_settings.hpp"
#include "core/victron/alarm_evaluator.hpp"

namespace tbgw::alerts {

// What the app knows about the gateway's own health, passed to tick().
struct GatewayHealth {
  bool can_ok = true;      // the CAN interface is up and not bus-off
  bool gx_seen = true;     // a GX/inverter frame was seen within the app's window
  bool storage_ok = true;  // the last history/config/counter write succeeded
};

// One TinyBMS event, already converted and de-duplicated by its reader.
struct BmsEvent {
  std::int64_t unix_s = 0;  // absolute time from the BMS clock; 0 when unknown
  std::uint8_t id = 0;      // the TinyBMS event code
  std::string_view text;    // its description (copied, cut to the message buffer)
};

// The current state of one rule.
struct Alert {
  msg::AlertId id = msg::AlertId::cell_high;
  msg::AlertSeverity severity = msg::AlertSeverity::none;
  bool active = false;
  bool acknowledged = false;
  float value = 0.0F;      // unit(id)
  float threshold = 0.0F;  // the threshold of the current severity
  Millis raised_ms = 0;
  Millis cleared_ms = 0;  // 0 while active or never raised
  msg::AlertChanged::Message message{};
};

class AlertEngine {
 public:
  using Listener = bus::Callback<msg::AlertChanged>;

  explicit AlertEngine(const AlertThresholds& thresholds = {});

  // A new snapshot: battery and SOC rules. Returns the 0x35A image for the CAN encoder.
  // `settings` is nullptr until the BMS settings have been read.
  msg::BatteryAlarms on_snapshot(const msg::BatterySnapshot& snapshot,
                                 const tinybms::BmsSettings* settings, msg::LinkStatus link,
                                 Millis now_ms);

  // Every loop cycle: the gateway rules.
  void tick(const msg::LinkState& link, const GatewayHealth& health, Millis now_ms);
  // The charge profile clamped `field` (empty: nothing clamped) from `configured_mv` to `used_mv`.
  void on_charge_setting(std::string_view field, float configured_mv, float used_mv, Millis now_ms);

  // False when the alert is not active or already acknowledged.
  bool acknowledge(msg::AlertId id, Millis now_ms);
  std::size_t acknowledge_all(Millis now_ms);

  void add_bms_event(const BmsEvent& event, Millis now_ms);

  const Alert& alert(msg::AlertId id) const;
  const std::array<Alert, msg::kAlertRules>& alerts() const { return alerts_; }
  std::size_t active_count() const;
  msg::AlertSeverity worst() const;
  const msg::BatteryAlarms& last_alarms() const { return last_alarms_; }

  const AlertLog& log() const { return log_; }
  void set_listener(const Listener& listener) { listener_ = listener; }

  const AlertThresholds& thresholds() const { return thresholds_; }
  // Takes effect at the next call; raised levels follow the new thresholds.
  void set_thresholds(const AlertThresholds& thresholds);
  const victron::AlarmEvaluator& evaluator() const { return evaluator_; }

 private:
  struct Judgement {
    msg::AlarmLevel level = msg::AlarmLevel::ok;
    float value = 0.0F;
    float warning = 0.0F;
    float alarm = 0.0F;
  };
  struct Duration {
    bool bad = false;
    Millis since = 0;
    LevelFilter filter;
  };

  void apply(msg::AlertId id, const Judgement& j, const MessageContext& ctx, Millis now_ms);
  void judge_soc(const msg::BatterySnapshot& snapshot, const MessageContext& ctx, Millis now_ms);
  void judge_duration(msg::AlertId id, Duration& d, bool bad, Millis grace_ms, Millis warning_ms,
                      Millis alarm_ms, const MessageContext& ctx, Millis now_ms);
  void emit(msg::AlertEdge edge, const Alert& a, Millis now_ms);

  AlertThresholds thresholds_;
  victron::AlarmEvaluator evaluator_;
  LevelFilter soc_filter_;
  Duration link_;
  Duration can_;
  Duration gx_;
  Duration storage_;
  std::array<Alert, msg::kAlertRules> alerts_{};
  msg::BatteryAlarms last_alarms_{};
  AlertLog log_;
  Listener listener_;
};

}  // namespace tbgw::alerts
