// ApiRouter (api_router.hpp): the route table and the rules every route shares.
//
// Dispatch: the path picks a route (404 when none), the method must be one the route allows
// (405 with Allow; HEAD counts as GET), a change needs a principal that may change (403 for
// anonymous and read-only tokens, even though the server checked already), then the route's
// function answers through the Reply. Replies pass through a counter (requests, 4xx, 5xx)
// reported as face "api" in /api/diagnostics and /metrics.
//
// Lifetimes: the settings_write subscription and the "api" face reporter are members of the
// router's Impl, so they end when the router goes, before anything they reach. A reply that
// outlives the router (a streamed export still draining) counts itself only while the router
// exists (a weak_ptr to its Impl).
#include "app/api/api_router.hpp"

#include <spdlog/spdlog.h>

#include "app/api/router_impl.hpp"
#include "platform/linux/clock.hpp"

namespace tbgw::app::api {

namespace {

enum Method : unsigned { kGet = 1, kPost = 2, kPatch = 4 };

std::string allow_text(unsigned methods) {
  std::string s;
  const auto add = [&](const char* m) {
    if (!s.empty()) s += ", ";
    s += m;
  };
  if (methods & kGet) {
    add("GET");
    add("HEAD");
  }
  if (methods & kPost) add("POST");
  if (methods & kPatch) add("PATCH");
  return s;
}

unsigned method_bit(std::string_view m) {
  if (m == "GET" || m == "HEAD") return kGet;
  if (m == "POST") return kPost;
  if (m == "PATCH") return kPatch;
  return 0;
}

}  // namespace

ApiRouter::Impl::Impl(boost::asio::io_context& io_, GatewayServices& services_)
    : io(io_),
      services(services_),
      history(io_, services_.state_dir()),
      settings_timer(io_),
      started_ms(platform::now_ms()) {}

ApiRouter::ApiRouter(boost::asio::io_context& io, GatewayServices& services)
    : impl_(std::make_shared<Impl>(io, services)) {
  Impl* impl = impl_.get();
  auto subscribed = services.channels().settings_write.subscribe(
      [impl](const tinybms::SettingsWriteResult& r) { impl->on_settings_write(r); });
  if (subscribed.ok()) {
    impl->settings_write_subscription = std::move(subscribed).value();
  } else {
    spdlog::error("api: cannot subscribe to settings_write ({}): BMS settings writes will time out",
                  bus::to_string(subscribed.error()));
  }
  impl->reporter = services.face_reporters().add("api", [impl] { return impl->report(); });
}

FaceReport ApiRouter::Impl::report() const {
  return {stopped ? "stopped" : "serving",
          {{"requests_total", "API requests answered", static_cast<double>(requests_total)},
           {"client_errors_total", "API answers 4xx", static_cast<double>(errors_4xx_total)},
           {"server_errors_total", "API answers 5xx", static_cast<double>(errors_5xx_total)},
           {"settings_writes_total", "TinyBMS settings writes started",
            static_cast<double>(settings_writes_total)},
           {"config_patches_total", "Valid configuration patches",
            static_cast<double>(config_patches_total)},
           {"history_queries_refused_total", "History queries refused (queue full)",
            static_cast<double>(history.refused())}}};
}

ApiRouter::~ApiRouter() {
  stop();
}

void ApiRouter::stop() {
  Impl& i = *impl_;
  if (i.stopped) return;
  i.stopped = true;
  i.history.stop();
  i.settings_timer.cancel();
  if (i.settings_write) {
    auto pending = std::move(*i.settings_write);
    i.settings_write.reset();
    pending.reply(error_response(
        503, "shutting_down", "the gateway is stopping; the write may or may not have happened"));
  }
}

std::string ApiRouter::status_json() {
  return render_status(*impl_);
}

std::string ApiRouter::alert_json(const msg::AlertChanged& edge) {
  return dump(alert_edge_json(edge));
}

std::string ApiRouter::can_frames_json() {
  return render_can_frames(*impl_);
}

void ApiRouter::handle(const ApiRequest& request, Reply reply_to) {
  Impl& impl = *impl_;
  ++impl.requests_total;
  Reply reply = [counted = std::weak_ptr<Impl>(impl_), out = std::move(reply_to)](ApiResponse r) {
    if (const auto i = counted.lock()) {
      if (r.status >= 500)
        ++i->errors_5xx_total;
      else if (r.status >= 400)
        ++i->errors_4xx_total;
    }
    out(std::move(r));
  };
  if (impl.stopped) {
    return reply(error_response(503, "shutting_down", "the gateway is stopping"));
  }
  const std::string_view path = request.path;
  const unsigned method = method_bit(request.method);

  // The route table: path -> allowed methods; handlers below.
  unsigned allowed = 0;
  std::string_view alert_id;
  if (path == "/api/status" || path == "/api/history" || path == "/api/history.csv" ||
      path == "/api/alerts" || path == "/api/alerts/history" || path == "/api/energy" ||
      path == "/api/config/schema" || path == "/api/bms/settings/export" ||
      path == "/api/can/frames" || path == "/api/diagnostics" || path == "/metrics" ||
      path == "/api/openapi.yaml") {
    allowed = kGet;
  } else if (path == "/api/config" || path == "/api/bms/settings") {
    allowed = kGet | kPatch;
  } else if (path == "/api/alerts/ack-all" || path == "/api/energy/reset" ||
             path == "/api/bms/settings/import") {
    allowed = kPost;
  } else if (path.starts_with("/api/alerts/") && path.ends_with("/ack")) {
    alert_id = path.substr(12, path.size() - 12 - 4);
    if (!alert_id.empty() && alert_id.find('/') == std::string_view::npos) allowed = kPost;
  }
  if (allowed == 0) {
    return reply(error_response(404, "not_found", "no such route", {{"path", std::string(path)}}));
  }
  if ((allowed & method) == 0) {
    ApiResponse r = error_response(405, "method_not_allowed",
                                   std::string(request.method) + " is not allowed here");
    r.headers.emplace_back("Allow", allow_text(allowed));
    return reply(std::move(r));
  }
  if (method != kGet && !may_change(request.principal)) {
    return reply(error_response(403, "forbidden", "this login or token may only read"));
  }

  if (method == kGet) {
    if (path == "/api/status") return route_status(impl, request, reply);
    if (path == "/api/history") return route_history(impl, request, false, reply);
    if (path == "/api/history.csv") return route_history(impl, request, true, reply);
    if (path == "/api/alerts") return route_alerts(impl, request, reply);
    if (path == "/api/alerts/history") return route_alert_history(impl, request, reply);
    if (path == "/api/energy") return route_energy(impl, request, reply);
    if (path == "/api/config") return route_config(impl, request, reply);
    if (path == "/api/config/schema") return route_config_schema(impl, request, reply);
    if (path == "/api/bms/settings") return route_bms_settings(impl, request, reply);
    if (path == "/api/bms/settings/export") return route_bms_settings_export(impl, request, reply);
    if (path == "/api/diagnostics") return route_diagnostics(impl, request, reply);
    ApiResponse r;
    if (path == "/api/can/frames") {
      r.body = render_can_frames(impl);
    } else if (path == "/metrics") {
      r.content_type = "text/plain; version=0.0.4; charset=utf-8";
      r.body = render_metrics(impl);
    } else {
      r.content_type = "application/yaml; charset=utf-8";
      r.body = std::string(openapi_yaml());
    }
    return reply(std::move(r));
  }
  if (method == kPatch) {
    if (path == "/api/config") return route_config_patch(impl, request, reply);
    return route_bms_settings_patch(impl, request, reply);
  }
  if (path == "/api/alerts/ack-all") return route_alerts_ack_all(impl, request, reply);
  if (path == "/api/energy/reset") return route_energy_reset(impl, request, reply);
  if (path == "/api/bms/settings/import") return route_bms_settings_import(impl, request, reply);
  return route_alert_ack(impl, request, alert_id, reply);
}

}  // namespace tbgw::app::api
