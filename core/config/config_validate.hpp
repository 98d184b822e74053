// Validation and transactional change of a GatewayConfig through the schema.
//
// Theory of operation. Every input path (file, command-line flags, REST, MQTT) hands a batch
// of key/value settings to apply_settings(), which checks every setting against its schema row and
// then the cross-field rules on the would-be result, collects every error (each names its key
// and the allowed range or values), and changes the config only when there is none: a batch
// with one bad value changes nothing. check_value() is the per-row check on its own (the web
// form can use it field by field).
//
// Types: a boolean key takes a bool, an integer key an integer (a JSON 1000.0 is refused, not
// rounded), a float key an integer or a float, an enum key one of its names, a string key a
// string within its length and character rule. Nothing here allocates.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "core/config/config_error.hpp"
#include "core/config/config_key.hpp"
#include "core/config/gateway_config.hpp"
#include "core/util/result.hpp"

namespace tbgw::config {

// A rule between two numeric (integer or float) keys: `key` relation `other` must hold.
enum class Relation : std::uint8_t { less, greater, at_most, at_least };
struct CrossRule {
  std::string_view key;
  Relation relation;
  std::string_view other;
};
constexpr std::string_view to_string(Relation r) {
  switch (r) {
    case Relation::less:
      return "must be less than";
    case Relation::greater:
      return "must be greater than";
    case Relation::at_most:
      return "must be at most";
    case Relation::at_least:
      return "must be at least";
  }
  return "?";
}

// Every cross-field rule (for the docs and the web form).
std::span<const CrossRule> cross_rules();

// Checks `value` against `def`. On success returns the value converted to the row's type
// (an integer given for a float key becomes a double), ready for def.set().
Result<ConfigValue, ConfigError> check_value(const ConfigKey& def, const ConfigValue& value);

// Validates every setting and the cross-field rules; applies all of them or none.
// Returns every error found (ok() when the config was changed).
ConfigErrors apply_settings(GatewayConfig& config, std::span<const ConfigSetting> settings);

// apply_settings() with one setting.
ConfigErrors set(GatewayConfig& config, std::string_view key, const ConfigValue& value);

// Every field against its row, then the cross-field rules.
ConfigErrors validate(const GatewayConfig& config);

// The cross-field rules only (e.g. poll.response_timeout_ms < poll.live_interval_ms).
ConfigErrors check_consistency(const GatewayConfig& config);

}  // namespace tbgw::config
