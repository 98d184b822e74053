#include "app/http/http_face.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include "app/http/http_listener.hpp"
#include "app/ui/web_response.hpp"
#include "platform/linux/atomic_file.hpp"

namespace tbgw::app::http {

namespace {

class HttpFace final : public Face {
 public:
  HttpFace(boost::asio::io_context& io, GatewayServices& services, RouterHooks router)
      : io_(io),
        services_(services),
        router_(std::move(router)),
        store_(services.state_dir()),
        gate_(store_, sessions_) {
    handler_ = std::make_shared<RequestHandler>(
        io, gate_, limiter_, worker_, router_, *counters_, [&services] {
          const auto& c = services.config();
          HttpPolicy p;
          p.read_without_login = c.http_read_without_login;
          p.metrics_without_login = c.http_metrics_without_login;
          p.session_idle_timeout_ms = std::int64_t{c.http_session_idle_timeout_s} * 1000;
          return p;
        });
    handler_->static_files = [](const IncomingRequest& r) {
      return ui::web_response(r.path, r.accept_encoding, r.if_none_match);
    };
    ctx_ = std::make_shared<ServerContext>();
    ctx_->handler = handler_;
    ctx_->registry = std::make_shared<ConnectionRegistry>(ConnectionLimits::from(
        static_cast<std::size_t>(std::max(1, services.config().http_max_connections)),
        static_cast<std::size_t>(std::max(1, services.config().http_max_connections_per_address))));
    ctx_->hub = std::make_shared<WsHub>(io, router_, *counters_);
    // The hub and the handler live no longer than the face's use of them: the hub's stop()
    // drops the validator, and the handler is only reached through the face's listener.
    ctx_->hub->refresh_credentials = [this] { gate_.refresh_store(); };
    ctx_->hub->still_valid = [this](const Identity& who) {
      return gate_.still_valid(who, handler_->policy());
    };
    handler_->after_logout = [hub = std::weak_ptr<WsHub>(ctx_->hub)] {
      if (auto h = hub.lock()) h->revalidate();
    };
    ctx_->counters = counters_.get();
    listener_ = std::make_unique<HttpListener>(io, ctx_);
    // The reporter holds what it reads (shared with the server's pieces); the registration,
    // a member, removes it when the face goes.
    reporter_ = services.face_reporters().add(
        "http", [counters = counters_, registry = ctx_->registry, state = state_] {
          return report(*counters, *registry, *state);
        });
  }

  void start() {
    const auto& c = services_.config();
    const std::string listen(c.http_listen.view());
    const auto started = listener_->start(listen, std::string(c.http_tls_cert.view()),
                                          std::string(c.http_tls_key.view()));
    if (!started) {
      const std::string error = platform::to_string(started.error());
      spdlog::error("http: {}; the gateway runs without its HTTP API", error);
      *state_ = "off: " + error;
      return;
    }
    const auto ep = listener_->local_endpoint();
    const std::string host =
        ep.address().is_v6() ? "[" + ep.address().to_string() + "]" : ep.address().to_string();
    const std::string url = std::string(listener_->tls() ? "https" : "http") + "://" + host + ":" +
                            std::to_string(ep.port());
    spdlog::info("HTTP API listening on {}", url);
    *state_ = "listening on " + url;
    url_ = url;
    log_ring();  // install the log stream's sink now, while start-up is quiet
    // Alert edges go to the WebSocket clients while the face serves (ended by stop()).
    auto subscribed = services_.channels().alert_changed.subscribe(
        [hub = ctx_->hub.get()](const msg::AlertChanged& a) { hub->on_alert(a); });
    if (subscribed.ok()) {
      alerts_ = std::move(subscribed).value();
    } else {
      spdlog::error("http: cannot subscribe to alert changes (channel full)");
    }
    ctx_->hub->start();
    ensure_password();
  }

  void stop() override {
    if (stopped_) return;
    stopped_ = true;
    alerts_.reset();
    listener_->stop();
    ctx_->hub->stop();
    worker_.stop();
    if (router_.stop) router_.stop();
    *state_ = "stopped";
  }

  ~HttpFace() override { stop(); }

