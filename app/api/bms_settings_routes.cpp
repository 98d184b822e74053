// GET/PATCH /api/bms/settings, GET /api/bms/settings/export, POST /api/bms/settings/import:
// the TinyBMS settings registers (300-343) from the register catalogue and the RegisterBank.
//
// Values in bodies are engineering values in the unit the listing shows (mV, A, 0.01 Ah steps
// given as Ah...), or {"raw": N} for the raw word. Every name is validated by the catalogue
// (writable, defined, range, listed codes) before anything is sent; one bad entry refuses the
// whole body (422, every bad name listed). Then the set that would result is checked against
// the other settings (check_settings_consistency: the per-cell voltage order, the temperature
// cutoffs); a conflict refuses the body too (422 inconsistent_settings naming the pair, or
// settings_not_read before the gateway has read them). A write is queued through
// GatewayServices::write_bms_settings and answered when the settings_write channel reports the
// read-back (200 verified; 502 when the BMS refused a value or reads back another; 504 when it
// did not answer: after the poller's retries, ~2 s, or the route's 10 s backstop). One write at a
// time: 409 while one is pending. Import with dry_run=true only shows the diff.
#include <spdlog/spdlog.h>

#include <cmath>

#include "app/api/bms_settings_body.hpp"
#include "app/api/router_impl.hpp"
#include "app/service/gateway_config_map.hpp"
#include "core/tinybms/bms_settings.hpp"
#include "core/tinybms/registers.hpp"
#include "core/tinybms/settings_consistency.hpp"

