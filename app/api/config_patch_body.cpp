#include "app/api/config_patch_body.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>

#include "core/config/config_schema.hpp"
#include "core/config/config_validate.hpp"
#include "platform/linux/config_text.hpp"

namespace tbgw::app::api {

namespace {

using nlohmann::json;

// JSON -> ConfigValue (strings point into `j`). nullopt + `why`.
std::optional<config::ConfigValue> to_config_value(const json& j, std::string& why) {
  switch (j.type()) {
    case json::value_t::boolean:
      return config::ConfigValue(j.get<bool>());
    case json::value_t::number_integer:
      return config::ConfigValue(j.get<std::int64_t>());
    case json::value_t::number_unsigned: {
      const auto u = j.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        why = "number too large";
        return std::nullopt;
      }
      return config::ConfigValue(static_cast<std::int64_t>(u));
    }
    case json::value_t::number_float: {
      const double d = j.get<double>();
      if (!std::isfinite(d)) {
        why = "number out of range (not finite)";
        return std::nullopt;
      }
      return config::ConfigValue(d);
    }
    case json::value_t::string:
      return config::ConfigValue(std::string_view(j.get_ref<const std::string&>()));
    default:
      why = std::string("expected a ") + "bool, number or string, got " + j.type_name();
      return std::nullopt;
  }
}

}  // namespace

ConfigPatchBody parse_config_patch(const json& body) {
  ConfigPatchBody out;
  for (const auto& [key, value] : body.items()) {
    const config::ConfigKey* row = config::find_key(key);
    if (row == nullptr) {
      out.errors.emplace_back(key, key + ": unknown key");
      continue;
    }
    if (row->secret && value.is_string() && value.get_ref<const std::string&>() == kSecretMask) {
      out.kept.push_back(key);
      continue;
    }
    std::string why;
    const auto v = to_config_value(value, why);
    if (!v) {
      out.errors.emplace_back(key, key + ": " + why);
      continue;
    }
    const auto checked = config::check_value(*row, *v);
    if (!checked.ok()) {
      out.errors.emplace_back(key, platform::describe(checked.error()));
      continue;
    }
    out.settings.push_back({row->key, *v});
  }
  return out;
}

}  // namespace tbgw::app::api
