// From the configuration (one schema, core/config) to the parameters of the core engines.
#pragma once

#include "core/alerts/alert_thresholds.hpp"
#include "core/config/gateway_config.hpp"
#include "core/control/charge_params.hpp"
#include "core/tinybms/settings_consistency.hpp"
#include "core/tinybms/version_info.hpp"
#include "core/victron/frame_encoder.hpp"

namespace tbgw::app {

control::ChargeParams charge_params_from(const config::GatewayConfig& cfg);
alerts::AlertThresholds alert_thresholds_from(const config::GatewayConfig& cfg);
// What the TinyBMS settings check needs of the charge profile (the window between 315 and 316).
tinybms::ConsistencyLimits consistency_limits_from(const config::GatewayConfig& cfg);
// Sets spdlog's level from log.level (start-up and every reload).
void apply_log_level(const config::GatewayConfig& cfg);
// The CAN identity (0x35E/0x370/0x382, firmware in 0x35F). Names the schema accepted but the
// encoder's rules refuse (a battery name whose first 8 characters differ from the
// manufacturer's) fall back to the manufacturer alone, with a warning in the log.
victron::EncoderIdentity identity_from(const config::GatewayConfig& cfg,
                                       const tinybms::VersionInfo& version);

}  // namespace tbgw::app
