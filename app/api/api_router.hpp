// ApiRouter: the content of every /api/* route and /metrics (issue 10). The HTTP server
// (app/http) authenticates a request and hands it here as an ApiRequest; the router reads the
// running gateway only through GatewayServices, renders JSON (or Prometheus text, CSV, YAML) and
// answers exactly once through the Reply, on the loop thread.
//
// Most routes answer at once from the bus channels' latest values. Two answer later:
//   - history (/api/history, /api/history.csv, the stored alert log): SQLite never runs on the
//     loop; one query thread with a bounded queue (kMaxQueuedQueries) runs the query and posts the
//     result back to the loop; a full queue answers 503.
//   - BMS settings writes: one at a time (409 while busy), answered when the settings_write
//     channel reports the read-back, or 504 after kSettingsWriteTimeout.
// stop() cancels the pending ones (they answer 503) and joins the query thread.
//
// Changes are refused for Principal::anonymous and read_only_token (403) even though the server
// already filtered them (defence in depth). Unknown route: 404; wrong method: 405 with Allow.
#pragma once

#include <boost/asio/io_context.hpp>

#include <memory>
#include <string>

#include "app/api/api_types.hpp"
#include "app/service/gateway_services.hpp"
#include "core/msg/alert_changed.hpp"

namespace tbgw::app::api {

class ApiRouter {
 public:
  ApiRouter(boost::asio::io_context& io, GatewayServices& services);
  ~ApiRouter();
  ApiRouter(const ApiRouter&) = delete;
  ApiRouter& operator=(const ApiRouter&) = delete;

  // Every /api/* route (except login/logout/session, which the server owns) and /metrics.
  // The request's views are read only during this call (what a later answer needs is copied);
  // `reply` is called exactly once, now or later, on the loop thread.
  void handle(const ApiRequest& request, Reply reply);

  // The GET /api/status document (also the WebSocket "status" stream).
  std::string status_json();
  // One alert edge as JSON (the WebSocket "alerts" stream).
  std::string alert_json(const msg::AlertChanged& edge);
  // The GET /api/can/frames document (the WebSocket "can" stream).
  std::string can_frames_json();

  // Cancels pending work (history queries, a settings write) and joins the query thread.
  // Idempotent; the loop still runs when it is called.
  void stop();

  struct Impl;

 private:
  // Shared only so that a reply answered after the router is gone (a streamed export) can see
  // that it is gone (a weak_ptr) and not count itself.
  std::shared_ptr<Impl> impl_;
};

}  // namespace tbgw::app::api
