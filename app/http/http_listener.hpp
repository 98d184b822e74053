// HttpListener: the listening socket on http.listen and, with http.tls_cert/http.tls_key, the
// TLS context (TLS 1.2 or newer only). Accepts connections and hands each to an HttpConnection.
//
// Admission (connection_registry.hpp): each new connection first gets room by closing the
// longest-idle connection in its way (its own address's, a stranger's, any idle one), or is
// closed at once when its address's or the strangers' share is all busy. When every slot is
// busy (requests being answered, WebSockets) the listener stops calling accept, so further
// clients wait in the kernel's listen backlog rather than costing the gateway anything
// (one accepted just then waits in the listener); accepting resumes when a slot frees or a
// connection turns idle.
//
// start() never throws: a bad address, a port in use or a bad certificate/key is returned as
// an error message and the face stays off (the gateway keeps running without HTTP).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "app/http/http_connection.hpp"
#include "platform/linux/error.hpp"

namespace tbgw::app::http {

struct ListenAddress {
  std::string host;
  unsigned short port = 0;
};
// "127.0.0.1:8080", "0.0.0.0:80", "[::]:8080"; false when malformed.
bool parse_listen_address(std::string_view text, ListenAddress& out);

// Why the HTTP face could not start listening (detail: the setting's value, the files).
enum class ListenErrc : std::uint8_t {
  bad_address,     // http.listen is not ADDR:PORT
  not_an_ip,       // the host part is not an IP address
  tls_incomplete,  // only one of http.tls_cert and http.tls_key
  tls_load,        // the certificate or key cannot be read (detail: files and OpenSSL's reason)
  key_mismatch,    // the key does not belong to the certificate
  listen,          // open/bind/listen failed (errno: e.g. EADDRINUSE)
};
const char* to_string(ListenErrc e);
using ListenError = platform::Error<ListenErrc>;

class HttpListener {
 public:
  HttpListener(boost::asio::io_context& io, std::shared_ptr<ServerContext> ctx);

  // Binds and starts accepting, or says why not ("cannot listen on ...: Address in use").
  Result<void, ListenError> start(const std::string& listen, const std::string& tls_cert,
                                  const std::string& tls_key);
  // Stops accepting and closes every open connection.
  void stop();
  // The bound endpoint (with the real port when 0 was asked for).
  boost::asio::ip::tcp::endpoint local_endpoint() const;
  bool tls() const { return ssl_.has_value(); }

 private:
  void accept();
  void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);
  // Gives an accepted socket its slot (closing idle ones in its way), refuses it, or parks it.
  void admit(boost::asio::ip::tcp::socket socket);
  void on_slot_free();

  boost::asio::io_context& io_;
  std::shared_ptr<ServerContext> ctx_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;  // after a failed accept (EMFILE)
  std::optional<boost::asio::ssl::context> ssl_;
  // Accepted while an accept was in flight and every slot turned busy: waits for a free slot
  // (at most one; accepting pauses meanwhile).
  std::optional<boost::asio::ip::tcp::socket> parked_;
  bool accepting_ = false;
  bool stopped_ = false;
};

}  // namespace tbgw::app::http
