// Command-line options of tinybms-gw (parsed in main.cpp with CLI11).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/tinybms/poller_config.hpp"

namespace tbgw::app {

struct SimOptions {
  int cells = 16;
  std::uint64_t seed = 1;
  std::string scenario_file;  // empty: constant current
  double time_factor = 1.0;
  double initial_soc_pct = 60.0;
  double current_a = 0.0;  // constant load when no scenario (positive = charging)
  bool solar_day = false;
};

struct Options {
  std::string serial_path;
  bool simulate = false;
  SimOptions sim;
  int baud = 115200;
  std::string log_level = "info";
  tinybms::PollerConfig poller;
  int summary_interval_s = 10;    // a snapshot summary in the log this often (0 = never)
  bool print_snapshots = false;   // every snapshot as one JSON line on stdout
  long exit_after_snapshots = 0;  // 0 = run until stopped
  // `settings` subcommand
  std::vector<std::string> settings_assignments;  // NAME=VALUE or ADDRESS=VALUE (raw units)
};

}  // namespace tbgw::app
