// AlertThresholds: every threshold of the alert engine, in one struct built from the config
// schema (config::to_alert_thresholds). The battery rules are victron::AlarmThresholds (the
// 0x35A table, unchanged); the rest are the rules only the engine has.
//
// Gateway rules (BMS link, CAN bus, GX, storage) judge how long a condition has lasted: their
// value is seconds in the bad state and their warning/alarm thresholds are durations, which are
// also their minimum duration. kNever disables a level (a gateway without a GX is legitimate, so
// "no GX seen" never becomes an alarm by default).
#pragma once

#include <cstdint>
#include <limits>

#include "core/util/result.hpp"
#include "core/util/time.hpp"
#include "core/victron/alarm_evaluator.hpp"

namespace tbgw::alerts {

inline constexpr Millis kNever = std::numeric_limits<Millis>::max();

struct AlertThresholds {
  victron::AlarmThresholds battery;  // raise/clear delays here apply to SOC low as well
  // SOC, %: 20 % warning leaves hours at typical loads; 10 % alarm before the BMS's own
  // under-voltage cutoff ends the discharge. 2 % band: the SOC estimate steps by far less.
  float soc_low_warning_pct = 20.0F;
  float soc_low_alarm_pct = 10.0F;
  float soc_hysteresis_pct = 2.0F;
  // BMS link: the poller already waited its loss timeout before reporting `lost`, so the
  // warning comes at once; one minute without BMS data is an alarm (CAN goes stale then too).
  // A link still `connecting` counts as lost only after connect_grace_ms (start-up).
  Millis link_lost_warning_ms = 0;
  Millis link_lost_alarm_ms = 60'000;
  Millis connect_grace_ms = 15'000;
  // CAN bus off / down: the driver recovers from short bus-off bursts itself; 2 s of it is a
  // warning, 30 s (the GX drops the battery after ~60 s of silence) an alarm.
  Millis can_down_warning_ms = 2'000;
  Millis can_down_alarm_ms = 30'000;
  // No GX frame seen: warning after a minute, never an alarm (inverter-only systems exist).
  Millis gx_missing_warning_ms = 60'000;
  Millis gx_missing_alarm_ms = kNever;
  // Storage (history, config, counters) failing: a warning at once; the CAN side is untouched.
  Millis storage_warning_ms = 0;
  Millis storage_alarm_ms = kNever;
};

// The battery part through victron::validate; SOC ordering and non-negative durations.
Result<void, victron::ThresholdError> validate(const AlertThresholds& t);

}  // namespace tbgw::alerts
