// ApiRouter::Impl: the router's state, shared by the route files of app/api (private to it).
//
// One file per group of routes (status_view.cpp, config_routes.cpp, bms_settings_routes.cpp,
// history_routes.cpp, can_frames_view.cpp, diagnostics_routes.cpp, metrics_text.cpp,
// alerts_energy_routes.cpp); each exposes `route_*` functions that api_router.cpp dispatches to.
// Everything runs on the loop thread except the jobs given to HistoryQueries.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/api/api_router.hpp"
#include "app/api/history_queries.hpp"
#include "core/tinybms/frame_bytes.hpp"
#include "core/util/time.hpp"

namespace tbgw::app::api {

using nlohmann::json;

// A settings write waiting for the settings_write channel (one at a time).
struct PendingSettingsWrite {
  Reply reply;
  std::vector<tinybms::RegisterWrite> writes;
  std::string who;
};

struct ApiRouter::Impl {
  Impl(boost::asio::io_context& io_, GatewayServices& services_);

  boost::asio::io_context& io;
  GatewayServices& services;
  HistoryQueries history;
  // CSV exports being streamed (history_csv_stream.hpp); each holds one until it ends.
  std::shared_ptr<std::atomic<int>> csv_exports = std::make_shared<std::atomic<int>>(0);
  std::optional<PendingSettingsWrite> settings_write;
  boost::asio::steady_timer settings_timer;
  std::chrono::milliseconds settings_timeout{10'000};
  Millis started_ms = 0;
  bool stopped = false;

  // Figures for /api/diagnostics and /metrics (face "api").
  std::uint64_t requests_total = 0;
  std::uint64_t errors_4xx_total = 0;
  std::uint64_t errors_5xx_total = 0;
  std::uint64_t settings_writes_total = 0;
  std::uint64_t settings_write_timeouts_total = 0;
  std::uint64_t config_patches_total = 0;

  void on_settings_write(const tinybms::SettingsWriteResult& result);
  FaceReport report() const;

  // Declared last: they end first, before anything they reach is destroyed.
  bus::Subscription settings_write_subscription;
  FaceReporters::Registration reporter;
};

// --- shared helpers (api_json.cpp)
// Serialises with invalid UTF-8 replaced (a string from the BMS must never throw).
std::string dump(const json& j);
ApiResponse json_response(const json& j, int status = 200);
// Parses a request body as a JSON object; on failure returns the 400 to send.
std::optional<ApiResponse> parse_object_body(const ApiRequest& request, json& out);
// Monotonic stamp (platform::now_ms) -> unix ms.
std::int64_t unix_ms_of(Millis stamp_ms);
// A float as JSON, rounded to `step` (0.001 -> 3 decimals); NaN/inf become null.
json rounded(double value, double step);
// Query string value of `name` (percent-decoded), if present.
std::optional<std::string> query_param(std::string_view query, std::string_view name);
bool may_change(Principal p);

// --- route groups
void route_status(ApiRouter::Impl& impl, const ApiRequest& request, Reply& reply);
std::string render_status(ApiRouter::Impl& impl);
json alert_edge_json(const msg::AlertChanged& edge);
json active_alerts_json(const AlertsReport& alerts);
json versions_json(const GatewayServices& services);
json can_state_json(const CanReport& can);

void route_alerts(ApiRouter::Impl& impl, const ApiRequest& request, Reply& reply);
void route_alert_ack(ApiRouter::Impl& impl, const ApiRequest& request, std::string_view id,
                     Reply& reply);
void route_alerts_ack_all(ApiRouter::Impl& impl, const ApiRequest& request, Reply& reply);
void route_energy(ApiRouter::Impl& impl, const ApiRequest& request, Reply& reply);
void route_energy_reset(ApiRouter::Impl& impl, const ApiRequest& request, Reply& reply);

void route_config(ApiRouter::Impl& impl, const ApiRequest& request, Reply& reply);
void route_config_schema(ApiRouter::Impl& impl, const ApiRequest& request, Reply& reply);
void route_config_patch(ApiRouter::Impl& impl, const ApiRequest& request, Reply& reply);

void route_bms_settings(ApiRouter::Impl& impl, const ApiRequest& request, Reply& reply);
void route_bms_settings_patch(ApiRouter::Impl& impl, const ApiRequest& request, Reply& reply);
void route_bms_settings_export(ApiRouter::Impl& impl, const ApiRequest& request, Reply& reply);
void route_bms_settings_import(ApiRouter::Impl& impl, const ApiRequest& request, Reply& reply);

void route_history(ApiRouter::Impl& impl, const ApiRequest& request, bool csv, Reply& reply);
void route_alert_history(ApiRouter::Impl& impl, const ApiRequest& request, Reply& reply);

std::string render_can_frames(ApiRouter::Impl& impl);
void route_diagnostics(ApiRouter::Impl& impl, const ApiRequest& request, Reply& reply);
std::string render_metrics(ApiRouter::Impl& impl);
// The TinyBMS link's counters, named once for /api/diagnostics ("link") and /metrics
// (tbgw_link_<name>_total), so the two list the same set.
struct LinkCounter {
  const char* name;
  std::uint64_t value;
};
std::array<LinkCounter, 17> link_counters(const tinybms::LinkStats& l);

// docs/openapi.yaml, embedded at build time (generated openapi_yaml.cpp).
std::string_view openapi_yaml();

}  // namespace tbgw::app::api
