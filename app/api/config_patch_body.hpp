// The body of PATCH /api/config, {"key": value, ...}, turned into schema settings: every key is
// converted from JSON and checked against its own row (unknown key, JSON type, range), and every
// error is collected. Cross-field rules and saving are GatewayServices::patch_config's job,
// which runs only when `errors` is empty, so a body with one bad key changes nothing.
//
// A secret sent back as the mask "********" means "keep" (listed in `kept`, not set). Integers
// that do not fit int64 and non-finite numbers (1e400 parses as infinity) are refused, never
// rounded or clamped. Shared by config_routes.cpp and fuzz/config_patch_fuzz.cpp.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/config/config_key.hpp"

namespace tbgw::app::api {

inline constexpr std::string_view kSecretMask = "********";

struct ConfigPatchBody {
  // Checked values; keys point into the schema, string values into the parsed body, which must
  // outlive this object.
  std::vector<config::ConfigSetting> settings;
  std::vector<std::pair<std::string, std::string>> errors;  // key, sentence naming the key
  std::vector<std::string> kept;                            // secrets sent back as the mask
};

// `body` is a JSON object (parse_object_body checked that).
ConfigPatchBody parse_config_patch(const nlohmann::json& body);

}  // namespace tbgw::app::api
