// GET /api/config, GET /api/config/schema, PATCH /api/config: the one configuration schema
// (core/config/config_schema.hpp) over HTTP.
//
// PATCH takes {"key": value, ...}. Every key is first converted from JSON and checked against
// its row here (unknown key, JSON type, range), collecting every error; only when all are
// valid does GatewayServices::patch_config run (cross-field rules, atomic save, live apply),
// so a body with one bad key changes nothing and the answer names every bad key (422). A
// secret sent back as the mask "********" means "keep". Integers that do not fit int64 and
// non-finite numbers (1e400 parses as infinity) are refused, never rounded or clamped.
#include <spdlog/spdlog.h>

#include <cmath>
#include <limits>

#include "app/api/router_impl.hpp"
#include "core/config/config_schema.hpp"
#include "core/config/config_validate.hpp"
#include "platform/linux/config_text.hpp"

namespace tbgw::app::api {

namespace {

constexpr std::string_view kMask = "********";

const char* text_rule_text(config::TextRule r) {
  switch (r) {
    case config::TextRule::text:
      return "UTF-8 text without control characters";
    case config::TextRule::absolute_path:
      return "empty, or an absolute path";
    case config::TextRule::ascii_name:
      return "printable ASCII";
    case config::TextRule::can_backend:
      return "log:- | log:PATH | socketcan:IFNAME | slcan:PATH";
    case config::TextRule::listen_address:
      return "empty, or IPV4:PORT, [IPV6]:PORT, localhost:PORT";
    case config::TextRule::mqtt_url:
      return "empty, or mqtt://HOST[:PORT] / mqtts://HOST[:PORT]";
    case config::TextRule::topic_level:
      return "empty, or one MQTT topic level without / + # or spaces";
    case config::TextRule::topic:
      return "empty, or MQTT topic levels joined by /, no wildcards";
  }
  return "text";
}

json value_json(const config::ConfigValue& v) {
  switch (v.index()) {
    case 0:
      return std::get<bool>(v);
    case 1:
      return std::get<std::int64_t>(v);
    case 2:
      return std::get<double>(v);
    default:
      return std::string(std::get<std::string_view>(v));
  }
}

json masked_value(const config::ConfigKey& k, const config::GatewayConfig& cfg) {
  const config::ConfigValue v = k.get(cfg);
  if (k.secret) {
    const auto* s = std::get_if<std::string_view>(&v);
    return (s != nullptr && s->empty()) ? json("") : json(kMask);
  }
  return value_json(v);
}

// JSON -> ConfigValue (strings point into `j`, which outlives the patch). nullopt + `why`.
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

// "poll.live_interval_ms: 50 is out of range" -> the key ("poll.live_interval_ms").
std::string key_of(const std::string& sentence) {
  const auto end = sentence.find_first_of(": (");
  return sentence.substr(0, end);
}

}  // namespace

void route_config(ApiRouter::Impl& impl, const ApiRequest& request, Reply& reply) {
  (void)request;
  const config::GatewayConfig& cfg = impl.services.config();
  json values = json::object();
  for (const auto& k : config::schema()) values[std::string(k.key)] = masked_value(k, cfg);
  reply(json_response({{"schema_version", config::kSchemaVersion}, {"config", std::move(values)}}));
}

void route_config_schema(ApiRouter::Impl& impl, const ApiRequest& request, Reply& reply) {
  (void)impl;
  (void)request;
  json keys = json::array();
  for (const auto& k : config::schema()) {
    json row = {{"key", k.key},
                {"type", config::to_string(k.type)},
                {"unit", k.unit},
                {"default", k.secret ? json("") : value_json(k.default_value)},
                {"apply", config::to_string(k.apply)},
                {"secret", k.secret},
                {"from_bms", k.zero_is_auto},
                {"description", k.description},
                {"allowed_text", platform::allowed_values(k)}};
    if (k.type == config::ConfigType::integer || k.type == config::ConfigType::real) {
      row["min"] = k.min;
      row["max"] = k.max;
    } else {
      row["min"] = nullptr;
      row["max"] = nullptr;
    }
    if (!k.allowed.empty()) {
      row["allowed"] = json::array();
      for (const auto v : k.allowed) row["allowed"].push_back(v);
    }
    if (!k.names.empty()) {
      row["enum"] = json::array();
      for (const auto n : k.names) row["enum"].push_back(n);
    }
    if (k.type == config::ConfigType::string) {
      row["max_length"] = k.max;
      row["text_rule"] = text_rule_text(k.text_rule);
    }
    keys.push_back(std::move(row));
  }
  json rules = json::array();
  for (const auto& r : config::cross_rules()) {
    rules.push_back(
        {{"key", r.key}, {"relation", config::to_string(r.relation)}, {"other", r.other}});
  }
  reply(json_response({{"schema_version", config::kSchemaVersion},
                       {"keys", std::move(keys)},
                       {"cross_rules", std::move(rules)}}));
}

void route_config_patch(ApiRouter::Impl& impl, const ApiRequest& request, Reply& reply) {
  json body;
  if (auto bad = parse_object_body(request, body)) return reply(std::move(*bad));
  std::vector<std::pair<std::string, std::string>> errors;
  std::vector<config::ConfigSetting> settings;
  std::vector<std::string> kept;
  for (const auto& [key, value] : body.items()) {
    const config::ConfigKey* row = config::find_key(key);
    if (row == nullptr) {
      errors.emplace_back(key, key + ": unknown key");
      continue;
    }
    if (row->secret && value.is_string() && value.get_ref<const std::string&>() == kMask) {
      kept.push_back(key);
      continue;
    }
    std::string why;
    const auto v = to_config_value(value, why);
    if (!v) {
      errors.emplace_back(key, key + ": " + why);
      continue;
    }
    const auto checked = config::check_value(*row, *v);
    if (!checked.ok()) {
      errors.emplace_back(key, platform::describe(checked.error()));
      continue;
    }
    settings.push_back({row->key, *v});
  }
  if (!errors.empty()) {
    return reply(error_response(
        422, "invalid_config",
        "nothing was changed: " + std::to_string(errors.size()) + " invalid setting(s)", errors));
  }
  ++impl.config_patches_total;
  const ConfigPatchResult r = impl.services.patch_config(settings);
  if (!r.save_error.empty()) {
    return reply(error_response(500, "save_failed", "the configuration could not be saved",
                                {{"", r.save_error}}));
  }
  if (!r.ok) {
    for (const auto& e : r.errors) errors.emplace_back(key_of(e), e);
    return reply(error_response(422, "invalid_config", "nothing was changed", errors));
  }
  if (!r.changed_keys.empty()) {
    spdlog::info("api: configuration changed by {} ({}): {} key(s)", request.principal_name,
                 request.remote, r.changed_keys.size());
  }
  reply(json_response(
      {{"changed", r.changed_keys}, {"restart_required", r.restart_keys}, {"kept_secrets", kept}}));
}

}  // namespace tbgw::app::api
