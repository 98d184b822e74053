// RequestHandler: one complete HTTP request in, one response out (through `respond`, now or
// later). Order: target checks (request_path.hpp, 400) -> the server's own routes
// (POST /api/login, POST /api/logout, GET /api/session) -> authentication and route rules
// (auth_gate.hpp) -> the API router for /api/* and /metrics -> the static-file hook for
// everything else: the web UI's files (app/ui, set by the face), else 404 JSON.
//
// Login: login_handler.hpp (lockouts, the guess budget, known devices, the check's queue).
//
// Loop thread only. Lifetime: owned by a shared_ptr.
#pragma once

#include <boost/asio/io_context.hpp>

#include <memory>
#include <unordered_map>

#include "app/http/auth_gate.hpp"
#include "app/http/login_handler.hpp"

namespace tbgw::app::http {

class RequestHandler : public std::enable_shared_from_this<RequestHandler> {
 public:
  RequestHandler(boost::asio::io_context& io, AuthGate& gate, LoginLimiter& limiter,
                 HashWorker& worker, RouterHooks& router, HttpCounters& counters,
                 std::function<HttpPolicy()> policy);

  void handle(IncomingRequest& req, Respond respond);

  // The web UI issue serves its files here (GET of a non-/api path); nullopt = 404.
  std::function<std::optional<api::ApiResponse>(const IncomingRequest& request)> static_files;

  // Called after a logout ended a session (the face closes that session's WebSockets).
  std::function<void()> after_logout;

  HttpPolicy policy() const { return policy_(); }
  AuthGate& gate() { return gate_; }

 private:
  AuthGate& gate_;
  RouterHooks& router_;
  std::function<HttpPolicy()> policy_;
  std::shared_ptr<LoginHandler> login_;
};

}  // namespace tbgw::app::http
