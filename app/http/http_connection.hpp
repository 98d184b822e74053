// HttpConnection: one client connection (plain TCP or TLS), HTTP/1.1 with keep-alive, one
// request at a time. Bounds enforced here, before any routing:
//   - headers at most kHeaderLimit (8 KiB): 431; body at most kBodyLimit (64 KiB): 413;
//   - the whole request must arrive within kRequestTimeout (10 s) of the read starting, which
//     on a keep-alive connection includes the idle time before it (so an idle keep-alive
//     connection is closed after 10 s too): a slow-loris client is closed, never waited for.
//     Until a request on the connection has authenticated, the deadline is
//     kUnprovenRequestTimeout (5 s), the TLS handshake included: a stranger holds a slot briefly;
//   - the connection tells the registry (connection_registry.hpp) when it waits for a request
//     (it may then be closed to make room) and when it has proven a session or token;
//   - writing a response must finish within kRequestTimeout (a client that does not read);
//   - a malformed request is 400 and the connection is closed.
// After an error response the connection stops reading requests, shuts down its sending side
// and discards what the client still sends for a moment (a "lingering close"), so the client
// reads the 4xx instead of a reset.
//
// GET /ws with an Upgrade header becomes a WsSession (ws_session.hpp) after the same
// authentication as the API; for a cookie session the Origin must name the Host (a page on
// another site cannot open a socket with the admin's cookie).
//
// Loop thread only. The connection holds the server context weakly: after the face stops, a
// late router reply or timer touches nothing of it.
#pragma once

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "app/http/connection_registry.hpp"
#include "app/http/request_handler.hpp"
#include "app/http/request_path.hpp"
#include "app/http/security_headers.hpp"
#include "app/http/ws_hub.hpp"
#include "app/http/ws_session.hpp"

namespace tbgw::app::http {

struct ServerContext {
  std::shared_ptr<RequestHandler> handler;
  std::shared_ptr<ConnectionRegistry> registry;
  std::shared_ptr<WsHub> hub;
  HttpCounters* counters = nullptr;
  bool tls = false;
};

inline constexpr std::size_t kHeaderLimit = 8 * 1024;
inline constexpr std::size_t kBodyLimit = 64 * 1024;
inline constexpr std::chrono::seconds kRequestTimeout{10};
inline constexpr std::chrono::seconds kUnprovenRequestTimeout{5};

template <class Stream>
class HttpConnection final : public Closable,
                             public std::enable_shared_from_this<HttpConnection<Stream>> {
 public:
  HttpConnection(Stream&& stream, std::weak_ptr<ServerContext> ctx, std::string remote,
                 std::string remote_addr)
      : stream_(std::move(stream)),
        ctx_(std::move(ctx)),
        remote_(std::move(remote)),
        remote_addr_(std::move(remote_addr)) {}

  void start(ConnectionRegistry& registry) {
    slot_ = registry.add(this->weak_from_this(), remote_addr_, ConnectionKind::http, false);
    if constexpr (kTls) {
      lowest().expires_after(kUnprovenRequestTimeout);
      stream_.async_handshake(boost::asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](boost::beast::error_code ec) {
                                if (!ec) self->read_request();
                              });
    } else {
      read_request();
    }
  }

  void close_now() override {
    closed_ = true;
    boost::beast::error_code ec;
    lowest().socket().close(ec);
  }

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, boost::beast::tcp_stream>;

  boost::beast::tcp_stream& lowest() { return boost::beast::get_lowest_layer(stream_); }

