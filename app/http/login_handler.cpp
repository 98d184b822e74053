#include "app/http/login_handler.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>

#include "app/http/login_body.hpp"

namespace tbgw::app::http {

namespace {

api::ApiResponse retry_later(int status, std::string_view code, std::string_view message,
                             std::int64_t retry_after_s) {
  api::ApiResponse r = json_error(status, code, message);
  r.headers.emplace_back("Retry-After", std::to_string(retry_after_s));
  return r;
}

}  // namespace

LoginHandler::LoginHandler(boost::asio::io_context& io, AuthGate& gate, LoginLimiter& limiter,
                           HashWorker& worker, HttpCounters& counters,
                           std::function<HttpPolicy()> policy)
    : io_(io),
      gate_(gate),
      limiter_(limiter),
      worker_(worker),
      counters_(counters),
      policy_(std::move(policy)) {}

void LoginHandler::handle(const IncomingRequest& req, Respond respond) {
  // A web page the owner visits can post text/plain (a "simple" request, no preflight) from
  // its own Origin; either would let it spend the owner's tries and lock the login. A browser
  // never sends application/json cross-site without a preflight, which this server does not
  // grant. Clients without an Origin (curl) are not browsers.
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
  Attempt a;
  a.remote_addr = req.remote_addr;
  a.tls = req.tls;
  const std::string device = AuthGate::cookie_value(req.cookie, kDeviceCookie);
  if (devices_.known(device)) a.device = device;
  if (a.device.empty()) {
    if (const std::int64_t wait_s = limiter_.retry_after_s(a.remote_addr, now); wait_s > 0) {
      respond(retry_later(429, "locked_out", "too many failed logins; try again later", wait_s));
      return;
    }
  }
  auto body = parse_login_body(req.body);
  if (!body) {
    respond(json_error(400, "bad_request",
                       R"(the body must be JSON {"username": "...", "password": "..."})"));
    return;
  }
  a.password = std::move(body->password);
  gate_.store().refresh();
  if (!gate_.store().has_password()) {
    respond(json_error(503, "no_password", "no admin password is set yet"));
    return;
  }
  a.respond = std::move(respond);
  if (body->username != "admin") {
    finish(a, false);  // no hashing needed; counted like a wrong password
    return;
  }
  if (a.device.empty()) {
    const auto same_address = [&a](const Attempt& w) { return w.remote_addr == a.remote_addr; };
    if (std::any_of(stranger_lane_.begin(), stranger_lane_.end(), same_address) ||
        (checking_ && checking_->device.empty() && same_address(*checking_))) {
      a.respond(retry_later(429, "login_pending",
                            "a login from this address is being checked; wait for its answer", 1));
      return;
    }
    if (stranger_lane_.size() >= kMaxWaiting) {
      a.respond(retry_later(503, "busy", "too many logins at once; try again", 1));
      return;
    }
    if (!budget_.take(now)) {
      a.respond(retry_later(429, "login_busy",
                            "too many login attempts from all addresses; a browser that logged "
                            "in here before can still log in",
                            budget_.retry_after_s(now)));
      return;
    }
  } else if (known_lane_.size() >= kMaxWaiting) {
    a.respond(retry_later(503, "busy", "too many logins at once; try again", 1));
    return;
  }
  enqueue(std::move(a));
}

void LoginHandler::enqueue(Attempt a) {
  (a.device.empty() ? stranger_lane_ : known_lane_).push_back(std::move(a));
  pump();
}

void LoginHandler::pump() {
  if (checking_ || (known_lane_.empty() && stranger_lane_.empty())) return;
  auto& lane = known_lane_.empty() ? stranger_lane_ : known_lane_;
  checking_ = std::move(lane.front());
  lane.pop_front();
  // The worker gets only the password and the stored hash; the reply (which owns the
  // connection) stays on the loop, so no connection is ever destroyed on the worker thread.
  std::weak_ptr<LoginHandler> weak = weak_from_this();
  auto job = [weak, stored = gate_.store().admin(), password = checking_->password, &io = io_]() {
    const bool ok = verify_password(stored, password);
    boost::asio::post(io, [weak, ok] {
      if (auto self = weak.lock()) self->checked(ok);
    });
  };
  checking_->password.clear();
  if (!worker_.submit(std::move(job))) {
    Attempt a = std::move(*checking_);
    checking_.reset();
    a.respond(retry_later(503, "busy", "the password checker is busy; try again", 1));
    pump();
  }
}

void LoginHandler::checked(bool ok) {
  if (!checking_) return;
  Attempt a = std::move(*checking_);
  checking_.reset();
  finish(a, ok);
  pump();
}

void LoginHandler::finish(const Attempt& a, bool ok) {
  const std::int64_t now = steady_now_ms();
  if (!ok) {
    ++counters_.login_failures_total;
    if (!a.device.empty()) devices_.on_failure(a.device);
    if (const std::int64_t lock_s = limiter_.on_failure(a.remote_addr, now); lock_s > 0) {
      ++counters_.lockouts_total;
      spdlog::warn("http: {} locked out of login for {} s after {} failures", a.remote_addr, lock_s,
                   LoginLimiter::kMaxFailures);
    }
    a.respond(json_error(401, "bad_credentials", "wrong username or password"));
    return;
  }
  limiter_.on_success(a.remote_addr);
  const Session& s = gate_.sessions().create(now);
  spdlog::info("http: admin logged in from {}", a.remote_addr);
  api::ApiResponse r = session_response(s, a.tls, true);
  if (a.device.empty()) {
    r.headers.emplace_back("Set-Cookie", std::string(kDeviceCookie) + "=" + devices_.add(now) +
                                             "; HttpOnly; SameSite=Strict; Path=/api/login; "
                                             "Max-Age=31536000" +
                                             (a.tls ? "; Secure" : ""));
  } else {
    devices_.on_success(a.device, now);
  }
  a.respond(std::move(r));
}

api::ApiResponse LoginHandler::session_response(const Session& s, bool tls, bool set_cookie) const {
  const HttpPolicy pol = policy_();
  const nlohmann::json j = {{"user", "admin"},
                            {"kind", "session"},
                            {"csrf_token", s.csrf},
                            {"expires_in_s", pol.session_idle_timeout_ms / 1000}};
  api::ApiResponse r{200, "application/json", j.dump(), {}, nullptr};
  if (set_cookie) {
    r.headers.emplace_back("Set-Cookie", std::string(kSessionCookie) + "=" + s.id +
                                             "; HttpOnly; SameSite=Strict; Path=/" +
                                             (tls ? "; Secure" : ""));
  }
  return r;
}

}  // namespace tbgw::app::http
