// The configuration schema: one constexpr table (config_schema.cpp) with a row per setting,
// as PX4's module.yaml or ArduPilot's var_info. Every face of the gateway reads it: the file
// loader, the command-line overrides, the REST API, MQTT commands, the web form and the
// generated reference (docs/configuration.md).
//
// Theory of operation. A row names a stable dotted key ("poll.live_interval_ms"), its type,
// unit, range or allowed values, default, whether a change applies live or needs a restart,
// a one-line description, and get/set functions bound to the GatewayConfig member. Keys are
// stable forever: renaming one needs a schema version bump and a migration step
// (config_migration.hpp). Rows are grouped by prefix; later features append their own groups.
//
// Bounds: at most kMaxConfigKeys rows (static_assert). Lookup is a linear scan of the table:
// use it on configuration paths, not per poll. Nothing here allocates.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "core/config/config_key.hpp"

namespace tbgw::config {

// Every row, in table order (grouped by prefix).
std::span<const ConfigKey> schema();

// The row for `key`, or nullptr when the schema has no such key.
const ConfigKey* find_key(std::string_view key);

// The row's position in schema(): the bit that msg::ConfigChanged uses for it.
// Precondition: `key` is a row of schema() (from find_key(), schema() or a ConfigDiff).
std::size_t key_index(const ConfigKey& key);

}  // namespace tbgw::config
