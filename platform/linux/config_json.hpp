// The JSON form of the configuration, as stored in STATE_DIR/config.json:
//
//   {"schema_version": 1, "settings": {"poll.live_interval_ms": 500, "can.backend": "log:-"}}
//
// Only settings that differ from their default are written, in schema order: the file shows
// what the owner chose, and an improved default in a later release reaches everyone who did
// not choose. Reading runs parse -> migrate (config_migration.hpp) -> apply to the defaults
// through the schema; the result is all or nothing, and every problem is reported as a sentence
// that names the key. No exception escapes these functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/config/gateway_config.hpp"
#include "platform/linux/config_problems.hpp"

namespace tbgw::platform {

// The kind of the first problem; the list holds them all.
enum class ConfigFileErrc : std::uint8_t {
  empty,                // nothing but white space
  not_json,             // a JSON syntax error (the problem says where)
  bad_structure,        // not {"schema_version": N, "settings": {...}}, or too many settings
  bad_settings,         // an unknown key, a wrong type, a value the schema refuses
  unsupported_version,  // a schema_version no migration reads
};
const char* to_string(ConfigFileErrc e);

struct ConfigFileError {
  ConfigFileErrc what = ConfigFileErrc::empty;
  ConfigProblems problems;  // every problem, e.g. "poll.max_retries: expected int, got string"
};
// Every problem on one line.
std::string to_string(const ConfigFileError& e);

struct ParsedConfig {
  config::GatewayConfig config;
  std::int64_t schema_version = 0;  // as found in the text (before migration)
};

// Parses, migrates and validates a config file's text.
Result<ParsedConfig, ConfigFileError> config_from_json(std::string_view text);

// The text save() writes: pretty-printed, one setting per line, trailing newline.
// Returns an empty string if the config cannot be encoded (e.g. invalid UTF-8 in a string).
std::string config_to_json(const config::GatewayConfig& config);

}  // namespace tbgw::platform
