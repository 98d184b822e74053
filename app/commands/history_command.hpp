// `tinybms-gw history export`: prints the stored history (STATE_DIR/history.sqlite) to stdout.
#pragma once

#include <optional>
#include <string>

namespace tbgw::app {

// from/to: ISO 8601 UTC (see platform/linux/history_export.hpp), default: everything;
// tier: raw | 1m | 15m (samples only; not used for alerts); format: csv | json;
// what: samples | alerts (the alert log: our alert edges and the TinyBMS's events). Opens the
// database read-only (safe while the gateway runs). Returns 0, or 2 for bad arguments, 1 when
// the history cannot be read.
int run_history_export(const std::string& state_dir, std::optional<std::string> from,
                       std::optional<std::string> to, std::string tier, std::string format,
                       std::string what = "samples");

}  // namespace tbgw::app
