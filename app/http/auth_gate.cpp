#include "app/http/auth_gate.hpp"

#include <spdlog/spdlog.h>

namespace tbgw::app::http {

bool same_origin(std::string_view origin, std::string_view host, bool tls) {
  const std::string_view scheme = tls ? "https://" : "http://";
  return !host.empty() && origin.size() == scheme.size() + host.size() &&
         origin.starts_with(scheme) && origin.substr(scheme.size()) == host;
}

api::ApiResponse unauthorized(std::string_view message) {
  api::ApiResponse r = json_error(401, "unauthorized", message);
  r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"tinybms-gw\"");
  return r;
}

bool AuthGate::is_change(std::string_view method) {
  return method == "POST" || method == "PATCH" || method == "PUT" || method == "DELETE";
}

bool AuthGate::anonymous_readable(std::string_view path, const HttpPolicy& policy) {
  if (path == "/metrics") return policy.metrics_without_login;
  if (!policy.read_without_login) return false;
  return path == "/api/status" || path.starts_with("/api/history") || path == "/api/energy" ||
         path == "/api/alerts" || path.starts_with("/api/alerts/");
}

std::string AuthGate::cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto semi = header.find(';');
    std::string_view part = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    const auto eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == name) {
      return std::string(part.substr(eq + 1));
    }
  }
  return {};
}

void AuthGate::refresh_store() {
  if (store_.refresh()) {
    // A new password (`tinybms-gw passwd`) ends every session logged in with the old one.
    sessions_.clear();
  }
}

bool AuthGate::still_valid(const Identity& who, const HttpPolicy& policy) {
  switch (who.principal) {
    case api::Principal::anonymous:
      return policy.read_without_login;
    case api::Principal::admin:
      return sessions_.alive(who.session_id, steady_now_ms(), policy.session_idle_timeout_ms);
    case api::Principal::token:
    case api::Principal::read_only_token:
      return store_.has_token_digest(who.token_digest);
  }
  return false;
}

AuthOutcome AuthGate::identify(const IncomingRequest& req, const HttpPolicy& policy) {
  AuthOutcome out;
  refresh_store();
  if (!req.authorization.empty()) {
    std::string_view auth = req.authorization;
    if (!auth.starts_with("Bearer ")) {
      out.refused = unauthorized("only Bearer tokens are accepted in Authorization");
      return out;
    }
    auth.remove_prefix(7);
    const TokenRecord* t = store_.find_token(auth);
    if (t == nullptr) {
      out.refused = unauthorized("unknown or revoked API token");
      return out;
    }
    out.who.principal = t->read_only ? api::Principal::read_only_token : api::Principal::token;
    out.who.name = t->name;
    out.who.token_digest = t->sha256_hex;
    return out;
  }
  const std::string sid = cookie_value(req.cookie, kSessionCookie);
  if (!sid.empty()) {
    if (const Session* s = sessions_.find(sid, steady_now_ms(), policy.session_idle_timeout_ms)) {
      out.who.principal = api::Principal::admin;
      out.who.name = "admin";
      out.who.session_id = s->id;
      out.who.csrf = s->csrf;
    }
    // An expired or unknown cookie is just no login: anonymous reads still work.
  }
  return out;
}

std::optional<api::ApiResponse> AuthGate::authorize(const Identity& who, std::string_view method,
                                                    std::string_view path,
                                                    std::string_view csrf_header,
                                                    const HttpPolicy& policy) const {
  const bool change = is_change(method);
  switch (who.principal) {
    case api::Principal::anonymous:
      if (!change && anonymous_readable(path, policy)) return std::nullopt;
      return unauthorized("log in (POST /api/login) or send an API token");
    case api::Principal::admin:
      if (change && !equal_secret(csrf_header, who.csrf)) {
        return json_error(403, "csrf", "missing or stale X-CSRF-Token (GET /api/session)");
      }
      return std::nullopt;
    case api::Principal::token:
      return std::nullopt;
    case api::Principal::read_only_token:
      if (change) return json_error(403, "read_only", "this API token is read-only");
      return std::nullopt;
  }
  return unauthorized("unknown principal");
}

}  // namespace tbgw::app::http
