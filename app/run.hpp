// The two things tinybms-gw can do; each returns the process exit code.
#pragma once

#include "app/options.hpp"

namespace tbgw::app {

// Polls the TinyBMS (or the simulator) until SIGINT/SIGTERM, logging what it sees.
int run_gateway(const Options& options);
// Reads the settings, applies --set assignments with read-back, prints the outcome.
int run_settings_command(const Options& options);
// Reads a battery state as JSON on stdin, prints the CAN frames it maps to (candump format).
int run_encode_command(const Options& options);

}  // namespace tbgw::app
