// The body of PATCH /api/config, the way the route reads it: parse_object_body()
// (app/api/api_json.cpp: media type, JSON, an object) then parse_config_patch()
// (app/api/config_patch_body.hpp), then the schema's transaction config::apply_settings() that
// GatewayServices::patch_config runs on the saved file, then the file it saves.
//
// Properties:
//   - every setting returned names a schema row and passes check_value; `kept` are secrets;
//   - a refused patch changes nothing: apply_settings() that reports an error leaves the
//     configuration exactly as it was;
//   - an applied patch reads back: every key holds the value sent (as check_value converted it);
//   - the saved file (config_to_json) reads back (config_from_json) as the same configuration.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "app/api/config_patch_body.hpp"
#include "app/api/router_impl.hpp"
#include "core/config/config_schema.hpp"
#include "core/config/config_validate.hpp"
#include "fuzz/config_compare.hpp"
#include "fuzz/fuzz_check.hpp"
#include "platform/linux/config_json.hpp"

namespace {

using namespace tbgw;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  app::api::ApiRequest request;
  request.method = "PATCH";
  request.path = "/api/config";
  request.content_type = "application/json";
  request.body = std::string_view(reinterpret_cast<const char*>(data), size);
  nlohmann::json body;
  if (app::api::parse_object_body(request, body)) return 0;  // 400/415: nothing was read

  const app::api::ConfigPatchBody patch = app::api::parse_config_patch(body);
  for (const auto& s : patch.settings) {
    const config::ConfigKey* row = config::find_key(s.key);
    TBGW_FUZZ_CHECK(row != nullptr && config::check_value(*row, s.value).ok());
  }
  for (const auto& key : patch.kept) {
    const config::ConfigKey* row = config::find_key(key);
    TBGW_FUZZ_CHECK(row != nullptr && row->secret);
  }
  TBGW_FUZZ_CHECK(patch.settings.size() + patch.kept.size() + patch.errors.size() == body.size());
  if (!patch.errors.empty()) return 0;  // 422: the route stops here

  const config::GatewayConfig before = config::defaults();
  config::GatewayConfig cfg = before;
  const config::ConfigErrors errors = config::apply_settings(cfg, patch.settings);
  if (!errors.ok()) {
    TBGW_FUZZ_CHECK(fuzz::same_config(cfg, before));
    return 0;
  }
  for (const auto& s : patch.settings) {
    const config::ConfigKey* row = config::find_key(s.key);
    // Last one wins when a key repeats; JSON objects here have unique keys.
    TBGW_FUZZ_CHECK(row->get(cfg) == config::check_value(*row, s.value).value());
  }
  const std::string file = platform::config_to_json(cfg);
  TBGW_FUZZ_CHECK(!file.empty());
  const auto reread = platform::config_from_json(file);
  TBGW_FUZZ_CHECK(reread && fuzz::same_config(reread->config, cfg));
  return 0;
}
