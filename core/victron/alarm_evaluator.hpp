// AlarmEvaluator: msg::BatteryAlarms (the 0x35A items) from a snapshot, the BMS settings and
// configurable thresholds, with hysteresis so a value hovering at a threshold never flaps.
//
// Theory of operation. A constant table of rules (alarm_evaluator.cpp) maps each measurement to
// one 0x35A item: cell high/low and pack high/low -> high/low voltage, board+cell temperature ->
// high temperature, cell temperature -> low temperature and the two charge-temperature items,
// current against the BMS over-current cutoffs, cell spread -> imbalance, BMS online status
// (and a lost link) -> BMS internal. Each rule yields a value and two thresholds (warning,
// alarm) or "cannot judge" (no settings read yet, sensor absent). Per rule:
// - the level rises when the value has been past a threshold for raise_delay_ms (default 0: at
//   once, the BMS data is CRC-checked and 0x35A must not lag the BMS's own trip);
// - it falls only when the value is back by more than the hysteresis band AND has stayed there
//   for clear_delay_ms (time is a parameter, no clock): noise bigger than the band cannot flap;
//   both through alerts::LevelFilter, the debounce the alert engine uses for its own rules;
// - charge-temperature rules reach `alarm` only while the pack is charging (current above
//   charging_above_a, left below it minus charging_hysteresis_a): a cold pack whose charging the
//   BMS and the control engine block is a warning, charging it in the cold is the alarm.
// An item's level is the worst level of its rules; an item none of whose rules can judge is
// `unsupported` (0x35A 0b00), and so are the items the gateway cannot judge at all (general,
// contactor, short circuit). `online` is the link state (up = online).
//
// Thresholds: voltages and the over-temperature and low-charge-temperature limits are margins
// inside the BMS's own cutoffs (registers 315, 316, 319, 320), so the gateway warns before the BMS
// trips and alarms when it does; pack limits are series cells x the per-cell cutoff
// (BmsSettings::pack_*_v: never a per-cell register compared with a pack voltage, spec §7 item
// 2). Limits the TinyBMS has no register for (low discharge temperature, high charge
// temperature, imbalance) are absolute, with LiFePO4 datasheet defaults. Each default is
// justified next to it below.
//
// This table is the battery half of the alert engine's rules (core/alerts/alert_engine.hpp owns
// one evaluator and derives its alerts from rule_status()): one set of rules and thresholds for
// 0x35A, the UI, MQTT and the logs.
// Bounds: O(cells + rules) per call, no allocation, deterministic.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/alerts/level_filter.hpp"
#include "core/msg/battery_alarms.hpp"
#include "core/msg/battery_snapshot.hpp"
#include "core/msg/link_state.hpp"
#include "core/tinybms/bms_settings.hpp"
#include "core/util/result.hpp"
#include "core/util/time.hpp"

