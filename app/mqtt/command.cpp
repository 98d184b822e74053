// MQTT command parsing and rate limiting (see command.hpp).
#include "app/mqtt/command.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace tbgw::app::mqtt {

namespace {

using nlohmann::json;

std::optional<std::string> only_keys(const json& j, std::initializer_list<std::string_view> keys) {
  for (const auto& [k, v] : j.items()) {
    (void)v;
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) return "unexpected key: " + k;
  }
  for (const auto k : keys) {
    if (!j.contains(k)) return "missing key: " + std::string(k);
  }
  return std::nullopt;
}

CommandParse fail(std::string e) {
  return {std::nullopt, std::move(e)};
}

}  // namespace

CommandParse parse_command(std::string_view name, std::string_view payload) {
  if (payload.size() > kMaxCommandPayload) return fail("payload too large");
  const bool known = name == "ack_alert" || name == "reset_energy" || name == "reread_settings";
  if (!known) return fail("unknown command");
  json j = json::object();
  if (!payload.empty()) {
    j = json::parse(payload.begin(), payload.end(), nullptr, false);
    if (j.is_discarded()) return fail("malformed JSON");
    if (!j.is_object()) return fail("payload must be a JSON object");
  }
  Command c;
  if (name == "ack_alert") {
    if (auto e = only_keys(j, {"id"})) return fail(*e);
    if (!j["id"].is_string()) return fail("id must be a string");
    const auto id = j["id"].get<std::string>();
    if (id == "all") {
      c.kind = CommandKind::ack_all_alerts;
      return {c, {}};
    }
    for (std::size_t i = 0; i < msg::kAlertRules; ++i) {
      if (msg::key(static_cast<msg::AlertId>(i)) == id) {
        c.kind = CommandKind::ack_alert;
        c.alert = static_cast<msg::AlertId>(i);
        return {c, {}};
      }
    }
    return fail("unknown alert id");
  }
  if (name == "reset_energy") {
    if (auto e = only_keys(j, {"confirm"})) return fail(*e);
    if (!j["confirm"].is_boolean() || !j["confirm"].get<bool>())
      return fail("confirm must be true");
    c.kind = CommandKind::reset_energy;
    return {c, {}};
  }
  if (auto e = only_keys(j, {})) return fail(*e);
  c.kind = CommandKind::reread_settings;
  return {c, {}};
}

std::string command_result_json(bool ok, std::string_view error) {
  json j = {{"ok", ok}};
  if (!ok) j["error"] = std::string(error);
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

bool RateLimiter::allow(Millis now_ms) {
  if (started_) {
    tokens_ = std::min(burst_, tokens_ + static_cast<double>(now_ms - last_ms_) * per_ms_);
  }
  started_ = true;
  last_ms_ = now_ms;
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

}  // namespace tbgw::app::mqtt
