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

namespace tbgw::platform {

struct ConfigParseResult {
  bool ok = false;
  config::GatewayConfig config;     // the parsed config when ok, else the defaults
  std::int64_t schema_version = 0;  // as found in the text (0 when unreadable)
  std::vector<std::string>
      errors;  // every problem, e.g. "poll.max_retries: expected int, got string"
};

// Parses, migrates and validates a config file's text.
ConfigParseResult config_from_json(std::string_view text);

// The text save() writes: pretty-printed, one setting per line, trailing newline.
// Returns an empty string if the config cannot be encoded (e.g. invalid UTF-8 in a string).
std::string config_to_json(const config::GatewayConfig& config);

}  // namespace tbgw::platform
