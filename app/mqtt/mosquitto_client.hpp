// MosquittoClient: libmosquitto driven by the gateway's one Asio loop (no libmosquitto thread).
//
// Theory of operation.
// - Connect: the broker's host name is resolved with Asio's asynchronous resolver and
//   libmosquitto is given the numeric address (mosquitto_connect_async would otherwise block
//   the loop in getaddrinfo). Each attempt uses a fresh mosquitto object with every option set
//   (will, credentials, TLS), destroyed when the attempt ends: no half-reset state survives.
// - TLS: we build the SSL_CTX ourselves (CA file or the system store, optional client
//   certificate) and pin the verification to the URL's host name (X509_VERIFY_PARAM_set1_host,
//   or the IP for a numeric host) because libmosquitto only knows the numeric address we
//   connect to; libmosquitto's own name check is therefore switched off and ours does the job.
//   mqtt.tls_insecure drops the name check, never the chain check.
// - I/O: a dup() of mosquitto_socket() sits in an asio posix::stream_descriptor. Read
//   readiness calls mosquitto_loop_read, write readiness (armed only while
//   mosquitto_want_write) calls mosquitto_loop_write, and a 1 s timer calls mosquitto_loop_misc
//   (keepalive: a broker that stalls is dropped within 2 x keepalive). The dup keeps the epoll
//   registration valid when libmosquitto closes its own descriptor.
// - Faults (DNS, refused connection, bad credentials, TLS verification, lost connection, a
//   CONNACK that never comes) end the attempt, are reported in state() and logged once per
//   change, and a new attempt follows after an exponential back-off with jitter (1 s .. 60 s).
// - Bounded memory: publish() refuses (and counts in dropped) while not connected or while the
//   socket is backed up (mosquitto_want_write: the kernel buffer is full, the broker is not
//   reading), so libmosquitto's queue never grows with a stalled broker; the face keeps only
//   the latest value per topic and re-publishes it on reconnect. Incoming messages go through
//   a bounded inbox (kInboxCapacity) drained on the next loop turn, so callbacks never run
//   face code inside libmosquitto.
// - Last will: will_topic = "offline" (retained, QoS 1); "online" is published on every
//   connect; stop() publishes "offline" and disconnects cleanly.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/mqtt/mqtt_url.hpp"
#include "platform/linux/error.hpp"

struct mosquitto;
struct mosquitto_message;
struct ssl_ctx_st;

namespace tbgw::app::mqtt {

struct ClientSettings {
  std::string url_text;  // for the state line: "mqtt://host:port"
  MqttUrl url;
  std::string client_id;
  std::string username;
  std::string password;  // never logged
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  bool tls_insecure = false;
  int keepalive_s = 30;
  std::string will_topic;  // availability topic
};

struct ClientCounters {
  std::uint64_t messages_published = 0;
  std::uint64_t bytes_published = 0;
  std::uint64_t reconnects = 0;
  std::uint64_t dropped = 0;
};

// Why the TLS context for a broker could not be built (detail: the file concerned).
enum class TlsSetupErrc : std::uint8_t {
  no_context,          // SSL_CTX_new
  ca_certificates,     // the CA file, or the system store
  client_certificate,  // the client certificate chain or its key
  verify_host,         // the broker's name or address as the identity to verify
};
const char* to_string(TlsSetupErrc e);
using TlsSetupError = platform::Error<TlsSetupErrc>;

class MosquittoClient {
 public:
  struct Handlers {
    std::function<void()> on_connected;  // after "online": subscribe and publish everything
    std::function<void(const std::string& topic, const std::string& payload)> on_message;
  };
  static constexpr std::size_t kInboxCapacity = 32;

  MosquittoClient(boost::asio::io_context& io, ClientSettings settings, Handlers handlers);
  ~MosquittoClient();
  MosquittoClient(const MosquittoClient&) = delete;
  MosquittoClient& operator=(const MosquittoClient&) = delete;

  void start();
  void stop();  // "offline", clean disconnect; idempotent

  bool connected() const { return connected_; }
  // False (and counted as dropped) when not connected or the socket is backed up.
  bool publish(const std::string& topic, std::string_view payload, int qos, bool retain);
  bool subscribe(const std::string& pattern, int qos);

  const std::string& state() const { return state_; }
  const ClientCounters& counters() const { return counters_; }

 private:
  void resolve();
  void connect_to(const std::string& address);
  void end_attempt(const std::string& why);
  void schedule_retry();
  void arm_read();
  void arm_write();
  void arm_misc();
  void after_io(int rc, const char* what);
  void set_state(std::string s, bool error);
  void drain_inbox();
  Result<ssl_ctx_st*, TlsSetupError> make_tls_context();

  static void on_connect_cb(mosquitto*, void* self, int rc);
  static void on_disconnect_cb(mosquitto*, void* self, int rc);
  static void on_message_cb(mosquitto*, void* self, const mosquitto_message* m);
  static void on_log_cb(mosquitto*, void* self, int level, const char* text);

  boost::asio::io_context& io_;
  ClientSettings settings_;
  Handlers handlers_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::asio::posix::stream_descriptor socket_;
  boost::asio::steady_timer misc_timer_;
  boost::asio::steady_timer retry_timer_;
  std::shared_ptr<int> life_ = std::make_shared<int>(0);
  mosquitto* mosq_ = nullptr;
  ssl_ctx_st* ssl_ctx_ = nullptr;
  bool connected_ = false;
  bool stopped_ = false;
  bool started_ = false;
  bool write_armed_ = false;
  bool ever_connected_ = false;
  int attempt_ = 0;
  std::int64_t attempt_start_ms_ = 0;
  std::string state_ = "not started";
  std::string last_error_log_;  // libmosquitto's last error line (OpenSSL reasons)
  std::deque<std::pair<std::string, std::string>> inbox_;
  bool drain_posted_ = false;
  ClientCounters counters_;
  std::mt19937 rng_{std::random_device{}()};
};

}  // namespace tbgw::app::mqtt