  void read_request() {
    if (closed_) return;
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(kBodyLimit);
    slot_->set_idle(true);
    lowest().expires_after(proven_ ? kRequestTimeout : kUnprovenRequestTimeout);
    boost::beast::http::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](boost::beast::error_code ec, std::size_t) {
          self->on_read(ec);
        });
  }

  void on_read(boost::beast::error_code ec) {
    namespace http = boost::beast::http;
    if (closed_) return;
    auto ctx = ctx_.lock();
    if (!ctx) return;
    slot_->set_idle(false);
    if (ec) {
      if (ec == http::error::header_limit) {
        reply_error(*ctx, json_error(431, "headers_too_large", "request headers above 8 KiB"));
      } else if (ec == http::error::body_limit) {
        reply_error(*ctx, json_error(413, "body_too_large", "request body above 64 KiB"));
      } else if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
                 ec != http::error::end_of_stream && ec != http::error::partial_message) {
        reply_error(*ctx, json_error(400, "bad_request", "malformed HTTP request"));
      } else {
        // Timeout (slow client), reset, or the client closed: nothing to answer.
        close_now();
      }
      return;
    }
    ++ctx->counters->requests_total;
    auto& msg = parser_->get();
    IncomingRequest& r = current_;
    r = {};
    // HEAD is GET without the body (RFC 9110 9.3.2): routed as GET, the body dropped at write.
    head_ = msg.method() == http::verb::head;
    r.method = head_ ? std::string("GET") : std::string(msg.method_string());
    r.target = std::string(msg.target());
    r.body = std::move(msg.body());
    auto field = [&msg](auto name) { return std::string(msg[name]); };
    r.content_type = field(http::field::content_type);
    r.cookie = field(http::field::cookie);
    r.authorization = field(http::field::authorization);
    r.csrf_token = std::string(msg["X-CSRF-Token"]);
    r.origin = field(http::field::origin);
    r.host = field(http::field::host);
    r.accept_encoding = field(http::field::accept_encoding);
    r.if_none_match = field(http::field::if_none_match);
    r.remote = remote_;
    r.remote_addr = remote_addr_;
    r.tls = kTls;
    keep_alive_ = msg.keep_alive();
    version_ = msg.version();

    if (boost::beast::websocket::is_upgrade(msg)) {
      upgrade(*ctx);
      return;
    }
    // While the router works (a settings write, a history query), no read and no deadline.
    lowest().expires_never();
    ctx->handler->handle(current_, [self = this->shared_from_this()](api::ApiResponse res) {
      self->write_response(std::move(res), false);
    });
  }

  // A session or token authenticated on this connection: the longer deadline, and a slot of
  // the part kept for proven clients.
  void note_proven() {
    if (proven_ || !current_.authenticated) return;
    proven_ = true;
    slot_->set_proven();
  }

  void upgrade(ServerContext& ctx) {
    // Any refused target gets the same 404: only /ws upgrades.
    if (const auto t = decode_target(current_.target); !t || t->path != "/ws") {
      reply_error(ctx, json_error(404, "not_found", "WebSocket only on /ws"));
      return;
    }
    if (!ctx.registry->websocket_room()) {
      api::ApiResponse busy =
          json_error(503, "busy", "too many WebSocket clients; try again later");
      busy.headers.emplace_back("Retry-After", "5");
      reply_error(ctx, std::move(busy));
      return;
    }
    const HttpPolicy pol = ctx.handler->policy();
    AuthOutcome auth = ctx.handler->gate().identify(current_, pol);
    if (auth.refused) {
      reply_error(ctx, std::move(*auth.refused));
      return;
    }
    unsigned allowed = kWsStatus | kWsAlerts | kWsCan | kWsLog;
    if (auth.who.principal == api::Principal::anonymous) {
      if (!pol.read_without_login) {
        reply_error(ctx, unauthorized("log in or send an API token to open /ws"));
        return;
      }
      allowed = kWsStatus | kWsAlerts;
    }
    if (!auth.who.session_id.empty() && !same_origin(current_.origin, current_.host, kTls)) {
      reply_error(ctx, json_error(403, "origin", "the Origin does not match the Host"));
      return;
    }
    auto ws = std::make_shared<WsSession<Stream>>(std::move(stream_), ctx.hub, allowed,
                                                  std::move(auth.who));
    ws->start(ctx.registry, parser_->release(), remote_addr_);
    closed_ = true;  // the stream now belongs to the WebSocket session
  }

  // Framing problems (malformed, 413, 431) and refused upgrades close the connection.
  void reply_error(ServerContext& ctx, api::ApiResponse res) {
    (void)ctx;
    keep_alive_ = false;
    write_response(std::move(res), true);
  }

  void write_response(api::ApiResponse res, bool error_close) {
    namespace http = boost::beast::http;
    if (closed_) return;
    auto ctx = ctx_.lock();
    if (!ctx) return;
    note_proven();
    if (res.status >= 500) {
      ++ctx->counters->responses_5xx_total;
    } else if (res.status >= 400) {
      ++ctx->counters->responses_4xx_total;
    }
    if (res.stream) {
      write_streamed(std::move(res));
      return;
    }
    auto out = std::make_shared<http::response<http::string_body>>();
    out->version(version_ == 10 ? 10 : 11);
    out->result(static_cast<unsigned>(res.status));
    const bool api_path = current_.target.starts_with("/api") ||
                          current_.target.starts_with("/metrics") || error_close;
    add_security_headers(out->base(), api_path, kTls);
    out->set(http::field::content_type, res.content_type);
    for (auto& [k, v] : res.headers) out->insert(k, v);
    out->body() = std::move(res.body);
    out->keep_alive(keep_alive_ && !error_close);
    out->prepare_payload();
    // Content-Length stays the GET body's; no body bytes may follow, or the next response on a
    // keep-alive connection would start inside them.
    if (head_) out->body().clear();
    const bool close_after = !out->keep_alive();
    lowest().expires_after(kRequestTimeout);
    http::async_write(stream_, *out,
                      [self = this->shared_from_this(), out, close_after](
                          boost::beast::error_code ec, std::size_t) {
                        if (ec) {
                          self->close_now();
                          return;
                        }
                        if (close_after) {
                          self->linger();
                        } else {
                          self->read_request();
                        }
                      });
  }

  // A streamed body (api::BodyStream): the head with chunked transfer encoding, then one chunk
  // per piece, asking for the next piece only after the previous one was written (each write
  // within kRequestTimeout, so a client that stops reading is closed and the producer stops).
  // A failed piece ends the connection without the closing chunk: the client sees a cut
  // transfer, never a complete-looking one.
  void write_streamed(api::ApiResponse res) {
    namespace http = boost::beast::http;
    auto head = std::make_shared<http::response<http::empty_body>>();
    head->version(version_ == 10 ? 10 : 11);
    head->result(static_cast<unsigned>(res.status));
    add_security_headers(head->base(), true, kTls);
    head->set(http::field::content_type, res.content_type);
    for (auto& [k, v] : res.headers) head->insert(k, v);
    // HTTP/1.0 has no chunked encoding: the body then ends with the connection.
    if (version_ == 10) keep_alive_ = false;
    head->keep_alive(keep_alive_);
    if (version_ != 10) head->chunked(true);
    auto serializer = std::make_shared<http::response_serializer<http::empty_body>>(*head);
    lowest().expires_after(kRequestTimeout);
    http::async_write_header(
        stream_, *serializer,
        [self = this->shared_from_this(), head, serializer, body = std::move(res.stream)](
            boost::beast::error_code ec, std::size_t) {
          if (ec) {
            self->close_now();
          } else if (self->head_) {
            self->after_response();
          } else {
            self->next_piece(body);
          }
        });
  }

  void next_piece(const std::shared_ptr<api::BodyStream>& body) {
    // While the producer works (a page read on the history thread): no deadline.
    lowest().expires_never();
    body->next([self = this->shared_from_this(), body](std::string piece, bool last, bool failed) {
      if (self->closed_) return;
      if (failed) {
        self->close_now();
        return;
      }
      self->write_piece(body, std::make_shared<std::string>(std::move(piece)), last);
    });
  }

  void write_piece(const std::shared_ptr<api::BodyStream>& body,
                   const std::shared_ptr<std::string>& piece, bool last) {
    namespace http = boost::beast::http;
    auto after = [self = this->shared_from_this(), body, piece, last](boost::beast::error_code ec,
                                                                      std::size_t) {
      if (ec) {
        self->close_now();
      } else if (!last) {
        self->next_piece(body);
      } else {
        self->finish_stream();
      }
    };
    lowest().expires_after(kRequestTimeout);
    if (version_ == 10) {
      if (piece->empty()) return after({}, 0);
      boost::asio::async_write(stream_, boost::asio::buffer(*piece), std::move(after));
    } else if (piece->empty()) {
      after({}, 0);  // an empty chunk would read as the end of the body
    } else {
      boost::asio::async_write(stream_, http::make_chunk(boost::asio::buffer(*piece)),
                               std::move(after));
    }
  }

  void finish_stream() {
    namespace http = boost::beast::http;
    if (version_ == 10) {
      after_response();
      return;
    }
    lowest().expires_after(kRequestTimeout);
    auto last = std::make_shared<http::chunk_last<http::chunk_crlf>>(http::make_chunk_last());
    boost::asio::async_write(
        stream_, *last,
        [self = this->shared_from_this(), last](boost::beast::error_code ec, std::size_t) {
          if (ec) {
            self->close_now();
          } else {
            self->after_response();
          }
        });
  }

  // The response is out: the next request on a keep-alive connection, else a lingering close.
  void after_response() {
    if (keep_alive_) {
      read_request();
    } else {
      linger();
    }
  }

  // Shut down our sending side, then read and discard for up to 2 s / 64 KiB before closing.
  void linger() {
    if constexpr (kTls) {
      lowest().expires_after(std::chrono::seconds(2));
      stream_.async_shutdown(
          [self = this->shared_from_this()](boost::beast::error_code) { self->close_now(); });
    } else {
      boost::beast::error_code ec;
      lowest().socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ec);
      lowest().expires_after(std::chrono::seconds(2));
      drain_left_ = 64 * 1024;
      drain();
    }
  }

  void drain() {
    lowest().async_read_some(
        boost::asio::buffer(drain_buf_),
        [self = this->shared_from_this()](boost::beast::error_code ec, std::size_t n) {
          if (ec || n >= self->drain_left_) {
            self->close_now();
            return;
          }
          self->drain_left_ -= n;
          self->drain();
        });
  }

  Stream stream_;
  std::weak_ptr<ServerContext> ctx_;
  std::string remote_;
  std::string remote_addr_;
  std::unique_ptr<ConnectionSlot> slot_;
  boost::beast::flat_buffer buffer_{kHeaderLimit + kBodyLimit};
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  IncomingRequest current_;
  bool keep_alive_ = true;
  bool head_ = false;  // the request being answered is a HEAD
  unsigned version_ = 11;
  bool closed_ = false;
  bool proven_ = false;  // a request on this connection authenticated
  std::array<char, 4096> drain_buf_{};
  std::size_t drain_left_ = 0;
};

}  // namespace tbgw::app::http
