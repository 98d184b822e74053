// The seam between the HTTP server (app/http: transport, TLS, authentication, CSRF, rate limits,
// WebSocket) and the API (app/api: what each route reads or changes, as JSON). The server
// authenticates a request, then hands it to ApiRouter::handle() as an ApiRequest; the router
// answers exactly once through the Reply, possibly later (a BMS settings write completes after
// its read-back, a history query after the storage thread answers).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tbgw::app::api {

// Who is asking, as established by the server.
enum class Principal : unsigned char {
  anonymous,        // no login; only reaches the router for reads the config allows
  admin,            // logged-in session (CSRF already checked for changes)
  token,            // API token with write rights
  read_only_token,  // API token created with --read-only
};

struct ApiRequest {
  std::string_view method;        // "GET", "POST", "PATCH", "PUT", "DELETE"
  std::string_view path;          // percent-decoded path without the query: "/api/status"
  std::string_view query;         // raw query string after '?', not decoded ("from=...&to=...")
  std::string_view content_type;  // "application/json" ...; empty when absent
  std::string_view body;          // already size-capped and complete
  Principal principal = Principal::anonymous;
  std::string_view principal_name;  // "admin", the token's name, or "anonymous" (for logs)
  std::string_view remote;          // "127.0.0.1:51234" (for logs)
};

// A body produced in pieces, for an answer whose size must not decide the gateway's memory
// (the history export). The server asks for the next piece only after the previous one was
// written to the client, so a slow reader slows the producer instead of growing a buffer.
class BodyStream {
 public:
  virtual ~BodyStream() = default;
  // Called on the loop thread exactly once per next(): a piece (may be empty), whether it is
  // the last, and whether producing it failed (the server then ends the connection without the
  // closing chunk, so the client sees an incomplete transfer, never a complete-looking one).
  using Deliver = std::function<void(std::string piece, bool last, bool failed)>;
  virtual void next(Deliver deliver) = 0;
};

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra: Content-Disposition...
  // When set, the body comes from here (chunked transfer encoding) and `body` is unused.
  std::shared_ptr<BodyStream> stream;
};

// Answers a request. Must be called exactly once, on the loop thread.
using Reply = std::function<void(ApiResponse)>;

// A JSON error body: {"error":{"status":400,"code":"bad_request","message":"...",
// "details":[{"key":"...","message":"..."}]}}. Every 4xx/5xx of the API uses this shape.
ApiResponse error_response(int status, std::string_view code, std::string_view message,
                           const std::vector<std::pair<std::string, std::string>>& details = {});

}  // namespace tbgw::app::api
