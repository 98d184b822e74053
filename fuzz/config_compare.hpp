// Equality of two configurations, key by key through the one schema (GatewayConfig has no
// operator==: its strings are fixed buffers, compared here by their text).
#pragma once

#include "core/config/config_schema.hpp"
#include "core/config/gateway_config.hpp"

namespace tbgw::fuzz {

inline bool same_config(const config::GatewayConfig& a, const config::GatewayConfig& b) {
  for (const config::ConfigKey& k : config::schema()) {
    if (k.get(a) != k.get(b)) return false;
  }
  return true;
}

}  // namespace tbgw::fuzz
