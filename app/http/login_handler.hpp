// LoginHandler: POST /api/login. The password check (PBKDF2, ~0.3-1 s of CPU) runs on the
// HashWorker, one check at a time, fed from two lanes:
//   - known devices (known_devices.hpp: a tbgw_device cookie from an earlier successful login)
//     go first, skip the per-address lockout and the global guess budget;
//   - everyone else: the per-address lockout (login_limiter.hpp: 429 + Retry-After), one check
//     waiting per address (a second one at the same time: 429), the global guess budget
//     (token_bucket.hpp: 30 a minute from all unknown clients together; spent: 429 +
//     Retry-After), at most kMaxWaiting waiting (more: 503 + Retry-After: 1).
// A flood of wrong passwords from many addresses therefore costs the gateway at most 30
// checks a minute and cannot keep the owner's known browser out; API tokens and sessions never
// wait behind any of it (they are not password checks).
//
// Before any try is counted: Content-Type must be JSON (415) and an Origin, when sent, must be
// the gateway's own (403), so a web page the owner visits cannot spend the owner's tries.
// Logged: successful logins and lockouts with the address; never a password, token or id.
//
// Loop thread only. Lifetime: owned by the RequestHandler (shared_ptr); results posted from
// the worker hold a weak_ptr and do nothing once it is gone.
#pragma once

#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "app/http/auth_gate.hpp"
#include "app/http/hash_worker.hpp"
#include "app/http/known_devices.hpp"
#include "app/http/login_limiter.hpp"
#include "app/http/token_bucket.hpp"

namespace tbgw::app::http {

class LoginHandler : public std::enable_shared_from_this<LoginHandler> {
 public:
  static constexpr std::size_t kMaxWaiting = 16;

  LoginHandler(boost::asio::io_context& io, AuthGate& gate, LoginLimiter& limiter,
               HashWorker& worker, HttpCounters& counters, std::function<HttpPolicy()> policy);

  void handle(const IncomingRequest& req, Respond respond);
  // The session document (GET /api/session and a successful login).
  api::ApiResponse session_response(const Session& s, bool tls, bool set_cookie) const;

  std::size_t waiting() const { return known_lane_.size() + stranger_lane_.size(); }

 private:
  struct Attempt {
    std::string remote_addr;
    std::string device;  // a known device's id, else empty
    bool tls = false;
    std::string password;
    Respond respond;
  };
  void enqueue(Attempt a);
  void pump();
  void checked(bool ok);
  void finish(const Attempt& a, bool ok);

  boost::asio::io_context& io_;
  AuthGate& gate_;
  LoginLimiter& limiter_;
  HashWorker& worker_;
  HttpCounters& counters_;
  std::function<HttpPolicy()> policy_;
  TokenBucket budget_ = make_guess_budget();
  KnownDevices devices_;
  std::deque<Attempt> known_lane_;
  std::deque<Attempt> stranger_lane_;  // at most one per address
  std::optional<Attempt> checking_;    // the one at the worker
};

}  // namespace tbgw::app::http