namespace tbgw::app::api {

namespace {

constexpr const char* kProfileFormat = "tinybms-gw.bms-settings";

bool listed(const tinybms::RegisterInfo& info) {
  return info.group == tinybms::RegisterGroup::settings && info.type != tinybms::RegType::u32_hi;
}

// The value read is one the register accepts (false for the write-only setters).
bool readable_setting(const tinybms::RegisterInfo& info, std::uint32_t raw) {
  if (info.type == tinybms::RegType::u32_lo) {
    return tinybms::validate_setting_write_u32(info.address, raw).ok();
  }
  const auto word = static_cast<std::uint16_t>(raw);
  return tinybms::validate_setting_write(info.address, word, word).ok();
}

json register_json(const tinybms::RegisterInfo& info, const tinybms::RegisterBank& bank) {
  const auto raw = current_raw(bank, info);
  json row = {{"address", info.address},
              {"name", info.name},
              {"type", tinybms::to_string(info.type)},
              {"unit", info.unit},
              {"scale", info.scale},
              {"writable", info.writable()},
              {"description", info.description},
              {"raw", raw ? json(*raw) : json(nullptr)},
              {"value", raw ? rounded(value_of(info, *raw), info.scale / 10) : json(nullptr)}};
  if (info.writable()) {
    row["value_in_range"] = raw ? json(readable_setting(info, *raw)) : json(nullptr);
    row["range"] = {{"min_raw", info.range.min},
                    {"max_raw", info.range.max},
                    {"min", info.range.min * info.scale},
                    {"max", info.range.max * info.scale}};
    if (info.allowed_codes != 0) {
      json codes = json::array();
      for (int c = 0; c < 32; ++c) {
        if ((info.allowed_codes >> c) & 1U) codes.push_back(c);
      }
      row["allowed_codes"] = std::move(codes);
    }
  }
  return row;
}

json conflict_side_json(const tinybms::ConflictSide& side) {
  return {{"address", side.address},
          {"name", side.name},
          {"label", side.label},
          {"unit", side.unit},
          {"value", side.known ? json(side.value) : json(nullptr)},
          {"written", side.written}};
}

// The 422 for a set that breaks a rule between registers (or cannot be judged because the
// settings were not read yet); nullopt when the resulting set is consistent. The conflict is
// also given as data beside the usual error fields, for a form that marks both inputs.
std::optional<ApiResponse> refuse_inconsistent(const tinybms::RegisterBank& bank,
                                               const std::vector<tinybms::RegisterWrite>& writes,
                                               const tinybms::ConsistencyLimits& limits) {
  const auto checked = tinybms::check_settings_consistency(bank, writes, limits);
  if (checked.ok()) return std::nullopt;
  const tinybms::SettingsConflict c = checked.error();
  const std::string sentence(tinybms::describe(c).view());
  const bool unknown = c.error == tinybms::ConsistencyError::current_unknown;
  ApiResponse r = error_response(
      422, unknown ? "settings_not_read" : "inconsistent_settings",
      "nothing was written: " + sentence,
      {{std::string(c.first.name), sentence}, {std::string(c.second.name), sentence}});
  json body = json::parse(r.body);
  body["error"]["conflict"] = {{"rule", c.rule},
                               {"error", tinybms::to_string(c.error)},
                               {"first", conflict_side_json(c.first)},
                               {"relation", unknown ? json(nullptr) : json(c.relation)},
                               {"second", conflict_side_json(c.second)}};
  r.body = dump(body);
  return r;
}

void start_write(ApiRouter::Impl& impl, const ApiRequest& request, ParsedWrites parsed,
                 Reply& reply) {
  if (impl.settings_write) {
    return reply(error_response(409, "busy", "another settings write is in progress"));
  }
  if (parsed.writes.empty()) {
    return reply(json_response({{"status", "unchanged"}, {"changes", json::array()}}));
  }
  const auto queued = impl.services.write_bms_settings(parsed.writes);
  if (!queued.ok()) {
    const auto e = queued.error();
    const int status = e == tinybms::WriteError::busy ? 409 : 422;
    return reply(error_response(status, tinybms::to_string(e), "the write was refused"));
  }
  ++impl.settings_writes_total;
  spdlog::info("api: TinyBMS settings write of {} register(s) by {} ({})", parsed.writes.size(),
               request.principal_name, request.remote);
  impl.settings_write = PendingSettingsWrite{std::move(reply), std::move(parsed.writes),
                                             std::string(request.principal_name)};
  impl.settings_timer.expires_after(impl.settings_timeout);
  impl.settings_timer.async_wait([&impl](const boost::system::error_code& ec) {
    if (ec || !impl.settings_write) return;
    ++impl.settings_write_timeouts_total;
    auto pending = std::move(*impl.settings_write);
    impl.settings_write.reset();
    pending.reply(error_response(504, "timeout",
                                 "the TinyBMS did not confirm the write in time; read the "
                                 "settings again to see what it holds"));
  });
}

}  // namespace

void ApiRouter::Impl::on_settings_write(const tinybms::SettingsWriteResult& result) {
  if (!settings_write) return;  // a write by someone else (the CLI does not share this loop)
  settings_timer.cancel();
  auto pending = std::move(*settings_write);
  settings_write.reset();
  json changes = json::array();
  std::vector<std::pair<std::string, std::string>> failed;
  for (std::size_t i = 0; i < result.count && i < result.items.size(); ++i) {
    const auto& item = result.items[i];
    const auto c = tinybms::describe_change(item.address, item.old_raw, item.readback_raw);
    const std::string name(c.name);
    changes.push_back({{"name", name},
                       {"address", item.address},
                       {"unit", c.unit},
                       {"old_raw", item.old_known ? json(item.old_raw) : json(nullptr)},
                       {"requested_raw", item.requested_raw},
                       {"read_back_raw", item.read_back ? json(item.readback_raw) : json(nullptr)},
                       {"old", item.old_known ? json(c.old_value) : json(nullptr)},
                       {"new", item.read_back ? json(c.new_value) : json(nullptr)},
                       {"verified", item.verified}});
    if (!item.verified) failed.emplace_back(name, "read back differs or missing");
  }
  if (result.status == tinybms::WriteStatus::verified) {
    pending.reply(json_response({{"status", "verified"}, {"changes", std::move(changes)}}));
  } else {
    // No answer at all (to the write or to its read-back) is the gateway timing out on the BMS
    // (504); an answer that refused or differs is a bad answer (502).
    const bool silent = result.status == tinybms::WriteStatus::no_answer ||
                        result.status == tinybms::WriteStatus::readback_failed;
    ApiResponse r = error_response(
        silent ? 504 : 502, tinybms::to_string(result.status),
        silent ? "the TinyBMS did not answer; read the settings again to see what it holds"
               : "the TinyBMS did not take every value",
        failed);
    // Keep the per-register outcome beside the error (what did change, what did not).
    json body = json::parse(r.body);
    body["changes"] = std::move(changes);
    r.body = dump(body);
    pending.reply(std::move(r));
  }
}

void route_bms_settings(ApiRouter::Impl& impl, const ApiRequest& request, Reply& reply) {
  (void)request;
  const auto& bank = impl.services.registers();
  json list = json::array();
  for (const auto& info : tinybms::all_registers()) {
    if (listed(info)) list.push_back(register_json(info, bank));
  }
  reply(json_response({{"read", impl.services.channels().settings.latest() != nullptr},
                       {"write_pending", impl.settings_write.has_value()},
                       {"settings", std::move(list)}}));
}

void route_bms_settings_patch(ApiRouter::Impl& impl, const ApiRequest& request, Reply& reply) {
  json body;
  if (auto bad = parse_object_body(request, body)) return reply(std::move(*bad));
  if (body.empty()) return reply(error_response(422, "empty", "no settings given"));
  ParsedWrites parsed = parse_writes(body, impl.services.registers(), false);
  if (!parsed.errors.empty()) {
    return reply(error_response(422, "invalid_settings", "nothing was written", parsed.errors));
  }
  if (auto refused = refuse_inconsistent(impl.services.registers(), parsed.writes,
                                         consistency_limits_from(impl.services.config()))) {
    return reply(std::move(*refused));
  }
  start_write(impl, request, std::move(parsed), reply);
}

void route_bms_settings_export(ApiRouter::Impl& impl, const ApiRequest& request, Reply& reply) {
  (void)request;
  const auto& bank = impl.services.registers();
  json settings = json::object();
  for (const auto& info : tinybms::all_registers()) {
    if (!listed(info) || !info.writable()) continue;
    const auto raw = current_raw(bank, info);
    // Setters that read back 0xFFFF (323, 328) hold no value to copy: a profile must import.
    if (raw && readable_setting(info, *raw)) {
      settings[std::string(info.name)] =
          is_pair(info) ? json{{"raw", *raw}} : rounded(value_of(info, *raw), info.scale / 10);
    }
  }
  json doc = {{"format", kProfileFormat}, {"version", 1}, {"settings", std::move(settings)}};
  if (const auto* v = impl.services.channels().version.latest()) doc["bms_serial"] = v->serial();
  ApiResponse r = json_response(doc);
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"tinybms-settings.json\"");
  reply(std::move(r));
}

