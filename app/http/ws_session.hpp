// WsSession: one WebSocket client after the upgrade (plain or TLS stream). Reads the client's
// subscribe messages (at most 4 KiB each), writes the hub's messages from a bounded queue:
// more than kMaxQueuedMessages or kMaxQueuedBytes waiting means the client cannot keep up, and
// it is closed with 1013 (try again later) instead of being buffered without bound. Beast's
// suggested server timeouts (ping when idle, 30 s handshake/close) close a dead peer.
//
// `allowed` is the set of streams the identity may read (anonymous: status and alerts, only
// with http.read_without_login); asking for another stream is answered with an error message.
#pragma once

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <deque>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "app/http/connection_registry.hpp"
#include "app/http/ws_hub.hpp"

namespace tbgw::app::http {

template <class Stream>
class WsSession final : public WsClient,
                        public Closable,
                        public std::enable_shared_from_this<WsSession<Stream>> {
 public:
  static constexpr std::size_t kMaxQueuedMessages = 64;
  static constexpr std::size_t kMaxQueuedBytes = 1U << 20;
  static constexpr std::size_t kMaxReadBytes = 4096;

  // The hub is held weakly: a session can outlive the face (its last handler is destroyed
  // with the io_context), and must then touch nothing of it.
  WsSession(Stream&& stream, std::weak_ptr<WsHub> hub, unsigned allowed, Identity who)
      : ws_(std::move(stream)), hub_(std::move(hub)), allowed_(allowed), who_(std::move(who)) {}

  ~WsSession() override {
    if (auto hub = hub_.lock(); hub && hub_id_ != 0) hub->remove(hub_id_);
  }

  void start(std::shared_ptr<ConnectionRegistry> registry,
             boost::beast::http::request<boost::beast::http::string_body> req,
             std::string remote_addr) {
    slot_ = registry->add(this->weak_from_this(), std::move(remote_addr), ConnectionKind::websocket,
                          who_.principal != api::Principal::anonymous);
    namespace websocket = boost::beast::websocket;
    boost::beast::get_lowest_layer(ws_).expires_never();
    ws_.set_option(websocket::stream_base::timeout::suggested(boost::beast::role_type::server));
    ws_.read_message_max(kMaxReadBytes);
    req_ = std::move(req);  // kept until the handshake completes
    ws_.async_accept(req_, [self = this->shared_from_this()](boost::beast::error_code ec) {
      auto hub = self->hub_.lock();
      if (ec || !hub) return;
      self->hub_id_ = hub->add(self->weak_from_this());
      self->read();
    });
  }

  unsigned subscriptions() const override { return subscribed_; }
  const Identity& identity() const override { return who_; }
  void end_revoked() override { close_with(boost::beast::websocket::close_code::policy_error); }

  void send(std::shared_ptr<const std::string> message) override {
    if (closing_) return;
    if (queue_.size() >= kMaxQueuedMessages || queued_bytes_ + message->size() > kMaxQueuedBytes) {
      if (auto hub = hub_.lock()) ++hub->counters().slow_clients_dropped_total;
      close_with(boost::beast::websocket::close_code::try_again_later);
      return;
    }
    queued_bytes_ += message->size();
    queue_.push_back(std::move(message));
    if (!writing_) write_next();
  }

  void close_now() override {
    closing_ = true;
    boost::beast::error_code ec;
    boost::beast::get_lowest_layer(ws_).socket().close(ec);
  }

 private:
  void read() {
    ws_.async_read(in_,
                   [self = this->shared_from_this()](boost::beast::error_code ec, std::size_t) {
                     if (ec) {
                       self->closing_ = true;
                       return;
                     }
                     self->on_message(boost::beast::buffers_to_string(self->in_.data()));
                     self->in_.consume(self->in_.size());
                     self->read();
                   });
  }

  void on_message(const std::string& text) {
    unsigned wanted = 0;
    std::string refused;
    try {
      const auto j = nlohmann::json::parse(text);
      for (const auto& s : j.at("subscribe")) {
        const auto name = s.get<std::string>();
        const unsigned bit = ws_stream_bit(name);
        if (bit == 0 || !(allowed_ & bit)) {
          refused += refused.empty() ? name : ", " + name;
        } else {
          wanted |= bit;
        }
      }
    } catch (const std::exception&) {
      send(ws_message("error", R"({"message":"send {\"subscribe\":[\"status\",...]}"})"));
      return;
    }
    subscribed_ = wanted;
    if (auto hub = hub_.lock()) hub->subscriptions_changed();
    if (!refused.empty()) {
      const nlohmann::json j = {{"message", "not allowed or unknown streams: " + refused}};
      send(ws_message("error", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
    }
  }

  void write_next() {
    if (queue_.empty() || closing_) {
      writing_ = false;
      return;
    }
    writing_ = true;
    ws_.text(true);
    auto msg = queue_.front();
    ws_.async_write(boost::asio::buffer(*msg), [self = this->shared_from_this(), msg](
                                                   boost::beast::error_code ec, std::size_t) {
      self->queued_bytes_ -= msg->size();
      self->queue_.pop_front();
      if (ec) {
        self->closing_ = true;
        self->writing_ = false;
        return;
      }
      self->write_next();
    });
  }

  // Ends the session: nothing more is queued or sent. 1013 for a client that cannot keep up,
  // 1008 for one whose credentials ended.
  void close_with(boost::beast::websocket::close_code code) {
    if (closing_) return;
    closing_ = true;
    subscribed_ = 0;
    // A write is in flight, so a close frame cannot be sent now without waiting on the
    // (possibly slow) reader; close the socket: the client sees the connection end.
    if (writing_) {
      close_now();
      return;
    }
    ws_.async_close(code, [self = this->shared_from_this()](boost::beast::error_code) {});
  }

  boost::beast::websocket::stream<Stream> ws_;
  std::weak_ptr<WsHub> hub_;
  unsigned allowed_;
  Identity who_;
  unsigned subscribed_ = 0;
  std::uint64_t hub_id_ = 0;
  std::unique_ptr<ConnectionSlot> slot_;
  boost::beast::http::request<boost::beast::http::string_body> req_;
  boost::beast::flat_buffer in_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool closing_ = false;
};

}  // namespace tbgw::app::http
