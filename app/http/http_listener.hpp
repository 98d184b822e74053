// HttpListener: the listening socket on http.listen and, with http.tls_cert/http.tls_key, the
// TLS context (TLS 1.2 or newer only). Accepts connections and hands each to an HttpConnection.
//
// Connection cap: at http.max_connections open connections (HTTP and WebSocket together) the
// listener stops calling accept, so further clients wait in the kernel's listen backlog (and
// time out there) rather than costing the gateway anything; accepting resumes when one closes.
//
// start() never throws: a bad address, a port in use or a bad certificate/key is returned as
// an error message and the face stays off (the gateway keeps running without HTTP).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <optional>
#include <string>

#include "app/http/http_connection.hpp"

namespace tbgw::app::http {

struct ListenAddress {
  std::string host;
  unsigned short port = 0;
};
// "127.0.0.1:8080", "0.0.0.0:80", "[::]:8080"; false when malformed.
bool parse_listen_address(std::string_view text, ListenAddress& out);

class HttpListener {
 public:
  HttpListener(boost::asio::io_context& io, std::shared_ptr<ServerContext> ctx,
               std::size_t max_connections);

  // Binds and starts accepting; false with `error` ("cannot listen on ...: Address in use").
  bool start(const std::string& listen, const std::string& tls_cert, const std::string& tls_key,
             std::string& error);
  // Stops accepting and closes every open connection.
  void stop();
  // The bound endpoint (with the real port when 0 was asked for).
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  bool tls() const { return ssl_.has_value(); }

 private:
  void accept();
  void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& io_;
  std::shared_ptr<ServerContext> ctx_;
  std::size_t max_connections_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;  // after a failed accept (EMFILE)
  std::optional<boost::asio::ssl::context> ssl_;
  bool accepting_ = false;
  bool stopped_ = false;
};

}  // namespace tbgw::app::http
