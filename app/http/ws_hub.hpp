// WsHub: the WebSocket streams. Clients subscribe with {"subscribe":["status","alerts","can",
// "log"]}; the hub serialises each message once and hands the same shared string to every
// subscriber (fan-out costs one JSON document per tick, not one per client):
//   status  GET /api/status's document, once per second (when someone listens)
//   alerts  one message per alert edge, from the alert_changed channel (subscribed once)
//   can     GET /api/can/frames's document, once per second
//   log     new log lines (LogRingSink), drained once per second
// Messages: {"stream":"status","data":{...}}. Each client has its own bounded send queue
// (ws_session.hpp); the hub never waits for a client.
//
// The tick is 1 s; the environment variable TBGW_HTTP_WS_INTERVAL_MS (10..1000) shortens it
// for the benchmark's 10 Hz fan-out and the slow-client test (not a configuration key: the
// streams are specified at 1 Hz).
//
// Credentials: each client keeps the identity it was opened with. Before every tick and every
// alert, and at once after a logout, the hub asks `still_valid` for each client; a client whose
// session ended (logout, idle timeout, password change) or whose token was revoked, or an
// anonymous reader after http.read_without_login was turned off, is closed with 1008 and gets
// nothing more.
//
// Loop thread only. Bounds: clients are counted in http.max_connections.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "app/http/auth_gate.hpp"
#include "app/http/http_types.hpp"
#include "app/http/log_ring.hpp"

namespace tbgw::app::http {

enum WsStream : unsigned { kWsStatus = 1, kWsAlerts = 2, kWsCan = 4, kWsLog = 8 };

// Parses a stream name; 0 when unknown.
unsigned ws_stream_bit(std::string_view name);

class WsClient {
 public:
  virtual ~WsClient() = default;
  virtual unsigned subscriptions() const = 0;
  // Queues a message; a client whose queue is full is closed (1013) instead.
  virtual void send(std::shared_ptr<const std::string> message) = 0;
  // Who opened the socket (checked again before each message batch).
  virtual const Identity& identity() const = 0;
  // The credentials ended: close with 1008 (policy violation), send nothing more.
  virtual void end_revoked() = 0;
};

class WsHub {
 public:
  WsHub(boost::asio::io_context& io, RouterHooks& router, HttpCounters& counters);

  std::uint64_t add(std::weak_ptr<WsClient> client);
  void remove(std::uint64_t id);
  // A client's subscriptions changed (the log sink is only enabled while someone listens).
  void subscriptions_changed();
  void on_alert(const msg::AlertChanged& edge);
  // Closes every client whose credentials no longer hold (see above); a no-op without a
  // validator. Called by the hub itself and by the face after a logout.
  void revalidate();
  // Called once before a pass of still_valid (re-reads the credentials when they changed).
  std::function<void()> refresh_credentials;
  std::function<bool(const Identity&)> still_valid;
  void start();
  void stop();
  HttpCounters& counters() { return counters_; }

 private:
  void tick();
  void fan_out(unsigned stream, const std::shared_ptr<const std::string>& message);
  unsigned wanted() const;

  boost::asio::steady_timer timer_;
  RouterHooks& router_;
  HttpCounters& counters_;
  std::unordered_map<std::uint64_t, std::weak_ptr<WsClient>> clients_;
  std::uint64_t next_id_ = 0;
  bool stopped_ = false;
  std::chrono::milliseconds interval_{1000};
};

std::shared_ptr<const std::string> ws_message(std::string_view stream, std::string_view data_json);

}  // namespace tbgw::app::http
