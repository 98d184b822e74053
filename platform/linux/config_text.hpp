// Human-readable texts for configuration values, errors and changes: the one place that turns
// the core's error values into sentences for logs, the command line, the REST API and alerts.
//
// Every error sentence starts with the key and ends with what is allowed, e.g.
//   poll.live_interval_ms: 50 is out of range (allowed 100..60000 ms)
//   poll.response_timeout_ms (1500) must be less than poll.live_interval_ms (1000)
#pragma once

#include <string>
#include <vector>

#include "core/config/config_error.hpp"
#include "core/config/config_key.hpp"
#include "core/config/gateway_config.hpp"

namespace tbgw::platform {

// 1000, true, 0.25, "log:-" (strings quoted, as in JSON).
std::string format_value(const config::ConfigValue& value);

// What a key accepts: "100..60000 ms", "9600, 19200, ...", "stop_transmitting, hold_safe",
// "true, false", "at most 8 characters, printable ASCII".
std::string allowed_values(const config::ConfigKey& key);

std::string describe(const config::ConfigError& error);

// One sentence per error (and one for omitted errors, if any).
std::vector<std::string> describe(const config::ConfigErrors& errors);

// "poll.live_interval_ms 1000 -> 500 (live)".
std::string describe_change(const config::ConfigKey& key, const config::GatewayConfig& before,
                            const config::GatewayConfig& after);

}  // namespace tbgw::platform
