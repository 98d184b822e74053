// GET /api/status (and the WebSocket "status" and "alerts" streams): the latest values of the
// bus channels as one document. Reads only latest() slots and const accessors: O(cells), no
// I/O. Before the first snapshot every battery field is null and "stale" is true (a kiosk
// screen polls from the first second); "stale" follows stale.timeout_ms, the same age at which
// the CAN output applies its stale policy.
#include "app/api/router_impl.hpp"
#include "app/service/decision_log.hpp"
#include "app/service/event_format.hpp"
#include "app/version.hpp"
#include "platform/linux/clock.hpp"

namespace tbgw::app::api {

namespace {

std::string_view c_text(const char* data, std::size_t size) {
  std::size_t n = 0;
  while (n < size && data[n] != '\0') ++n;
  return {data, n};
}

json battery_json(const msg::BatterySnapshot& s) {
  json cells = json::array();
  for (std::size_t i = 0; i < s.cell_count && i < msg::BatterySnapshot::kMaxCells; ++i) {
    const std::uint16_t bit = static_cast<std::uint16_t>(1U << i);
    cells.push_back({{"index", i + 1},
                     {"cell_mv", rounded(s.cell_mv[i], 0.1)},
                     {"balancing", (s.balancing_active_mask & bit) != 0},
                     {"balancing_needed", (s.balancing_needed_mask & bit) != 0}});
  }
  const auto temp = [&](std::size_t i) -> json {
    return s.temp_present[i] ? rounded(s.temps_c[i], 0.1) : json(nullptr);
  };
  return {
      {"cell_count", s.cell_count},
      {"cells", std::move(cells)},
      {"min_cell_mv", s.min_cell_mv},
      {"max_cell_mv", s.max_cell_mv},
      {"delta_cell_mv", static_cast<int>(s.max_cell_mv) - static_cast<int>(s.min_cell_mv)},
      {"pack_voltage_v", rounded(s.pack_voltage_v, 0.001)},
      {"current_a", rounded(s.pack_current_a, 0.001)},
      {"power_w",
       rounded(static_cast<double>(s.pack_voltage_v) * static_cast<double>(s.pack_current_a), 0.1)},
      {"soc_pct", rounded(s.soc_pct, 0.0001)},
      {"soh_pct", s.soh_valid ? rounded(s.soh_pct, 0.002) : json(nullptr)},
      {"temp_internal_c", temp(msg::BatterySnapshot::kTempInternal)},
      {"temp_external1_c", temp(msg::BatterySnapshot::kTempExternal1)},
      {"temp_external2_c", temp(msg::BatterySnapshot::kTempExternal2)},
      {"online_status", to_string(s.online_status)},
      {"online_status_raw", s.online_status_raw},
      {"balancing_active_mask", s.balancing_active_mask},
      {"cell_count_mismatch", s.cell_count_mismatch},
      {"time_left_s", s.time_left_s},
      {"bms_lifetime_s", s.bms_lifetime_s},
  };
}

json limits_json(const msg::ChargeDecision& d) {
  return {
      {"valid", d.valid},
      {"cvl_v", d.valid ? rounded(d.cvl_v, 0.01) : json(nullptr)},
      {"ccl_a", d.valid ? rounded(d.ccl_a, 0.01) : json(nullptr)},
      {"dcl_a", d.valid ? rounded(d.dcl_a, 0.01) : json(nullptr)},
      {"dvl_v", d.valid ? rounded(d.dvl_v, 0.01) : json(nullptr)},
      {"cvl_reason", c_text(d.cvl_reason.data(), d.cvl_reason.size())},
      {"ccl_reason", c_text(d.ccl_reason.data(), d.ccl_reason.size())},
      {"dcl_reason", c_text(d.dcl_reason.data(), d.dcl_reason.size())},
      {"charge_phase", to_string(d.phase)},
      {"phase_reason", c_text(d.phase_reason.data(), d.phase_reason.size())},
  };
}

json active_alert_json(const alerts::Alert& a) {
  return {{"id", msg::key(a.id)},
          {"severity", msg::to_string(a.severity)},
          {"message", msg::message_text(a.message)},
          {"value", rounded(a.value, 0.001)},
          {"threshold", rounded(a.threshold, 0.001)},
          {"unit", msg::unit(a.id)},
          {"since_ms", unix_ms_of(a.raised_ms)},
          {"acknowledged", a.acknowledged}};
}

// The charge profile in force (core/control/charge_profile.hpp): what the decision follows.
json profile_json(const control::ChargeProfile* p) {
  if (p == nullptr || !p->valid) return nullptr;
  const control::ChargeParams& e = p->effective;
  json clamps = json::array();
  for (std::size_t i = 0; i < p->clamp_count; ++i) {
    const auto& c = p->clamps[i];
    clamps.push_back({{"field", c.field},
                      {"configured_mv", c.configured_mv},
                      {"used_mv", c.used_mv},
                      {"low_mv", c.low_mv},
                      {"high_mv", c.high_mv},
                      {"text", control::reason_text(control::ChargeProfile::describe(c))}});
  }
  return {
      {"chemistry", control::key(p->chemistry)},
      {"chemistry_name", control::to_string(p->chemistry)},
      {"series_cells", p->series_cells},
      {"fully_charged_cell_mv", p->fully_charged_cell_mv},
      {"absorption_cell_mv", e.absorption_cell_mv},
      {"float_cell_mv", e.float_cell_mv},
      {"max_cell_target_mv", e.max_cell_target_mv},
      {"cvl_floor_cell_mv", e.cvl_floor_cell_mv},
      {"rebulk_min_cell_mv", e.rebulk_min_cell_mv},
      {"dvl_cell_mv", e.dvl_cell_mv},
      {"board_temp_margin_c", p->board_margin_c > 0.0F ? json(p->board_margin_c) : json(nullptr)},
      {"text", control::reason_text(p->describe())},
      {"temperature_text", control::reason_text(p->temperature_text())},
      {"clamps", clamps}};
}

}  // namespace

json active_alerts_json(const AlertsReport& alerts) {
  json list = json::array();
  for (const auto& a : alerts.alerts) {
    if (a.active) list.push_back(active_alert_json(a));
  }
  return list;
}

json alert_edge_json(const msg::AlertChanged& e) {
  return {{"seq", e.seq},
          {"time_ms", unix_ms_of(e.stamp_ms)},
          {"id", msg::key(e.id)},
          {"edge", msg::to_string(e.edge)},
          {"severity", msg::to_string(e.severity)},
          {"active", e.active},
          {"acknowledged", e.acknowledged},
          {"value", rounded(e.value, 0.001)},
          {"threshold", rounded(e.threshold, 0.001)},
          {"unit", msg::unit(e.id)},
          {"message", msg::message_text(e.message)},
          {"bms_event_id", e.id == msg::AlertId::bms_event ? json(e.bms_event_id) : json(nullptr)}};
}

json versions_json(const GatewayServices& services) {
  json bms = nullptr;
  if (const auto* v = services.channels().version.latest()) {
    bms = {{"hw_version", v->hw_version},
           {"hw_changes", v->hw_changes},
           {"fw_public", v->fw_public},
           {"fw_internal", v->fw_internal},
           {"bootloader", v->bootloader},
           {"profile", v->profile},
           {"power_type", tinybms::to_string(v->power_type)},
           {"current_sensor", tinybms::to_string(v->current_sensor)},
           {"serial", v->serial()}};
  }
  return {{"gateway", kVersion}, {"bms", std::move(bms)}};
}

json can_state_json(const CanReport& can) {
  const platform::GxStatus& gx = can.gx;
  const Millis now = platform::now_ms();
  return {{"transmitting", can.transmitting},
          {"backend", can.backend},
          {"health", platform::to_string(can.health.level)},
          {"health_reason", can.health.reason},
          {"gx",
           {{"present", gx.present},
            {"ever_seen", gx.ever_seen},
            {"last_seen_age_ms", gx.ever_seen ? json(now - gx.last_seen_ms) : json(nullptr)}}}};
}

std::string render_status(ApiRouter::Impl& impl) {
  const GatewayServices& s = impl.services;
  const Channels& ch = s.channels();
  const Millis now = platform::now_ms();
  json doc;
  doc["gateway_version"] = kVersion;
  doc["time_ms"] = platform::unix_now_ms();
  const msg::BatterySnapshot* snap = ch.snapshot.latest();
  if (snap != nullptr) {
    const Millis age = now - snap->stamp_ms;
    doc["age_ms"] = age;
    doc["stale"] = age > s.config().stale_timeout_ms;
    doc["snapshot_time_ms"] = unix_ms_of(snap->stamp_ms);
    doc["battery"] = battery_json(*snap);
  } else {
    doc["age_ms"] = nullptr;
    doc["stale"] = true;
    doc["snapshot_time_ms"] = nullptr;
    doc["battery"] = nullptr;
  }
  const msg::ChargeDecision* d = ch.decision.latest();
  doc["limits"] = d != nullptr ? limits_json(*d) : json(nullptr);
  doc["charge_profile"] = profile_json(ch.profile.latest());
  if (const msg::LinkState* l = ch.link.latest()) {
    doc["link"] = {{"status", msg::to_string(l->status)},
                   {"reason", msg::to_string(l->reason)},
                   {"since_ms", unix_ms_of(l->stamp_ms)}};
  } else {
    doc["link"] = {{"status", "connecting"}, {"reason", "none"}, {"since_ms", nullptr}};
  }
  doc["can"] = can_state_json(s.can());
  const AlertsReport alerts = s.alerts();
  doc["alerts"] = {{"active_count", alerts.active_count},
                   {"worst", msg::to_string(alerts.worst)},
                   {"active", active_alerts_json(alerts)}};
  doc["versions"] = versions_json(s);
  return dump(doc);
}

void route_status(ApiRouter::Impl& impl, const ApiRequest& request, Reply& reply) {
  (void)request;
  ApiResponse r;
  r.body = render_status(impl);
  reply(std::move(r));
}

}  // namespace tbgw::app::api
