// The HTTP/WebSocket face (issue 10): builds the server's pieces around the API router and
// registers the "http" face reporter. start_http_face() returns nullptr when http.listen is
// empty; a face that cannot listen (bad address, port in use, bad certificate) is still
// returned, with its reporter saying why, and serves nothing.
//
// Pieces (one job each): auth_store (auth.json), session_table, login_limiter, hash_worker
// (PBKDF2 off the loop), auth_gate (who may do what), request_handler (one request),
// http_listener + http_connection (sockets, TLS, limits), ws_hub + ws_session (streams),
// log_ring (the log stream). Security model: docs/security.md.
#pragma once

#include <boost/asio/io_context.hpp>

#include <memory>

#include "app/faces.hpp"
#include "app/http/http_types.hpp"

namespace tbgw::app::http {

// The API router (app/api) as hooks; a stand-in answering 503 when the API is not built.
RouterHooks make_router_hooks(boost::asio::io_context& io, GatewayServices& services);

// Builds the router (make_router_hooks) only when the face runs.
std::unique_ptr<Face> start_http_face(boost::asio::io_context& io, GatewayServices& services);

}  // namespace tbgw::app::http
