// Command-line options of tinybms-gw (parsed in main.cpp with CLI11).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tbgw::app {

struct SimOptions {
  std::string chemistry = "lfp";  // lfp, nmc or lto (sim/chemistry.hpp)
  int cells = 16;
  std::uint64_t seed = 1;
  std::string scenario_file;  // empty: constant current
  double time_factor = 1.0;
  double initial_soc_pct = 60.0;
  double current_a = 0.0;  // constant load when no scenario (positive = charging)
  bool solar_day = false;
};

// Flags that map onto config keys: applied through the schema (app/config_loader), so their
// ranges live in one place. Unset = not given.
struct ConfigFlags {
  std::optional<std::string> serial;
  std::optional<int> baud;
  std::optional<std::string> can;
  std::optional<std::int64_t> poll_interval_ms;
  std::optional<std::int64_t> response_timeout_ms;
  std::optional<std::string> log_level;
  std::optional<std::string> http;  // http.listen
  std::optional<std::string> mqtt;  // mqtt.url
  bool dbus = false;                // venus.enabled = true when given
};

struct Options {
  std::string config_file;  // --config: read-only seed (see app/service/config_loader.hpp)
  std::string state_dir;    // --state-dir: empty = default (installed: /var/lib/tinybms-gw)
  ConfigFlags flags;
  bool simulate = false;
  SimOptions sim;
  int summary_interval_s = 60;    // a snapshot summary in the log this often (0 = never)
  bool print_snapshots = false;   // every snapshot as one JSON line on stdout
  long exit_after_snapshots = 0;  // 0 = run until stopped
  // `settings` subcommand
  std::vector<std::string> settings_assignments;  // NAME=VALUE or ADDRESS=VALUE (raw units)
};

}  // namespace tbgw::app
