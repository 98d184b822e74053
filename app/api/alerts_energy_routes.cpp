// GET /api/alerts, POST /api/alerts/{id}/ack, POST /api/alerts/ack-all, GET /api/energy,
// POST /api/energy/reset. In-memory state of the alert engine and the energy periods: no I/O
// (the stored alert log is GET /api/alerts/history, through the query thread).
#include <spdlog/spdlog.h>

#include "app/api/router_impl.hpp"

namespace tbgw::app::api {

namespace {

std::optional<msg::AlertId> parse_alert_id(std::string_view text) {
  for (std::size_t i = 0; i < msg::kAlertRules; ++i) {
    const auto id = static_cast<msg::AlertId>(i);
    if (msg::key(id) == text) return id;
  }
  return std::nullopt;
}

json totals_json(const energy::PeriodTotals& t) {
  return {{"wh_charged", rounded(t.wh_charged, 0.01)},
          {"wh_discharged", rounded(t.wh_discharged, 0.01)},
          {"ah_charged", rounded(t.ah_charged, 0.001)},
          {"ah_discharged", rounded(t.ah_discharged, 0.001)},
          {"cycles", rounded(t.cycles, 0.001)}};
}

std::string day_text(std::int32_t day_key) {
  const auto d = energy::civil_from_days(day_key);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year),
                static_cast<unsigned>(d.month), static_cast<unsigned>(d.day));
  return buf;
}

std::string month_text(std::int32_t month_key) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", static_cast<int>(month_key / 12),
                static_cast<int>(month_key % 12 + 1));
  return buf;
}

}  // namespace

void route_alerts(ApiRouter::Impl& impl, const ApiRequest& request, Reply& reply) {
  (void)request;
  const AlertsReport alerts = impl.services.alerts();
  json log = json::array();
  const auto& l = impl.services.alert_log();
  // Newest first: a screen shows the latest edges at the top.
  for (std::size_t i = l.size(); i-- > 0;) log.push_back(alert_edge_json(l.at(i)));
  reply(json_response({{"active_count", alerts.active_count},
                       {"worst", msg::to_string(alerts.worst)},
                       {"active", active_alerts_json(alerts)},
                       {"log", std::move(log)},
                       {"log_dropped", l.dropped()}}));
}

void route_alert_ack(ApiRouter::Impl& impl, const ApiRequest& request, std::string_view id,
                     Reply& reply) {
  const auto alert = parse_alert_id(id);
  if (!alert) {
    return reply(error_response(404, "unknown_alert", "no alert rule with this id",
                                {{"id", std::string(id)}}));
  }
  const alerts::Alert a = impl.services.alerts().alert(*alert);
  if (!a.active) {
    return reply(
        error_response(409, "not_active", "the alert is not active", {{"id", std::string(id)}}));
  }
  const bool was_acknowledged = a.acknowledged;
  if (!was_acknowledged && !impl.services.acknowledge_alert(*alert)) {
    return reply(error_response(409, "not_active", "the alert cannot be acknowledged now",
                                {{"id", std::string(id)}}));
  }
  spdlog::info("api: alert {} acknowledged by {} ({})", id, request.principal_name, request.remote);
  reply(json_response({{"id", id}, {"acknowledged", true}, {"already", was_acknowledged}}));
}

void route_alerts_ack_all(ApiRouter::Impl& impl, const ApiRequest& request, Reply& reply) {
  const std::size_t n = impl.services.acknowledge_all_alerts();
  spdlog::info("api: {} alert(s) acknowledged by {} ({})", n, request.principal_name,
               request.remote);
  reply(json_response({{"acknowledged_count", n}}));
}

void route_energy(ApiRouter::Impl& impl, const ApiRequest& request, Reply& reply) {
  (void)request;
  json counters = nullptr;
  if (const auto* e = impl.services.channels().energy.latest()) {
    counters = {{"wh_charged", rounded(e->wh_charged, 0.01)},
                {"wh_discharged", rounded(e->wh_discharged, 0.01)},
                {"ah_charged", rounded(e->ah_charged, 0.001)},
                {"ah_discharged", rounded(e->ah_discharged, 0.001)}};
  }
  const energy::EnergyPeriodsState p = impl.services.energy_periods();
  json days = json::array();
  for (std::size_t i = 0; i < p.day_count && i < p.days.size(); ++i) {
    const auto& r = p.days[i];
    json t = totals_json(r.totals);
    t["day"] = day_text(r.key);
    days.push_back(std::move(t));
  }
  json months = json::array();
  for (std::size_t i = 0; i < p.month_count && i < p.months.size(); ++i) {
    const auto& r = p.months[i];
    json t = totals_json(r.totals);
    t["month"] = month_text(r.key);
    months.push_back(std::move(t));
  }
  json today = nullptr;
  json month = nullptr;
  if (p.started) {
    today = totals_json(p.day.totals);
    today["day"] = day_text(p.day.key);
    month = totals_json(p.month.totals);
    month["month"] = month_text(p.month.key);
  }
  reply(json_response({{"counters", std::move(counters)},
                       {"today", std::move(today)},
                       {"this_month", std::move(month)},
                       {"lifetime", totals_json(p.lifetime)},
                       {"previous_days", std::move(days)},
                       {"previous_months", std::move(months)}}));
}

void route_energy_reset(ApiRouter::Impl& impl, const ApiRequest& request, Reply& reply) {
  json body;
  if (auto bad = parse_object_body(request, body)) return reply(std::move(*bad));
  const auto it = body.find("confirm");
  if (it == body.end() || !it->is_boolean() || !it->get<bool>() || body.size() != 1) {
    return reply(error_response(422, "confirm_required",
                                "send {\"confirm\": true} to zero every energy counter",
                                {{"confirm", "must be true"}}));
  }
  spdlog::warn("api: energy counters reset by {} ({})", request.principal_name, request.remote);
  if (!impl.services.reset_energy_counters().ok()) {
    // As config PATCH: a change that did not persist is an error, and nothing changed.
    return reply(error_response(500, "save_failed",
                                "the reset could not be saved (disk full or read-only, see the "
                                "log): nothing was reset",
                                {}));
  }
  reply(json_response({{"reset", true}}));
}

}  // namespace tbgw::app::api
