// Plain types shared by the HTTP face's pieces: a request as the policy sees it (already
// size-capped and parsed by Beast), the router hooks (app/api's ApiRouter, or a stand-in),
// the face's counters, and the live policy from the configuration.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "app/api/api_types.hpp"
#include "core/msg/alert_changed.hpp"

namespace tbgw::app::http {

struct IncomingRequest {
  std::string method;
  std::string target;  // raw request-target
  std::string body;
  std::string content_type;
  std::string cookie;           // Cookie header
  std::string authorization;    // Authorization header
  std::string csrf_token;       // X-CSRF-Token header
  std::string origin;           // Origin header (WebSocket CSRF check)
  std::string host;             // Host header
  std::string accept_encoding;  // Accept-Encoding header (the web UI's gzip files)
  std::string if_none_match;    // If-None-Match header (the web UI's ETags)
  std::string remote;           // "127.0.0.1:51234"
  std::string remote_addr;      // "127.0.0.1" (rate limiting key)
  bool tls = false;
  // Filled by RequestHandler::handle: the decoded path and the raw query. Kept here because
  // the ApiRequest given to the router views them and the router may answer later.
  std::string path;
  std::string query;
  // Set by RequestHandler: the request carried a valid session or token, or was a successful
  // login (the connection then holds a slot of the part kept for proven clients).
  bool authenticated = false;
};

using Respond = std::function<void(api::ApiResponse)>;

// What the server needs from the API (app/api/api_router.hpp), as callables so the face can
// run with a stand-in when the API library is not built.
struct RouterHooks {
  std::function<void(const api::ApiRequest&, api::Reply)> handle;
  std::function<std::string()> status_json;
  std::function<std::string(const msg::AlertChanged&)> alert_json;
  std::function<std::string()> can_frames_json;
  std::function<void()> stop;
};

// Read from the running configuration at each request (these keys apply live).
struct HttpPolicy {
  bool read_without_login = false;
  bool metrics_without_login = false;
  std::int64_t session_idle_timeout_ms = 86'400'000;
};

struct HttpCounters {
  std::uint64_t requests_total = 0;
  std::uint64_t responses_4xx_total = 0;
  std::uint64_t responses_5xx_total = 0;
  std::uint64_t connections_open = 0;
  std::uint64_t websocket_clients = 0;
  std::uint64_t login_failures_total = 0;
  std::uint64_t lockouts_total = 0;
  std::uint64_t slow_clients_dropped_total = 0;
  std::uint64_t websockets_revoked_total = 0;   // closed because their credentials ended
  std::uint64_t connections_refused_total = 0;  // closed at once: no slot could be freed
};

// {"error":{"status":N,"code":"...","message":"..."}}: the API's error shape, built here too so
// the server's own errors (401, 403 csrf, 413, 429...) look like the router's.
api::ApiResponse json_error(int status, std::string_view code, std::string_view message);

std::int64_t steady_now_ms();

}  // namespace tbgw::app::http