 private:
  // First start: no admin password yet. Generate one, hash it on the worker (~0.5 s of CPU
  // must not delay the loop), then write initial-password (0600) and auth.json.
  // The last line of a start-up: what an owner opens, and with which password.
  void announce_ui(const std::string& password_hint) const {
    spdlog::info("Web UI: open {}/ and log in as admin ({})", url_, password_hint);
  }

  void ensure_password() {
    if (store_.has_password()) {
      announce_ui("the password set with `tinybms-gw passwd`");
      return;
    }
    std::string password = random_hex(12);  // 96 bits, typeable
    const std::filesystem::path dir = services_.state_dir();
    std::weak_ptr<RequestHandler> alive = handler_;
    auto job = [this, alive, password, dir, &io = io_] {
      PasswordHash hash = hash_password(password);
      boost::asio::post(io, [this, alive, password, hash, dir] {
        if (!alive.lock() || stopped_) return;
        store_.refresh();
        if (store_.has_password()) return;  // `tinybms-gw passwd` was faster
        platform::AtomicWriteOptions opt;
        opt.mode = 0600;
        const auto file = initial_password_path(dir);
        if (const auto w = platform::write_file_atomically(file, password + "\n", opt); !w) {
          spdlog::error("http: cannot store the initial admin password: {}",
                        platform::to_string(w.error()));
          return;
        }
        if (const auto set = store_.set_admin(hash); !set) {
          spdlog::error("http: cannot store the initial admin password: {}: {}",
                        auth_file_path(dir).string(), platform::to_string(set.error()));
          return;
        }
        spdlog::warn(
            "http: no admin password was set: generated one in {} (log in as admin; change it "
            "with `tinybms-gw passwd`)",
            file.string());
        announce_ui("first password in " + file.string());
      });
    };
    if (!worker_.submit(std::move(job))) spdlog::error("http: cannot queue the password job");
  }

  static FaceReport report(const HttpCounters& c, const ConnectionRegistry& registry,
                           const std::string& state) {
    FaceReport r;
    r.state = state;
    auto add = [&r](const char* name, const char* help, std::uint64_t v) {
      r.counters.push_back({name, help, static_cast<double>(v)});
    };
    add("requests_total", "HTTP requests read completely", c.requests_total);
    add("responses_4xx_total", "responses with a 4xx status", c.responses_4xx_total);
    add("responses_5xx_total", "responses with a 5xx status", c.responses_5xx_total);
    add("connections_open", "open HTTP and WebSocket connections", registry.open());
    add("connections_unproven", "open connections with no authenticated request yet",
        registry.unproven());
    add("connections_evicted_total", "idle connections closed to make room for a new one",
        registry.evicted_total());
    add("connections_refused_total", "new connections closed at once (nothing could give way)",
        c.connections_refused_total);
    add("websocket_clients", "open WebSocket clients", c.websocket_clients);
    add("login_failures_total", "failed logins", c.login_failures_total);
    add("lockouts_total", "addresses locked out of login", c.lockouts_total);
    add("slow_clients_dropped_total", "WebSocket clients closed for not keeping up",
        c.slow_clients_dropped_total);
    add("websockets_revoked_total", "WebSocket clients closed because their session or token ended",
        c.websockets_revoked_total);
    return r;
  }

  boost::asio::io_context& io_;
  GatewayServices& services_;
  RouterHooks router_;
  std::shared_ptr<HttpCounters> counters_ = std::make_shared<HttpCounters>();
  AuthStore store_;
  SessionTable sessions_;
  LoginLimiter limiter_;
  AuthGate gate_;
  HashWorker worker_;
  std::shared_ptr<RequestHandler> handler_;
  std::string url_;  // where the listener is, for the start-up line
  std::shared_ptr<ServerContext> ctx_;
  std::unique_ptr<HttpListener> listener_;
  std::shared_ptr<std::string> state_ = std::make_shared<std::string>("starting");
  bool stopped_ = false;
  bus::Subscription alerts_;  // alert_changed -> ctx_->hub, while serving
  FaceReporters::Registration reporter_;
};

}  // namespace

std::unique_ptr<Face> start_http_face(boost::asio::io_context& io, GatewayServices& services) {
  if (services.config().http_listen.view().empty()) {
    spdlog::info("http: http.listen is empty: no HTTP API");
    return nullptr;
  }
  auto face = std::make_unique<HttpFace>(io, services, make_router_hooks(io, services));
  face->start();
  return face;
}

}  // namespace tbgw::app::http
