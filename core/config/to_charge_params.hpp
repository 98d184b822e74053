// The charge-control parameters and the 0x35A alarm thresholds from the gateway configuration
// (charge.*, stale.* and alert.*).
//
// Theory of operation. The schema exposes the fields an installer sets (cell voltages of the
// phases, time bounds, current maximums, temperature margins, warning and alarm thresholds); the
// internal tuning knobs (hysteresis bands, debounce timers, derating tables, the hold_safe cell
// window) keep the defaults of ChargeParams{} / AlarmThresholds{}. The schema takes its defaults
// from those same structs, so defaults() converts to ChargeParams{} and AlarmThresholds{}
// exactly; its ranges are those of ChargeParams::validate() and its cross rules those of
// ChargeParams::validate() and victron::validate(AlarmThresholds), so a configuration the schema
// accepts always gives parameters that validate (config_schema_test proves both).
#pragma once

#include "core/config/gateway_config.hpp"
#include "core/control/charge_params.hpp"
#include "core/victron/alarm_evaluator.hpp"

namespace tbgw::config {

constexpr control::StalePolicy to_control(StalePolicy p) {
  return p == StalePolicy::hold_safe ? control::StalePolicy::hold_safe
                                     : control::StalePolicy::stop_transmitting;
}

constexpr StalePolicy from_control(control::StalePolicy p) {
  return p == control::StalePolicy::hold_safe ? StalePolicy::hold_safe
                                              : StalePolicy::stop_transmitting;
}

static_assert(static_cast<int>(CellTempSource::board) ==
              static_cast<int>(control::CellTempSource::board));
static_assert(static_cast<int>(CellTempSource::external) ==
              static_cast<int>(control::CellTempSource::external));

// ChargeParams{} with every charge.* key, stale.policy, stale.timeout_ms and stale.hold_max_ms
// applied.
control::ChargeParams to_charge_params(const GatewayConfig& config);

// AlarmThresholds{} with every alert.* key applied.
victron::AlarmThresholds to_alarm_thresholds(const GatewayConfig& config);

}  // namespace tbgw::config
