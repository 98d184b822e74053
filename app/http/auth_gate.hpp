// AuthGate: who is asking, and may they do this. Used by every HTTP request and by the
// WebSocket upgrade, so the rules live once:
//   - "Authorization: Bearer <token>": an API token from auth.json (re-read when it changed);
//     no CSRF needed (a browser never sends it on its own). A bad token is 401, even when the
//     route is readable anonymously: a script with a revoked token should learn it.
//   - "Cookie: tbgw_session=<id>": a login session; a change (POST/PATCH/PUT/DELETE) needs
//     X-CSRF-Token equal to the session's token, else 403 code "csrf".
//   - neither: anonymous, allowed only for the reads that http.read_without_login opens
//     (GET /api/status, /api/history*, /api/energy, /api/alerts*) and /metrics with
//     http.metrics_without_login; else 401 with WWW-Authenticate: Bearer.
//   - a read-only token asking for a change: 403 code "read_only".
// Loop thread only.
#pragma once

#include <optional>
#include <string>

#include "app/http/auth_store.hpp"
#include "app/http/http_types.hpp"
#include "app/http/session_table.hpp"

namespace tbgw::app::http {

inline constexpr std::string_view kSessionCookie = "tbgw_session";

struct Identity {
  api::Principal principal = api::Principal::anonymous;
  std::string name = "anonymous";
  std::string session_id;    // set for a cookie session
  std::string csrf;          // the session's CSRF token
  std::string token_digest;  // set for an API token: its SHA-256 (hex), as auth.json keeps it
};

// The identity, or the error response to send (401 for a bad token).
struct AuthOutcome {
  Identity who;
  std::optional<api::ApiResponse> refused;
};

class AuthGate {
 public:
  AuthGate(AuthStore& store, SessionTable& sessions) : store_(store), sessions_(sessions) {}

  // Establishes who sent the request (no route rules yet).
  AuthOutcome identify(const IncomingRequest& req, const HttpPolicy& policy);
  // Applies the route rules to an identified request; nullopt = allowed.
  std::optional<api::ApiResponse> authorize(const Identity& who, std::string_view method,
                                            std::string_view path, std::string_view csrf_header,
                                            const HttpPolicy& policy) const;

  // Whether what `who` was identified by still holds: the session exists and is not idle past
  // the timeout (not touched: only requests keep a session alive), the token is still in
  // auth.json, an anonymous reader is still allowed (http.read_without_login). Call
  // refresh_store() first (once for a batch of checks): it re-reads auth.json when it changed.
  // The open WebSockets are checked this way every tick.
  bool still_valid(const Identity& who, const HttpPolicy& policy);
  // Re-reads auth.json when it changed; a new password ends every session.
  void refresh_store();

  static bool is_change(std::string_view method);
  static bool anonymous_readable(std::string_view path, const HttpPolicy& policy);
  static std::string cookie_value(std::string_view cookie_header, std::string_view name);

  AuthStore& store() { return store_; }
  SessionTable& sessions() { return sessions_; }

 private:
  AuthStore& store_;
  SessionTable& sessions_;
};

api::ApiResponse unauthorized(std::string_view message);

// True when `origin` is exactly this server as the browser reached it: the scheme of the
// connection (http, or https under TLS) and the Host header. "evil://127.0.0.1:8080" is not.
bool same_origin(std::string_view origin, std::string_view host, bool tls);

}  // namespace tbgw::app::http
