// Configuration files: STATE_DIR/config.json (written by the gateway, but a disk, an editor or
// an older release may leave anything there) and the installer's --config file, read by
// config_from_json (platform/linux/config_json.hpp: parse, migrate, apply through the schema).
//
// Properties: a refused file gives the defaults and at least one error sentence; an accepted
// file's configuration passes config::validate() (every field and cross rule), and the file
// the gateway would save for it (config_to_json) reads back as the same configuration, at the
// current schema version, with nothing else to say.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/config/config_schema.hpp"
#include "core/config/config_validate.hpp"
#include "fuzz/config_compare.hpp"
#include "fuzz/fuzz_check.hpp"
#include "platform/linux/config_json.hpp"

using namespace tbgw;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto r = platform::config_from_json(text);
  if (!r) {
    TBGW_FUZZ_CHECK(!r.error().problems.empty());
    return 0;
  }
  TBGW_FUZZ_CHECK(config::validate(r->config).ok());
  const std::string saved = platform::config_to_json(r->config);
  TBGW_FUZZ_CHECK(!saved.empty());
  const auto again = platform::config_from_json(saved);
  TBGW_FUZZ_CHECK(again && again->schema_version == config::kSchemaVersion);
  TBGW_FUZZ_CHECK(fuzz::same_config(again->config, r->config));
  return 0;
}
