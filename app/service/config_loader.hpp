// Where the running configuration comes from, in order (later wins):
//   1. the schema's defaults (core/config);
//   2. the configuration file: STATE_DIR/config.json when it exists (the gateway's own file,
//      written atomically with a last-good copy; the web UI and the API save there), else
//      the file named by --config (the installer's seed, e.g. /etc/tinybms-gw/config.json,
//      which the gateway only reads);
//   3. command-line flags (--serial, --baud, --can, --poll-interval-ms, --response-timeout-ms,
//      --log-level, --http, --mqtt), which are never saved.
// Every value passes the one schema; an error names the key and the allowed range.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "app/options.hpp"
#include "core/config/gateway_config.hpp"
#include "platform/linux/config_problems.hpp"

namespace tbgw::app {

struct LoadedConfig {
  config::GatewayConfig config;
  std::string source;                 // which file (or "defaults")
  std::vector<std::string> warnings;  // degraded but running (corrupt file, last-good used)
  bool can_backend_named = false;     // by a flag or a file (for --simulate's safe default)
};

// Fatal: the gateway does not start (or a reload is refused). Every problem is a line for the
// owner; the --config file's ones start with its path.
enum class ConfigLoadErrc : std::uint8_t {
  unreadable_file,   // the --config file cannot be read
  bad_file,          // the --config file is refused
  bad_flags,         // a flag the schema refuses
  two_bms_services,  // venus.enabled and a real CAN output towards the same GX
};
const char* to_string(ConfigLoadErrc e);

struct ConfigLoadError {
  ConfigLoadErrc what = ConfigLoadErrc::bad_file;
  platform::ConfigProblems problems;
};
// Every problem on one line.
std::string to_string(const ConfigLoadError& e);

Result<LoadedConfig, ConfigLoadError> load_config(const Options& options,
                                                  const std::filesystem::path& state_dir);

// Layers 1 and 2 only (no flags): what a change from the API or MQTT is applied to and saved
// as STATE_DIR/config.json, so that flags never end up in the file.
Result<LoadedConfig, ConfigLoadError> load_file_config(const Options& options,
                                                       const std::filesystem::path& state_dir);

}  // namespace tbgw::app
