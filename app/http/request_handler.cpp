#include "app/http/request_handler.hpp"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "app/http/request_path.hpp"

namespace tbgw::app::http {

RequestHandler::RequestHandler(boost::asio::io_context& io, AuthGate& gate, LoginLimiter& limiter,
                               HashWorker& worker, RouterHooks& router, HttpCounters& counters,
                               std::function<HttpPolicy()> policy)
    : gate_(gate),
      router_(router),
      policy_(policy),
      login_(
          std::make_shared<LoginHandler>(io, gate, limiter, worker, counters, std::move(policy))) {}

void RequestHandler::handle(IncomingRequest& req, Respond respond) {
  auto target = decode_target(req.target);
  if (!target) {
    respond(json_error(400, "bad_path", to_string(target.error())));
    return;
  }
  req.path = std::move(target->path);
  req.query = std::move(target->query);
  const std::string& path = req.path;
  const HttpPolicy pol = policy_();

  if (path == "/api/login") {
    if (req.method != "POST") {
      respond(json_error(405, "method_not_allowed", "use POST /api/login"));
      return;
    }
    // The connection's request object lives until the response is written (the responder
    // holds the connection), so a successful login can mark it proven when it answers.
    login_->handle(req, [&req, respond = std::move(respond)](api::ApiResponse r) {
      if (r.status == 200) req.authenticated = true;
      respond(std::move(r));
    });
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
  req.authenticated = who.principal != api::Principal::anonymous;

  if (path == "/api/session") {
    if (req.method != "GET") {
      respond(json_error(405, "method_not_allowed", "use GET /api/session"));
      return;
    }
    if (who.principal == api::Principal::admin) {
      Session s{who.session_id, who.csrf, 0};
      respond(login_->session_response(s, req.tls, false));
    } else if (who.principal == api::Principal::anonymous) {
      respond(unauthorized("not logged in"));
    } else {
      const nlohmann::json j = {
          {"user", who.name},
          {"kind", who.principal == api::Principal::token ? "token" : "read_only_token"}};
      respond(api::ApiResponse{200, "application/json", j.dump(), {}, nullptr});
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
    if (!who.session_id.empty()) {
      gate_.sessions().remove(who.session_id);
      if (after_logout) after_logout();
    }
    api::ApiResponse r{200, "application/json", R"({"logged_out":true})", {}, nullptr};
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

}  // namespace tbgw::app::http
