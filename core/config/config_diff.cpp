// diff() over the schema table (config_diff.hpp).
#include "core/config/config_diff.hpp"

#include "core/config/config_schema.hpp"

namespace tbgw::config {

ConfigDiff diff(const GatewayConfig& before, const GatewayConfig& after) {
  ConfigDiff d;
  for (const ConfigKey& k : schema()) {
    if (!(k.get(before) == k.get(after))) d.add(k);
  }
  return d;
}

}  // namespace tbgw::config
