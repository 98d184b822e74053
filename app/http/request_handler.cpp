#include "app/http/request_handler.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include "app/http/request_path.hpp"

namespace tbgw::app::http {

RequestHandler::RequestHandler(boost::asio::io_context& io, AuthGate& gate, LoginLimiter& limiter,
                               HashWorker& worker, RouterHooks& router, HttpCounters& counters,
                               std::function<HttpPolicy()> policy)
    : io_(io),
      gate_(gate),
      limiter_(limiter),
      worker_(worker),
      router_(router),
      counters_(counters),
      policy_(std::move(policy)) {}

void RequestHandler::handle(IncomingRequest& req, Respond respond) {
  DecodedTarget target;
  std::string error;
  if (!decode_target(req.target, target, error)) {
    respond(json_error(400, "bad_path", error));
    return;
  }
  req.path = std::move(target.path);
  req.query = std::move(target.query);
  const std::string& path = req.path;
  const HttpPolicy pol = policy_();

  if (path == "/api/login") {
    if (req.method != "POST") {
      respond(json_error(405, "method_not_allowed", "use POST /api/login"));
      return;
    }
    login(req, std::move(respond));
    return;
  }

  const bool api_path = path == "/metrics" || path == "/api" || path.starts_with("/api/");
  if (!api_path) {
    if (req.method == "GET" && static_files) {
      if (auto r = static_files(req)) {
        respond(std::move(*r));
        return;
      }
    }
    respond(json_error(404, "not_found", "no such path"));
    return;
  }

  AuthOutcome auth = gate_.identify(req, pol);
  if (auth.refused) {
    respond(std::move(*auth.refused));
    return;
  }
  const Identity& who = auth.who;

  if (path == "/api/session") {
    if (req.method != "GET") {
      respond(json_error(405, "method_not_allowed", "use GET /api/session"));
      return;
    }
    if (who.principal == api::Principal::admin) {
      Session s{who.session_id, who.csrf, 0};
      respond(session_response(s, req.tls, false));
    } else if (who.principal == api::Principal::anonymous) {
      respond(unauthorized("not logged in"));
    } else {
      const nlohmann::json j = {
          {"user", who.name},
          {"kind", who.principal == api::Principal::token ? "token" : "read_only_token"}};
      respond(api::ApiResponse{200, "application/json", j.dump(), {}});
    }
    return;
  }

  if (auto refused = gate_.authorize(who, req.method, path, req.csrf_token, pol)) {
    respond(std::move(*refused));
    return;
  }

  if (path == "/api/logout") {
    if (req.method != "POST") {
      respond(json_error(405, "method_not_allowed", "use POST /api/logout"));
      return;
    }
    if (!who.session_id.empty()) gate_.sessions().remove(who.session_id);
    api::ApiResponse r{200, "application/json", R"({"logged_out":true})", {}};
    r.headers.emplace_back("Set-Cookie", std::string(kSessionCookie) +
                                             "=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0" +
                                             (req.tls ? "; Secure" : ""));
    respond(std::move(r));
    return;
  }

  api::ApiRequest areq;
  areq.method = req.method;
  areq.path = path;
  areq.query = req.query;
  areq.content_type = req.content_type;
  areq.body = req.body;
  areq.principal = who.principal;
  areq.principal_name = who.name;
  areq.remote = req.remote;
  if (!router_.handle) {
    respond(json_error(503, "unavailable", "the API is not available"));
    return;
  }
  // The router may answer later; the strings the ApiRequest views are owned by the caller's
  // request object, which lives until the response is written.
  router_.handle(areq, std::move(respond));
}

void RequestHandler::login(const IncomingRequest& req, Respond respond) {
  // Before any try is counted: a web page the owner visits can post text/plain (a "simple"
  // request, no preflight) from its own Origin; either would let it spend the owner's tries and
  // lock the login. A browser never sends application/json cross-site without a preflight,
  // which this server does not grant. Clients without an Origin (curl) are not browsers.
  const std::string_view type = req.content_type;
  if (!(type == "application/json" || type.starts_with("application/json;"))) {
    respond(
        json_error(415, "unsupported_media_type", "log in with Content-Type: application/json"));
    return;
  }
  if (!req.origin.empty() && !same_origin(req.origin, req.host, req.tls)) {
    respond(json_error(403, "origin", "the Origin does not match the Host"));
    return;
  }
  const std::int64_t now = steady_now_ms();
  if (const std::int64_t wait_s = limiter_.retry_after_s(req.remote_addr, now); wait_s > 0) {
    api::ApiResponse r = json_error(429, "locked_out", "too many failed logins; try again later");
    r.headers.emplace_back("Retry-After", std::to_string(wait_s));
    respond(std::move(r));
    return;
  }
  std::string username, password;
  try {
    const auto j = nlohmann::json::parse(req.body);
    username = j.at("username").get<std::string>();
    password = j.at("password").get<std::string>();
  } catch (const std::exception&) {
    respond(json_error(400, "bad_request",
                       R"(the body must be JSON {"username": "...", "password": "..."})"));
    return;
  }
  gate_.store().refresh();
  if (!gate_.store().has_password()) {
    respond(json_error(503, "no_password", "no admin password is set yet"));
    return;
  }
  if (username != "admin") {
    finish_login(req.remote_addr, false, req.tls, respond);
    return;
  }
  // The worker gets only the password and the stored hash; the reply callback (which owns the
  // connection) stays on the loop, so no connection is ever destroyed on the worker thread.
  std::weak_ptr<RequestHandler> weak = weak_from_this();
  const std::uint64_t id = ++next_login_id_;
  auto job = [weak, id, stored = gate_.store().admin(), password = std::move(password),
              &io = io_]() {
    const bool ok = verify_password(stored, password);
    boost::asio::post(io, [weak, id, ok] {
      if (auto self = weak.lock()) self->login_checked(id, ok);
    });
  };
  if (!worker_.submit(std::move(job))) {
    api::ApiResponse r = json_error(503, "busy", "too many logins at once; try again");
    r.headers.emplace_back("Retry-After", "1");
    respond(std::move(r));
    return;
  }
  pending_.emplace(id, PendingLogin{req.remote_addr, req.tls, std::move(respond)});
}

void RequestHandler::login_checked(std::uint64_t id, bool ok) {
  auto it = pending_.find(id);
  if (it == pending_.end()) return;
  PendingLogin p = std::move(it->second);
  pending_.erase(it);
  finish_login(p.remote_addr, ok, p.tls, p.respond);
}

void RequestHandler::finish_login(const std::string& remote_addr, bool ok, bool tls,
                                  const Respond& respond) {
  const std::int64_t now = steady_now_ms();
  if (!ok) {
    ++counters_.login_failures_total;
    if (const std::int64_t lock_s = limiter_.on_failure(remote_addr, now); lock_s > 0) {
      ++counters_.lockouts_total;
      spdlog::warn("http: {} locked out of login for {} s after {} failures", remote_addr, lock_s,
                   LoginLimiter::kMaxFailures);
    }
    respond(json_error(401, "bad_credentials", "wrong username or password"));
    return;
  }
  limiter_.on_success(remote_addr);
  const Session& s = gate_.sessions().create(now);
  spdlog::info("http: admin logged in from {}", remote_addr);
  respond(session_response(s, tls, true));
}

api::ApiResponse RequestHandler::session_response(const Session& s, bool tls,
                                                  bool set_cookie) const {
  const HttpPolicy pol = policy_();
  const nlohmann::json j = {{"user", "admin"},
                            {"kind", "session"},
                            {"csrf_token", s.csrf},
                            {"expires_in_s", pol.session_idle_timeout_ms / 1000}};
  api::ApiResponse r{200, "application/json", j.dump(), {}};
  if (set_cookie) {
    r.headers.emplace_back("Set-Cookie", std::string(kSessionCookie) + "=" + s.id +
                                             "; HttpOnly; SameSite=Strict; Path=/" +
                                             (tls ? "; Secure" : ""));
  }
  return r;
}

}  // namespace tbgw::app::http
