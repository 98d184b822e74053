// MosquittoClient (see mosquitto_client.hpp).
#include "app/mqtt/mosquitto_client.hpp"

#include <mosquitto.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "platform/linux/posix.hpp"

namespace tbgw::app::mqtt {

namespace asio = boost::asio;

namespace {

std::int64_t mono_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

struct LibInit {
  LibInit() { mosquitto_lib_init(); }
};

}  // namespace

MosquittoClient::MosquittoClient(asio::io_context& io, ClientSettings settings, Handlers handlers)
    : io_(io),
      settings_(std::move(settings)),
      handlers_(std::move(handlers)),
      resolver_(io),
      socket_(io),
      misc_timer_(io),
      retry_timer_(io) {
  static const LibInit init;
}

MosquittoClient::~MosquittoClient() {
  stop();
}

void MosquittoClient::start() {
  if (started_) return;
  started_ = true;
  arm_misc();
  resolve();
}

void MosquittoClient::set_state(std::string s, bool error) {
  if (s == state_) return;
  if (error) {
    spdlog::warn("mqtt: {}", s);
  } else {
    spdlog::info("mqtt: {}", s);
  }
  state_ = std::move(s);
}

void MosquittoClient::resolve() {
  if (stopped_) return;
  set_state("connecting to " + settings_.url_text, false);
  attempt_start_ms_ = mono_ms();
  std::weak_ptr<int> life = life_;
  resolver_.async_resolve(
      settings_.url.host, std::to_string(settings_.url.port),
      [this, life](const boost::system::error_code& ec, asio::ip::tcp::resolver::results_type r) {
        if (life.expired() || stopped_ || ec == asio::error::operation_aborted) return;
        if (ec || r.empty()) {
          set_state("DNS: " + settings_.url.host + ": " + (ec ? ec.message() : "no address"), true);
          schedule_retry();
          return;
        }
        connect_to(r.begin()->endpoint().address().to_string());
      });
}

const char* to_string(TlsSetupErrc e) {
  switch (e) {
    case TlsSetupErrc::no_context:
      return "cannot create a TLS context";
    case TlsSetupErrc::ca_certificates:
      return "cannot load CA certificates";
    case TlsSetupErrc::client_certificate:
      return "cannot load the client certificate/key";
    case TlsSetupErrc::verify_host:
      return "cannot set the host name to verify";
  }
  return "TLS setup failed";
}

Result<ssl_ctx_st*, TlsSetupError> MosquittoClient::make_tls_context() {
  using platform::make_error;
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (ctx == nullptr) return make_error(TlsSetupErrc::no_context);
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  const bool ca_ok = settings_.ca_file.empty() ? SSL_CTX_set_default_verify_paths(ctx) == 1
                                               : SSL_CTX_load_verify_locations(
                                                     ctx, settings_.ca_file.c_str(), nullptr) == 1;
  if (!ca_ok) {
    SSL_CTX_free(ctx);
    return make_error(
        TlsSetupErrc::ca_certificates, 0,
        settings_.ca_file.empty() ? std::string("(system store)") : settings_.ca_file);
  }
  if (!settings_.cert_file.empty() &&
      (SSL_CTX_use_certificate_chain_file(ctx, settings_.cert_file.c_str()) != 1 ||
       SSL_CTX_use_PrivateKey_file(ctx, settings_.key_file.c_str(), SSL_FILETYPE_PEM) != 1)) {
    SSL_CTX_free(ctx);
    return make_error(TlsSetupErrc::client_certificate, 0, settings_.cert_file);
  }
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  if (!settings_.tls_insecure) {
    X509_VERIFY_PARAM* param = SSL_CTX_get0_param(ctx);
    boost::system::error_code ec;
    // Only `ec` matters here (is the host an IP address?): the address itself is not needed.
    (void)asio::ip::make_address(settings_.url.host, ec);
    const int ok = ec ? X509_VERIFY_PARAM_set1_host(param, settings_.url.host.c_str(), 0)
                      : X509_VERIFY_PARAM_set1_ip_asc(param, settings_.url.host.c_str());
    if (ok != 1) {
      SSL_CTX_free(ctx);
      return make_error(TlsSetupErrc::verify_host);
    }
  }
  return ctx;
}

void MosquittoClient::connect_to(const std::string& address) {
  mosq_ = mosquitto_new(settings_.client_id.c_str(), true, this);
  if (mosq_ == nullptr) {
    set_state("cannot create the MQTT client", true);
    schedule_retry();
    return;
  }
  mosquitto_int_option(mosq_, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
  mosquitto_max_inflight_messages_set(mosq_, 100);
  mosquitto_will_set(mosq_, settings_.will_topic.c_str(), 7, "offline", 1, true);
  if (!settings_.username.empty()) {
    mosquitto_username_pw_set(mosq_, settings_.username.c_str(),
                              settings_.password.empty() ? nullptr : settings_.password.c_str());
  }
  mosquitto_connect_callback_set(mosq_, &on_connect_cb);
  mosquitto_disconnect_callback_set(mosq_, &on_disconnect_cb);
  mosquitto_message_callback_set(mosq_, &on_message_cb);
  mosquitto_log_callback_set(mosq_, &on_log_cb);
  if (settings_.url.tls) {
    const auto ctx = make_tls_context();
    if (!ctx) {
      end_attempt("TLS: " + platform::to_string(ctx.error()));
      return;
    }
    ssl_ctx_ = *ctx;
    mosquitto_void_option(mosq_, MOSQ_OPT_SSL_CTX, ssl_ctx_);
    mosquitto_int_option(mosq_, MOSQ_OPT_SSL_CTX_WITH_DEFAULTS, 0);
    // Switches libmosquitto to TLS; the trust decisions are the context's (see the header).
    const int rc = settings_.ca_file.empty()
                       ? mosquitto_int_option(mosq_, MOSQ_OPT_TLS_USE_OS_CERTS, 1)
                       : mosquitto_tls_set(mosq_, settings_.ca_file.c_str(), nullptr, nullptr,
                                           nullptr, nullptr);
    mosquitto_tls_insecure_set(mosq_, true);
    if (rc != MOSQ_ERR_SUCCESS) {
      end_attempt(std::string("TLS: ") + mosquitto_strerror(rc));
      return;
    }
  }
  last_error_log_.clear();
  const int rc =
      mosquitto_connect_async(mosq_, address.c_str(), settings_.url.port, settings_.keepalive_s);
  if (rc != MOSQ_ERR_SUCCESS) {
    after_io(rc, "connect");
    return;
  }
  const int fd = platform::duplicate_fd(mosquitto_socket(mosq_));
  if (fd < 0) {
    end_attempt(std::string("dup: ") + std::strerror(errno));
    return;
  }
  socket_.assign(fd);
  write_armed_ = false;
  arm_read();
  arm_write();
}

void MosquittoClient::end_attempt(const std::string& why) {
  const bool was_connected = connected_;
  connected_ = false;
  boost::system::error_code ignored;
  if (socket_.is_open()) socket_.close(ignored);
  write_armed_ = false;
  if (mosq_ != nullptr) {
    mosquitto_destroy(mosq_);
    mosq_ = nullptr;
  }
  if (ssl_ctx_ != nullptr) {
    SSL_CTX_free(ssl_ctx_);
    ssl_ctx_ = nullptr;
  }
  if (stopped_) return;
  set_state(was_connected ? "lost: " + why : why, true);
  schedule_retry();
}

void MosquittoClient::schedule_retry() {
  if (stopped_) return;
  const int shift = std::min(attempt_, 6);
  const double max_s = std::min(60.0, static_cast<double>(1 << shift));
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  const auto delay = std::chrono::milliseconds(static_cast<long>(max_s * jitter(rng_) * 1000.0));
  ++attempt_;
  std::weak_ptr<int> life = life_;
  retry_timer_.expires_after(delay);
  retry_timer_.async_wait([this, life](const boost::system::error_code& ec) {
    if (life.expired() || ec || stopped_) return;
    ++counters_.reconnects;
    resolve();
  });
}

void MosquittoClient::after_io(int rc, const char* what) {
  if (rc == MOSQ_ERR_SUCCESS || mosq_ == nullptr) return;
  std::string why;
  if (rc == MOSQ_ERR_TLS) {
    why = "TLS: " + (last_error_log_.empty() ? std::string("handshake failed") : last_error_log_);
  } else if (rc == MOSQ_ERR_ERRNO) {
    why = std::string(what) + ": " + std::strerror(errno);
  } else if (rc == MOSQ_ERR_CONN_REFUSED && !state_.starts_with("refused")) {
    why = "refused by the broker";
  } else if (state_.starts_with("refused")) {
    why = state_;
  } else {
    why = std::string(what) + ": " + mosquitto_strerror(rc);
  }
  end_attempt(why);
}

void MosquittoClient::arm_read() {
  std::weak_ptr<int> life = life_;
  socket_.async_wait(asio::posix::stream_descriptor::wait_read,
                     [this, life](const boost::system::error_code& ec) {
                       if (life.expired() || ec || mosq_ == nullptr) return;
                       const int rc = mosquitto_loop_read(mosq_, 16);
                       if (rc != MOSQ_ERR_SUCCESS) {
                         after_io(rc, "read");
                         return;
                       }
                       arm_read();
                       arm_write();
                     });
}

void MosquittoClient::arm_write() {
  if (write_armed_ || mosq_ == nullptr || !mosquitto_want_write(mosq_)) return;
  write_armed_ = true;
  std::weak_ptr<int> life = life_;
  socket_.async_wait(asio::posix::stream_descriptor::wait_write,
                     [this, life](const boost::system::error_code& ec) {
                       if (life.expired()) return;
                       write_armed_ = false;
                       if (ec || mosq_ == nullptr) return;
                       const int rc = mosquitto_loop_write(mosq_, 16);
                       if (rc != MOSQ_ERR_SUCCESS) {
                         after_io(rc, "write");
                         return;
                       }
                       arm_write();
                     });
}

void MosquittoClient::arm_misc() {
  std::weak_ptr<int> life = life_;
  misc_timer_.expires_after(std::chrono::seconds(1));
  misc_timer_.async_wait([this, life](const boost::system::error_code& ec) {
    if (life.expired() || ec || stopped_) return;
    if (mosq_ != nullptr) {
      const std::int64_t limit_ms = std::max<std::int64_t>(10'000, settings_.keepalive_s * 1000LL);
      if (!connected_ && mono_ms() - attempt_start_ms_ > limit_ms) {
        end_attempt("no answer from the broker within " + std::to_string(limit_ms / 1000) + " s");
      } else {
        after_io(mosquitto_loop_misc(mosq_), "keepalive");
        arm_write();
      }
    }
    arm_misc();
  });
}

bool MosquittoClient::publish(const std::string& topic, std::string_view payload, int qos,
                              bool retain) {
  if (mosq_ == nullptr || !connected_) {
    ++counters_.dropped;
    return false;
  }
  if (mosquitto_want_write(mosq_)) {
    // Something is still queued (a packet queued from a callback, or the kernel buffer was
    // full): try to flush it now; if it does not go, the broker is not reading.
    if (const int rc = mosquitto_loop_write(mosq_, 16); rc != MOSQ_ERR_SUCCESS) {
      ++counters_.dropped;
      after_io(rc, "write");
      return false;
    }
    if (mosquitto_want_write(mosq_)) {
      ++counters_.dropped;
      arm_write();
      return false;
    }
  }
  const int rc = mosquitto_publish(mosq_, nullptr, topic.c_str(), static_cast<int>(payload.size()),
                                   payload.data(), qos, retain);
  if (rc != MOSQ_ERR_SUCCESS) {
    ++counters_.dropped;
    after_io(rc == MOSQ_ERR_NO_CONN ? MOSQ_ERR_CONN_LOST : rc, "publish");
    return false;
  }
  ++counters_.messages_published;
  counters_.bytes_published += topic.size() + payload.size();
  arm_write();
  return true;
}

bool MosquittoClient::subscribe(const std::string& pattern, int qos) {
  if (mosq_ == nullptr || !connected_) return false;
  const bool ok = mosquitto_subscribe(mosq_, nullptr, pattern.c_str(), qos) == MOSQ_ERR_SUCCESS;
  arm_write();
  return ok;
}

void MosquittoClient::stop() {
  if (stopped_) return;
  stopped_ = true;
  if (mosq_ != nullptr && connected_) {
    // Written at once (no callback is running): the broker has them before the socket closes.
    mosquitto_publish(mosq_, nullptr, settings_.will_topic.c_str(), 7, "offline", 1, true);
    mosquitto_disconnect(mosq_);
    mosquitto_loop_write(mosq_, 4);
  }
  boost::system::error_code ignored;
  resolver_.cancel();
  misc_timer_.cancel();
  retry_timer_.cancel();
  end_attempt("stopped");
  state_ = "stopped";
  life_.reset();
}

void MosquittoClient::drain_inbox() {
  drain_posted_ = false;
  while (!inbox_.empty() && !stopped_) {
    auto [topic, payload] = std::move(inbox_.front());
    inbox_.pop_front();
    if (handlers_.on_message) handlers_.on_message(topic, payload);
  }
}

void MosquittoClient::on_connect_cb(mosquitto* m, void* self_ptr, int rc) {
  auto* self = static_cast<MosquittoClient*>(self_ptr);
  if (rc != 0) {
    self->set_state(std::string("refused: ") + mosquitto_connack_string(rc), true);
    return;  // the broker closes the socket; the read error ends the attempt
  }
  self->connected_ = true;
  self->ever_connected_ = true;
  self->attempt_ = 0;
  self->set_state("connected to " + self->settings_.url_text, false);
  mosquitto_publish(m, nullptr, self->settings_.will_topic.c_str(), 6, "online", 1, true);
  std::weak_ptr<int> life = self->life_;
  asio::post(self->io_, [self, life] {
    if (life.expired() || !self->connected_) return;
    if (self->handlers_.on_connected) self->handlers_.on_connected();
    self->arm_write();
  });
}

void MosquittoClient::on_disconnect_cb(mosquitto*, void* self_ptr, int rc) {
  // The loop call that triggered this returns an error and ends the attempt (after_io), which
  // reports it; only the reason is noted here.
  spdlog::debug("mqtt: disconnected: {}", mosquitto_strerror(rc));
  (void)self_ptr;
}

void MosquittoClient::on_message_cb(mosquitto*, void* self_ptr, const mosquitto_message* m) {
  auto* self = static_cast<MosquittoClient*>(self_ptr);
  if (self->inbox_.size() >= kInboxCapacity) {
    ++self->counters_.dropped;
    return;
  }
  self->inbox_.emplace_back(std::string(m->topic),
                            std::string(static_cast<const char*>(m->payload),
                                        static_cast<std::size_t>(std::max(0, m->payloadlen))));
  if (!self->drain_posted_) {
    self->drain_posted_ = true;
    std::weak_ptr<int> life = self->life_;
    asio::post(self->io_, [self, life] {
      if (!life.expired()) self->drain_inbox();
    });
  }
}

void MosquittoClient::on_log_cb(mosquitto*, void* self_ptr, int level, const char* text) {
  auto* self = static_cast<MosquittoClient*>(self_ptr);
  if ((level & MOSQ_LOG_ERR) != 0 && text != nullptr) {
    self->last_error_log_ = text;
    spdlog::debug("mqtt: libmosquitto: {}", text);
  }
}

}  // namespace tbgw::app::mqtt