namespace tbgw::victron {

struct AlarmThresholds {
  // Cells, mV inside the BMS cutoffs. Warning 50 mV below the over-voltage cutoff: above any
  // sane end-of-charge voltage, still before the BMS opens the charge switch. Alarm at the
  // cutoff itself (the BMS trips there). Low side: 100 mV above the under-voltage cutoff, where
  // the discharge knee leaves minutes rather than seconds; alarm at the cutoff.
  float cell_high_warning_margin_mv = 50.0F;
  float cell_high_alarm_margin_mv = 0.0F;
  float cell_low_warning_margin_mv = 100.0F;
  float cell_low_alarm_margin_mv = 0.0F;
  float cell_hysteresis_mv = 20.0F;  // > reading noise (a few mV), < the warning margins
  // Pack voltage against series cells x cutoff, per-cell margins as above: an independent
  // measurement (reg 36) that still warns if a cell channel reads wrong.
  float pack_high_warning_margin_mv = 50.0F;
  float pack_high_alarm_margin_mv = 0.0F;
  float pack_low_warning_margin_mv = 100.0F;
  float pack_low_alarm_margin_mv = 0.0F;
  float pack_hysteresis_mv = 20.0F;  // per cell
  // Temperatures, degC. High: 10 degC below the over-heat cutoff (reg 319, default 60 degC)
  // leaves time to act; alarm at the cutoff. Low (discharge): LiFePO4 discharge limit -20 degC,
  // warning 10 degC before. High while charging: LiFePO4 charge limit 45 degC (warning),
  // 50 degC alarm. Low while charging: 3 degC above the BMS charge cutoff (reg 320), alarm at it.
  float temp_high_warning_margin_c = 10.0F;
  float temp_high_alarm_margin_c = 0.0F;
  float temp_low_warning_c = -10.0F;
  float temp_low_alarm_c = -20.0F;
  float charge_temp_high_warning_c = 45.0F;
  float charge_temp_high_alarm_c = 50.0F;
  float charge_temp_low_warning_margin_c = 3.0F;
  float charge_temp_low_alarm_margin_c = 0.0F;
  float temp_hysteresis_c = 2.0F;  // sensors read 0.1 degC; packs drift slowly
  // Currents, % of the BMS over-current cutoffs (reg 317 discharge, 318 charge): 80 % warning
  // (peers use the same), alarm at the cutoff (the BMS trips after its timeout).
  float current_warning_pct = 80.0F;
  float current_alarm_pct = 100.0F;
  float current_hysteresis_pct = 5.0F;
  // Cell spread, mV: 100 mV warning (where peers start holding CVL), 200 mV alarm.
  float imbalance_warning_mv = 100.0F;
  float imbalance_alarm_mv = 200.0F;
  float imbalance_hysteresis_mv = 20.0F;
  // "Charging" for the charge-temperature alarms: above 1 A (over sensor offset), left below 0.5 A.
  float charging_above_a = 1.0F;
  float charging_hysteresis_a = 0.5F;
  // A raised level falls only after the value stayed inside its band this long.
  Millis clear_delay_ms = 5'000;
  // A level rises only after the value stayed past its threshold this long (0: at once).
  Millis raise_delay_ms = 0;
};

enum class ThresholdError : std::uint8_t {
  not_finite = 1,          // a threshold is NaN or infinite
  negative = 2,            // a margin, hysteresis, percentage or delay is negative
  warning_past_alarm = 3,  // a warning threshold lies beyond its alarm threshold
};

const char* to_string(ThresholdError e);

Result<void, ThresholdError> validate(const AlarmThresholds& t);

// The rules of the table, in evaluation order.
enum class AlarmRuleId : std::uint8_t {
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
  count
};

// What one rule saw at the last evaluation (for diagnostics: "high_voltage: cell 3650 mV >= 3650").
struct AlarmRuleStatus {
  std::string_view name;  // "cell_high"
  msg::AlarmItem item = msg::AlarmItem::general;
  bool judged = false;  // false: it could not judge (no settings, no sensor)
  msg::AlarmLevel level = msg::AlarmLevel::ok;
  float value = 0.0F;  // in the unit of the rule (mV, V, degC, A, status code)
  float warning = 0.0F;
  float alarm = 0.0F;
};

class AlarmEvaluator {
 public:
  static constexpr std::size_t kRules = static_cast<std::size_t>(AlarmRuleId::count);

  explicit AlarmEvaluator(const AlarmThresholds& thresholds = {}) : thresholds_(thresholds) {}

  // `settings` is nullptr until the BMS settings have been read.
  msg::BatteryAlarms evaluate(const msg::BatterySnapshot& snapshot,
                              const tinybms::BmsSettings* settings, msg::LinkStatus link,
                              Millis now_ms);

  // Forget every level (a different BMS, a restart).
  void reset();

  const AlarmThresholds& thresholds() const { return thresholds_; }
  // Takes effect at the next evaluate(); levels already raised follow the new band.
  void set_thresholds(const AlarmThresholds& thresholds) { thresholds_ = thresholds; }

  const std::array<AlarmRuleStatus, kRules>& rule_status() const { return status_; }
  bool charging() const { return charging_; }

 private:
  AlarmThresholds thresholds_;
  std::array<alerts::LevelFilter, kRules> state_{};
  std::array<AlarmRuleStatus, kRules> status_{};
  bool charging_ = false;
};

// The 0x35A image while limits are held without fresh BMS data (the hold_safe stale policy):
// the system status reads offline and the BMS-internal item is at least a warning, so the GX
// shows that the battery's data is not live instead of the last snapshot's "all fine".
msg::BatteryAlarms with_link_lost(msg::BatteryAlarms alarms);

}  // namespace tbgw::victron
