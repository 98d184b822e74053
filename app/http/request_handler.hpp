// RequestHandler: one complete HTTP request in, one response out (through `respond`, now or
// later). Order: target checks (request_path.hpp, 400) -> the server's own routes
// (POST /api/login, POST /api/logout, GET /api/session) -> authentication and route rules
// (auth_gate.hpp) -> the API router for /api/* and /metrics -> the static-file hook for
// everything else: the web UI's files (app/ui, set by the face), else 404 JSON.
//
// Login: the limiter (login_limiter.hpp) answers 429 + Retry-After while an address is locked
// out; otherwise the password check runs on the HashWorker and its result is posted back to
// the loop; a full worker queue is 503 + Retry-After: 1. Logged: successful logins and
// lockouts with the address; never a password, token or session id.
//
// Loop thread only. Lifetime: owned by a shared_ptr; callbacks posted from the worker hold a
// weak_ptr and do nothing once the face has stopped.
#pragma once

#include <boost/asio/io_context.hpp>

#include <memory>
#include <unordered_map>

#include "app/http/auth_gate.hpp"
#include "app/http/hash_worker.hpp"
#include "app/http/login_limiter.hpp"

namespace tbgw::app::http {

class RequestHandler : public std::enable_shared_from_this<RequestHandler> {
 public:
  RequestHandler(boost::asio::io_context& io, AuthGate& gate, LoginLimiter& limiter,
                 HashWorker& worker, RouterHooks& router, HttpCounters& counters,
                 std::function<HttpPolicy()> policy);

  void handle(IncomingRequest& req, Respond respond);

  // The web UI issue serves its files here (GET of a non-/api path); nullopt = 404.
  std::function<std::optional<api::ApiResponse>(const IncomingRequest& request)> static_files;

  HttpPolicy policy() const { return policy_(); }
  AuthGate& gate() { return gate_; }

 private:
  void login(const IncomingRequest& req, Respond respond);
  void finish_login(const std::string& remote_addr, bool ok, bool tls, const Respond& respond);
  void login_checked(std::uint64_t id, bool ok);
  api::ApiResponse session_response(const Session& s, bool tls, bool set_cookie) const;

  boost::asio::io_context& io_;
  AuthGate& gate_;
  LoginLimiter& limiter_;
  HashWorker& worker_;
  RouterHooks& router_;
  HttpCounters& counters_;
  std::function<HttpPolicy()> policy_;
  struct PendingLogin {
    std::string remote_addr;
    bool tls = false;
    Respond respond;
  };
  // At most HashWorker::kMaxQueued + 1 entries: a login that cannot be queued is answered 503.
  std::unordered_map<std::uint64_t, PendingLogin> pending_;
  std::uint64_t next_login_id_ = 0;
};

}  // namespace tbgw::app::http
