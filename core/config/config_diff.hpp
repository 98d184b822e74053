// diff(): which settings differ between two configs, and whether any of them needs a restart.
// The result feeds the ConfigChanged message and the log line per change
// ("poll.live_interval_ms 1000 -> 500 (live)"; platform/linux/config_text.hpp formats it).
//
// Bounds: at most kMaxConfigKeys entries, pointers into the static schema table; no allocation.
#pragma once

#include <array>
#include <cstddef>
#include <span>

#include "core/config/config_key.hpp"
#include "core/config/gateway_config.hpp"

namespace tbgw::config {

class ConfigDiff {
 public:
  // The schema rows whose values differ, in table order.
  std::span<const ConfigKey* const> changed() const { return {keys_.data(), size_}; }
  bool empty() const { return size_ == 0; }
  // True when at least one changed key has Apply::restart.
  bool needs_restart() const { return needs_restart_; }

  void add(const ConfigKey& key) {
    if (size_ < keys_.size()) keys_[size_++] = &key;
    if (key.apply == Apply::restart) needs_restart_ = true;
  }

 private:
  std::array<const ConfigKey*, kMaxConfigKeys> keys_{};
  std::size_t size_ = 0;
  bool needs_restart_ = false;
};

ConfigDiff diff(const GatewayConfig& before, const GatewayConfig& after);

}  // namespace tbgw::config
