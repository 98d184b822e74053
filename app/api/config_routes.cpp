// GET /api/config, GET /api/config/schema, PATCH /api/config: the one configuration schema
// (core/config/config_schema.hpp) over HTTP.
//
// PATCH takes {"key": value, ...}. Every key is first converted from JSON and checked against
// its row (config_patch_body.hpp: unknown key, JSON type, range), collecting every error; only when
// all are valid does GatewayServices::patch_config run (cross-field rules, atomic save, live
// apply), so a body with one bad key changes nothing and the answer names every bad key (422). A
// secret sent back as the mask "********" means "keep". Integers that do not fit int64 and
// non-finite numbers (1e400 parses as infinity) are refused, never rounded or clamped.
#include <spdlog/spdlog.h>

#include "app/api/config_patch_body.hpp"
#include "app/api/router_impl.hpp"
#include "core/config/config_schema.hpp"
#include "core/config/config_text_rules.hpp"
#include "core/config/config_validate.hpp"
#include "platform/linux/config_text.hpp"

namespace tbgw::app::api {

namespace {

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
    return (s != nullptr && s->empty()) ? json("") : json(kSecretMask);
  }
  return value_json(v);
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
      row["text_rule"] = std::string(config::describe(k.text_rule));
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
  ConfigPatchBody patch = parse_config_patch(body);
  auto& errors = patch.errors;
  if (!errors.empty()) {
    return reply(error_response(
        422, "invalid_config",
        "nothing was changed: " + std::to_string(errors.size()) + " invalid setting(s)", errors));
  }
  ++impl.config_patches_total;
  const ConfigPatchResult r = impl.services.patch_config(patch.settings);
  if (!r) {
    const ConfigPatchError& e = r.error();
    if (e.what == ConfigPatchErrc::save_failed) {
      return reply(error_response(500, "save_failed", "the configuration could not be saved",
                                  {{"", e.problems.joined()}}));
    }
    for (const auto& line : e.problems.lines()) errors.emplace_back(key_of(line), line);
    return reply(error_response(422, "invalid_config", "nothing was changed", errors));
  }
  if (!r->changed_keys.empty()) {
    spdlog::info("api: configuration changed by {} ({}): {} key(s)", request.principal_name,
                 request.remote, r->changed_keys.size());
  }
  reply(json_response({{"changed", r->changed_keys},
                       {"restart_required", r->restart_keys},
                       {"kept_secrets", patch.kept}}));
}

}  // namespace tbgw::app::api
