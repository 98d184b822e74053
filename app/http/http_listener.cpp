#include "app/http/http_listener.hpp"

#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include <charconv>

namespace tbgw::app::http {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

bool parse_listen_address(std::string_view text, ListenAddress& out) {
  std::string_view host, port;
  if (text.starts_with('[')) {
    const auto close = text.find("]:");
    if (close == std::string_view::npos) return false;
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return false;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  unsigned value = 0;
  const auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || p != port.data() + port.size() || value > 65535 || host.empty()) {
    return false;
  }
  out.host = std::string(host);
  out.port = static_cast<unsigned short>(value);
  return true;
}

HttpListener::HttpListener(asio::io_context& io, std::shared_ptr<ServerContext> ctx)
    : io_(io), ctx_(std::move(ctx)), acceptor_(io), retry_timer_(io) {}

const char* to_string(ListenErrc e) {
  switch (e) {
    case ListenErrc::bad_address:
      return "http.listen is not ADDR:PORT:";
    case ListenErrc::not_an_ip:
      return "http.listen: not an IP address:";
    case ListenErrc::tls_incomplete:
      return "HTTPS needs both http.tls_cert and http.tls_key";
    case ListenErrc::tls_load:
      return "cannot load the TLS certificate";
    case ListenErrc::key_mismatch:
      return "http.tls_key does not match http.tls_cert:";
    case ListenErrc::listen:
      return "cannot listen on";
  }
  return "cannot start the HTTP listener";
}

Result<void, ListenError> HttpListener::start(const std::string& listen,
                                              const std::string& tls_cert,
                                              const std::string& tls_key) {
  using platform::make_error;
  ListenAddress addr;
  if (!parse_listen_address(listen, addr)) {
    return make_error(ListenErrc::bad_address, 0, "\"" + listen + "\"");
  }
  boost::system::error_code ec;
  const auto ip = asio::ip::make_address(addr.host, ec);
  if (ec) return make_error(ListenErrc::not_an_ip, 0, addr.host);
  if (!tls_cert.empty() || !tls_key.empty()) {
    if (tls_cert.empty() || tls_key.empty()) return make_error(ListenErrc::tls_incomplete);
    try {
      asio::ssl::context ssl(asio::ssl::context::tls_server);
      ssl.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                      asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                      asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
      SSL_CTX_set_min_proto_version(ssl.native_handle(), TLS1_2_VERSION);
      ssl.use_certificate_chain_file(tls_cert);
      ssl.use_private_key_file(tls_key, asio::ssl::context::pem);
      if (SSL_CTX_check_private_key(ssl.native_handle()) != 1) {
        return make_error(ListenErrc::key_mismatch, 0, tls_key + " / " + tls_cert);
      }
      ssl_.emplace(std::move(ssl));
    } catch (const boost::system::system_error& e) {
      return make_error(ListenErrc::tls_load, 0,
                        tls_cert + " / key " + tls_key + ": " + e.code().message());
    }
  }
  const tcp::endpoint ep(ip, addr.port);
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    const int err = ec.value();  // a system error: EADDRINUSE, EACCES, EADDRNOTAVAIL...
    acceptor_.close(ec);
    return make_error(ListenErrc::listen, err, listen);
  }
  ctx_->tls = ssl_.has_value();
  ctx_->registry->on_slot_free = [this] { on_slot_free(); };
  accept();
  return {};
}

tcp::endpoint HttpListener::local_endpoint() const {
  boost::system::error_code ec;
  return acceptor_.local_endpoint(ec);
}

void HttpListener::stop() {
  if (stopped_) return;
  stopped_ = true;
  ctx_->registry->on_slot_free = nullptr;
  boost::system::error_code ec;
  acceptor_.close(ec);
  retry_timer_.cancel();
  if (parked_) parked_->close(ec);
  parked_.reset();
  ctx_->registry->close_all();
}

void HttpListener::accept() {
  if (accepting_ || parked_) return;  // one accept in flight at most; a parked one goes first
  if (stopped_ || !ctx_->registry->can_accept()) return;  // resumed by on_slot_free
  accepting_ = true;
  acceptor_.async_accept(io_, [this](boost::system::error_code ec, tcp::socket socket) {
    on_accept(ec, std::move(socket));
  });
}

void HttpListener::on_slot_free() {
  if (stopped_) return;
  if (parked_) {
    tcp::socket socket = std::move(*parked_);
    parked_.reset();
    admit(std::move(socket));
  }
  accept();
}

void HttpListener::on_accept(boost::system::error_code ec, tcp::socket socket) {
  accepting_ = false;
  if (stopped_ || ec == asio::error::operation_aborted) return;
  if (ec) {
    // EMFILE and friends: retrying at once would spin the loop; wait a moment. Logged at
    // debug: a flood would otherwise flood the log.
    spdlog::debug("http: accept failed: {}", ec.message());
    retry_timer_.expires_after(std::chrono::milliseconds(100));
    retry_timer_.async_wait([this](const boost::system::error_code& wait_ec) {
      if (!wait_ec) accept();
    });
    return;
  }
  admit(std::move(socket));
  accept();
}

void HttpListener::admit(tcp::socket socket) {
  boost::system::error_code ignored;
  const auto peer = socket.remote_endpoint(ignored);
  const std::string addr = peer.address().to_string();
  switch (ctx_->registry->make_room(addr, steady_now_ms())) {
    case ConnectionRegistry::Room::ok:
      break;
    case ConnectionRegistry::Room::refuse:
      // Its address's (or the strangers') connections are all busy answering: refuse it.
      ++ctx_->counters->connections_refused_total;
      socket.close(ignored);
      return;
    case ConnectionRegistry::Room::wait:
      // Every slot is busy: hold it (accepting pauses) until one frees, as the backlog would.
      parked_.emplace(std::move(socket));
      return;
  }
  socket.set_option(tcp::no_delay(true), ignored);
  const std::string remote = peer.address().is_v6()
                                 ? "[" + addr + "]:" + std::to_string(peer.port())
                                 : addr + ":" + std::to_string(peer.port());
  boost::beast::tcp_stream tcp_stream(std::move(socket));
  if (ssl_) {
    using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;
    auto c = std::make_shared<HttpConnection<TlsStream>>(TlsStream(std::move(tcp_stream), *ssl_),
                                                         ctx_, remote, addr);
    c->start(*ctx_->registry);
  } else {
    auto c = std::make_shared<HttpConnection<boost::beast::tcp_stream>>(std::move(tcp_stream), ctx_,
                                                                        remote, addr);
    c->start(*ctx_->registry);
  }
}

}  // namespace tbgw::app::http
