// Logging set-up for the Linux programs (spdlog). One line per state change, to stderr, so
// that systemd's journal or a terminal gets it; the level comes from --log-level.
#pragma once

#include <string_view>

namespace tbgw::platform {

// Accepts trace, debug, info, warn, error, critical, off. Returns false for anything else
// (the caller prints the allowed values and exits).
bool init_logging(std::string_view level);

}  // namespace tbgw::platform