void route_bms_settings_import(ApiRouter::Impl& impl, const ApiRequest& request, Reply& reply) {
  json body;
  if (auto bad = parse_object_body(request, body)) return reply(std::move(*bad));
  const auto it = body.find("settings");
  if (it == body.end() || !it->is_object() ||
      (body.contains("format") && body["format"] != kProfileFormat)) {
    return reply(error_response(422, "bad_profile",
                                "expected an export profile: {\"format\":\"" +
                                    std::string(kProfileFormat) + "\",\"settings\":{...}}"));
  }
  const auto dry = query_param(request.query, "dry_run");
  const bool dry_run = dry && (*dry == "true" || *dry == "1" || dry->empty());
  ParsedWrites parsed = parse_writes(*it, impl.services.registers(), true);
  if (!parsed.errors.empty()) {
    return reply(error_response(422, "invalid_settings", "nothing was written", parsed.errors));
  }
  // Also on a dry run: it shows what the real import would do, and that would be refused.
  if (auto refused = refuse_inconsistent(impl.services.registers(), parsed.writes,
                                         consistency_limits_from(impl.services.config()))) {
    return reply(std::move(*refused));
  }
  if (dry_run) {
    return reply(json_response({{"dry_run", true}, {"changes", std::move(parsed.changes)}}));
  }
  start_write(impl, request, std::move(parsed), reply);
}

}  // namespace tbgw::app::api
