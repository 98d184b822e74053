#include "app/http/ws_hub.hpp"

#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <vector>

namespace tbgw::app::http {

unsigned ws_stream_bit(std::string_view name) {
  if (name == "status") return kWsStatus;
  if (name == "alerts") return kWsAlerts;
  if (name == "can") return kWsCan;
  if (name == "log") return kWsLog;
  return 0;
}

std::shared_ptr<const std::string> ws_message(std::string_view stream, std::string_view data_json) {
  std::string s;
  s.reserve(data_json.size() + stream.size() + 24);
  s += R"({"stream":")";
  s += stream;
  s += R"(","data":)";
  s += data_json.empty() ? std::string_view("null") : data_json;
  s += '}';
  return std::make_shared<const std::string>(std::move(s));
}

WsHub::WsHub(boost::asio::io_context& io, RouterHooks& router, HttpCounters& counters)
    : timer_(io), router_(router), counters_(counters) {
  if (const char* env = std::getenv("TBGW_HTTP_WS_INTERVAL_MS")) {
    const long ms = std::strtol(env, nullptr, 10);
    if (ms >= 10 && ms <= 1000) interval_ = std::chrono::milliseconds(ms);
  }
}

std::uint64_t WsHub::add(std::weak_ptr<WsClient> client) {
  const std::uint64_t id = ++next_id_;
  clients_.emplace(id, std::move(client));
  counters_.websocket_clients = clients_.size();
  return id;
}

void WsHub::remove(std::uint64_t id) {
  clients_.erase(id);
  counters_.websocket_clients = clients_.size();
  subscriptions_changed();
}

unsigned WsHub::wanted() const {
  unsigned bits = 0;
  for (const auto& [id, w] : clients_) {
    if (auto c = w.lock()) bits |= c->subscriptions();
  }
  return bits;
}

void WsHub::subscriptions_changed() {
  log_ring()->set_enabled(!stopped_ && (wanted() & kWsLog));
}

void WsHub::revalidate() {
  if (!still_valid || clients_.empty()) return;
  if (refresh_credentials) refresh_credentials();
  std::vector<std::shared_ptr<WsClient>> ended;
  for (const auto& [id, w] : clients_) {
    if (auto c = w.lock(); c && !still_valid(c->identity())) ended.push_back(std::move(c));
  }
  for (auto& c : ended) {
    ++counters_.websockets_revoked_total;
    c->end_revoked();
  }
}

void WsHub::start() {
  tick();
}

void WsHub::stop() {
  stopped_ = true;
  still_valid = nullptr;  // these refer to the face's authentication state
  refresh_credentials = nullptr;
  timer_.cancel();
  log_ring()->set_enabled(false);
}

void WsHub::fan_out(unsigned stream, const std::shared_ptr<const std::string>& message) {
  // Copy the targets first: a send may close a client, which removes it from clients_.
  std::vector<std::shared_ptr<WsClient>> targets;
  for (const auto& [id, w] : clients_) {
    if (auto c = w.lock(); c && (c->subscriptions() & stream)) targets.push_back(std::move(c));
  }
  for (auto& c : targets) c->send(message);
}

void WsHub::on_alert(const msg::AlertChanged& edge) {
  if (stopped_ || !(wanted() & kWsAlerts) || !router_.alert_json) return;
  revalidate();
  fan_out(kWsAlerts, ws_message("alerts", router_.alert_json(edge)));
}

void WsHub::tick() {
  if (stopped_) return;
  revalidate();
  const unsigned bits = wanted();
  if ((bits & kWsStatus) && router_.status_json) {
    fan_out(kWsStatus, ws_message("status", router_.status_json()));
  }
  if ((bits & kWsCan) && router_.can_frames_json) {
    fan_out(kWsCan, ws_message("can", router_.can_frames_json()));
  }
  if (bits & kWsLog) {
    for (const auto& line : log_ring()->drain()) {
      const nlohmann::json j = line;
      fan_out(kWsLog,
              ws_message("log", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
    }
  }
  timer_.expires_after(interval_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) tick();
  });
}

}  // namespace tbgw::app::http
