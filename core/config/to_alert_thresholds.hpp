// The alert engine's thresholds from the gateway configuration: to_alarm_thresholds() (the
// battery / 0x35A rules, delays included) plus the keys only the engine reads (SOC low). The
// gateway-rule durations have no keys and keep the defaults of AlertThresholds{}.
#pragma once

#include "core/alerts/alert_thresholds.hpp"
#include "core/config/gateway_config.hpp"

namespace tbgw::config {

alerts::AlertThresholds to_alert_thresholds(const GatewayConfig& config);

}  // namespace tbgw::config
