// MqttFace (see mqtt_face.hpp).
#include "app/mqtt/mqtt_face.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <cctype>
#include <optional>
#include <random>
#include <set>

#include "app/mqtt/command.hpp"
#include "app/mqtt/discovery.hpp"
#include "app/mqtt/mosquitto_client.hpp"
#include "app/mqtt/state_payload.hpp"
#include "app/mqtt/venus_payload.hpp"
#include "platform/linux/clock.hpp"
#include "platform/linux/posix.hpp"

namespace tbgw::app::mqtt {

namespace {

namespace asio = boost::asio;

// The live keys, re-read on config_changed.
struct LiveSettings {
  bool discovery_enabled = true;
  std::string discovery_prefix;
  std::string configuration_url;
  FilterSettings filter;
  bool commands_enabled = false;
  std::string venus_topic;
  Millis stale_ms = 10'000;

  bool operator==(const LiveSettings&) const = default;
};

std::string derive_configuration_url(const config::GatewayConfig& c) {
  if (!c.mqtt_configuration_url.view().empty()) return std::string(c.mqtt_configuration_url.view());
  const std::string listen(c.http_listen.view());
  const auto colon = listen.rfind(':');
  if (listen.empty() || colon == std::string::npos) return {};
  std::string host = listen.substr(0, colon);
  if (host.starts_with('[')) host = host.substr(1, host.size() - 2);
  if (host.empty() || host == "0.0.0.0" || host == "::") {
    host = platform::host_name();
    if (host.empty()) return {};
  } else if (host.find(':') != std::string::npos) {
    host = "[" + host + "]";
  }
  return "http://" + host + ":" + listen.substr(colon + 1) + "/";
}

LiveSettings read_live(const config::GatewayConfig& c) {
  LiveSettings s;
  s.discovery_enabled = c.mqtt_discovery_enabled;
  s.discovery_prefix = std::string(c.mqtt_discovery_prefix.view());
  s.configuration_url = derive_configuration_url(c);
  s.filter.min_interval_ms = c.mqtt_min_interval_ms;
  s.filter.full_refresh_ms = static_cast<Millis>(c.mqtt_full_refresh_s) * 1000;
  s.filter.voltage_v = c.mqtt_deadband_voltage_v;
  s.filter.cell_mv = c.mqtt_deadband_cell_mv;
  s.filter.current_a = c.mqtt_deadband_current_a;
  s.filter.temp_c = c.mqtt_deadband_temp_c;
  s.filter.soc_pct = c.mqtt_deadband_soc_pct;
  s.commands_enabled = c.mqtt_commands_enabled;
  s.venus_topic = std::string(c.mqtt_venus_topic.view());
  s.stale_ms = c.stale_timeout_ms;
  return s;
}

class MqttFace final : public Face {
 public:
  MqttFace(asio::io_context& io, GatewayServices& services, MqttUrl url)
      : io_(io), services_(services), url_(std::move(url)), venus_timer_(io) {
    const auto& c = services_.config();
    live_ = read_live(c);
    filter_.set_settings(live_.filter);
    configured_id_ = std::string(c.mqtt_device_id.view());
    base_topic_ = std::string(c.mqtt_base_topic.view());
  }

  void start() {
    const Channels& ch = services_.channels();
    bool wired = true;
    const auto keep = [&](Result<bus::Subscription, bus::BusError> r) {
      if (r.ok()) {
        subscriptions_.push_back(std::move(r).value());
      } else {
        wired = false;
      }
    };
    keep(ch.snapshot.subscribe([this](const msg::BatterySnapshot&) { on_snapshot(); }));
    keep(ch.link.subscribe([this](const msg::LinkState&) { publish_state(true); }));
    keep(ch.version.subscribe([this](const tinybms::VersionInfo&) { on_version(); }));
    keep(ch.alert_changed.subscribe([this](const msg::AlertChanged&) { publish_state(true); }));
    keep(ch.config_changed.subscribe([this](const msg::ConfigChanged&) { on_config_changed(); }));
    if (!wired) spdlog::error("mqtt: a bus channel is full; some updates will not be published");
    reporter_ = services_.face_reporters().add("mqtt", [this] { return report(); });
    if (!configured_id_.empty()) {
      device_id_ = configured_id_;
      start_client();
    } else {
      on_version();  // the version may already be known
    }
    arm_venus();
  }

  void stop() override {
    if (stopped_) return;
    stopped_ = true;
    venus_timer_.cancel();
    if (client_) client_->stop();
  }

 private:
  FaceReport report() const {
    FaceReport r;
    r.state = client_ ? client_->state() : "waiting for the BMS serial number (device id)";
    const ClientCounters c = client_ ? client_->counters() : ClientCounters{};
    r.counters = {
        {"messages_published_total", "MQTT messages handed to the broker connection",
         static_cast<double>(c.messages_published)},
        {"bytes_published_total", "topic + payload bytes published",
         static_cast<double>(c.bytes_published)},
        {"reconnects_total", "connection attempts after the first",
         static_cast<double>(c.reconnects)},
        {"commands_total", "commands received", static_cast<double>(commands_)},
        {"commands_refused_total", "commands refused (answered with an error, or ignored)",
         static_cast<double>(commands_refused_)},
        {"dropped_total", "messages not sent (disconnected, broker not reading, inbox full)",
         static_cast<double>(c.dropped)},
    };
    return r;
  }

  void on_version() {
    if (client_ || stopped_ || !configured_id_.empty()) return;
    const auto* v = services_.channels().version.latest();
    if (v == nullptr) return;
    std::string id = "tinybms_";
    for (const char ch : v->serial()) {
      if (ch == '\0') break;
      id += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    device_id_ = id;
    start_client();
  }

  std::string topic(const std::string& suffix) const {
    return base_topic_ + "/" + device_id_ + "/" + suffix;
  }

  void start_client() {
    const auto& c = services_.config();
    ClientSettings s;
    s.url_text = (url_.tls ? "mqtts://" : "mqtt://") + url_.host + ":" + std::to_string(url_.port);
    s.url = url_;
    std::random_device rd;
    s.client_id = "tinybms-gw-" + device_id_.substr(0, 40) + "-" + std::to_string(rd() % 100000);
    s.username = std::string(c.mqtt_username.view());
    s.password = std::string(c.mqtt_password.view());
    s.ca_file = std::string(c.mqtt_ca_file.view());
    s.cert_file = std::string(c.mqtt_cert_file.view());
    s.key_file = std::string(c.mqtt_key_file.view());
    s.tls_insecure = c.mqtt_tls_insecure;
    s.keepalive_s = c.mqtt_keepalive_s;
    s.will_topic = topic("availability");
    spdlog::info("mqtt: device id {}, topics under {}/{}/", device_id_, base_topic_, device_id_);
    client_ = std::make_unique<MosquittoClient>(
        io_, std::move(s),
        MosquittoClient::Handlers{
            [this] { on_connected(); },
            [this](const std::string& t, const std::string& p) { on_message(t, p); }});
    client_->start();
  }

  GatewayView view() const {
    const Channels& ch = services_.channels();
    GatewayView v;
    if (const auto* s = ch.snapshot.latest()) v.snapshot = *s;
    if (const auto* d = ch.decision.latest()) v.decision = *d;
    if (const auto* e = ch.energy.latest()) v.energy = *e;
    if (const auto* a = ch.alarms.latest()) v.alarms = *a;
    if (const auto* l = ch.link.latest()) v.link = *l;
    if (const auto* st = ch.settings.latest()) v.capacity_ah = st->capacity_ah;
    const auto alerts = services_.alerts().alerts;
    for (std::size_t i = 0; i < v.alerts.size(); ++i) {
      v.alerts[i].active = alerts[i].active;
      v.alerts[i].severity = alerts[i].severity;
      v.alerts[i].message = std::string(msg::message_text(alerts[i].message));
    }
    return v;
  }

  std::optional<DeviceDescription> description() const {
    const auto* snap = services_.channels().snapshot.latest();
    if (snap == nullptr || device_id_.empty()) return std::nullopt;
    DeviceDescription d;
    d.device_id = device_id_;
    d.base_topic = base_topic_;
    d.discovery_prefix = live_.discovery_prefix;
    d.configuration_url = live_.configuration_url;
    d.cell_count = snap->cell_count;
    d.temp_present = snap->temp_present;
    d.commands_enabled = live_.commands_enabled;
    d.model = "TinyBMS";
    if (const auto* v = services_.channels().version.latest()) {
      d.serial = std::string(v->serial().substr(0, v->serial().find('\0')));
      d.model = "TinyBMS hw " + std::to_string(v->hw_version) + "." + std::to_string(v->hw_changes);
      d.sw_version =
          std::to_string(v->fw_public) + " (internal " + std::to_string(v->fw_internal) + ")";
    }
    if (d.serial.empty()) d.serial = device_id_;
    return d;
  }

  // Publishes the discovery set when it differs from what the broker has (or `force`), and
  // empties the configs that are no longer in it.
  void sync_discovery(bool force) {
    if (!client_ || !client_->connected()) return;
    std::vector<DiscoveryMessage> now;
    if (live_.discovery_enabled) {
      const auto d = description();
      if (!d) return;
      now = build_discovery(*d);
    }
    if (!force && now.size() == published_discovery_.size() &&
        std::equal(now.begin(), now.end(), published_discovery_.begin(),
                   [](const DiscoveryMessage& a, const DiscoveryMessage& b) {
                     return a.topic == b.topic && a.payload == b.payload;
                   })) {
      return;
    }
    // retained_topics_: every config the broker may still hold (a failed removal stays in it,
    // so it is tried again next time).
    const std::vector<std::string> before(retained_topics_.begin(), retained_topics_.end());
    bool all_sent = true;
    for (const auto& t : removed_topics(before, now)) {
      if (client_->publish(t, "", 1, true)) {
        retained_topics_.erase(t);
      } else {
        all_sent = false;
      }
    }
    for (const auto& m : now) {
      all_sent &= client_->publish(m.topic, m.payload, 1, true);
      retained_topics_.insert(m.topic);
    }
    if (all_sent) {
      published_discovery_ = std::move(now);
    } else {
      published_discovery_.clear();  // try again in full at the next snapshot
    }
  }

  void on_connected() {
    client_->subscribe(live_.discovery_prefix + "/status", 1);
    client_->subscribe(topic("cmd/+"), 1);
    subscribed_prefix_ = live_.discovery_prefix;
    published_discovery_.clear();
    sync_discovery(true);
    publish_state(true);
  }

  void on_snapshot() {
    if (!client_ || !client_->connected()) return;
    sync_discovery(false);
    publish_state(false);
  }

  void publish_state(bool force) {
    if (force) filter_.force();
    if (!client_ || !client_->connected()) return;
    const auto v = view();
    const auto samples = state_samples(v);
    const Millis now = platform::now_ms();
    if (samples.empty() || !filter_.due(samples, now)) return;
    const auto payload = state_json(v);
    if (client_->publish(topic("state"), payload, 0, true)) filter_.published(samples, now);
  }

  void on_message(const std::string& t, const std::string& payload) {
    if (t == subscribed_prefix_ + "/status") {
      if (payload == "online") {
        spdlog::info("mqtt: Home Assistant is online: publishing discovery again");
        sync_discovery(true);
        publish_state(true);
      }
      return;
    }
    const std::string prefix = topic("cmd/");
    if (t.starts_with(prefix)) on_command(t.substr(prefix.size()), payload);
  }

  void answer(const std::string& name, bool ok, const std::string& error) {
    if (!ok) ++commands_refused_;
    spdlog::info("mqtt: command {}: {}", name, ok ? "done" : "refused: " + error);
    client_->publish(topic("cmd/" + name + "/result"), command_result_json(ok, error), 1, false);
  }

  // A command nobody may act on (commands off, or over the rate limit) gets no reply and no log
  // line of its own: a flood of them must not become a flood of replies and log lines. They
  // are counted, and summed up in one log line a minute at most.
  void ignore_command(const char* why) {
    ++commands_refused_;
    ++ignored_since_log_;
    const Millis now = platform::now_ms();
    if (ignored_logged_ && now - ignored_log_ms_ < 60'000) return;
    spdlog::warn("mqtt: {} command(s) ignored: {}", ignored_since_log_, why);
    ignored_logged_ = true;
    ignored_log_ms_ = now;
    ignored_since_log_ = 0;
  }

  void on_command(const std::string& name, const std::string& payload) {
    ++commands_;
    if (!live_.commands_enabled) {
      return ignore_command("commands are disabled (mqtt.commands_enabled)");
    }
    if (!limiter_.allow(platform::now_ms())) return ignore_command("rate limited");
    const auto parsed = parse_command(name, payload);
    if (!parsed.command) return answer(name, false, parsed.error);
    const auto& c = *parsed.command;
    switch (c.kind) {
      case CommandKind::ack_alert:
        if (!services_.acknowledge_alert(c.alert)) {
          return answer(name, false, "alert not active or already acknowledged");
        }
        break;
      case CommandKind::ack_all_alerts:
        services_.acknowledge_all_alerts();
        break;
      case CommandKind::reset_energy:
        if (!services_.reset_energy_counters().ok()) {
          return answer(name, false, "the reset could not be saved: nothing was reset");
        }
        break;
      case CommandKind::reread_settings:
        services_.reread_bms_settings();
        break;
    }
    answer(name, true, {});
  }

  void on_config_changed() {
    const LiveSettings next = read_live(services_.config());
    if (next == live_) return;
    const bool prefix_changed = next.discovery_prefix != live_.discovery_prefix;
    if (prefix_changed && client_ && client_->connected()) {
      // The old prefix's entities go away before the new ones appear.
      for (const auto& t : retained_topics_) client_->publish(t, "", 1, true);
      retained_topics_.clear();
      published_discovery_.clear();
      client_->subscribe(next.discovery_prefix + "/status", 1);
      subscribed_prefix_ = next.discovery_prefix;
    }
    live_ = next;
    filter_.set_settings(live_.filter);
    spdlog::info("mqtt: settings changed");
    sync_discovery(false);
    publish_state(true);
  }

  void arm_venus() {
    venus_timer_.expires_after(std::chrono::seconds(1));
    venus_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopped_) return;
      if (!live_.venus_topic.empty() && client_ && client_->connected()) {
        const GatewayView v = view();
        const auto payload = venus_json(v, platform::now_ms(), live_.stale_ms);
        if (!payload.empty()) {
          client_->publish(live_.venus_topic, payload, 0, false);
          venus_last_ = *v.decision;
        } else if (venus_last_.valid) {
          // Going silent: one last document with the limits at 0 and CVL held at the pack.
          const auto last = venus_stale_json(v, venus_last_);
          if (!last.empty()) client_->publish(live_.venus_topic, last, 0, false);
          venus_last_ = {};
        }
      }
      arm_venus();
    });
  }

  asio::io_context& io_;
  GatewayServices& services_;
  MqttUrl url_;
  asio::steady_timer venus_timer_;
  LiveSettings live_;
  StateFilter filter_;
  RateLimiter limiter_;
  std::string configured_id_;
  std::string base_topic_;
  std::string device_id_;
  std::string subscribed_prefix_;
  std::unique_ptr<MosquittoClient> client_;
  std::vector<DiscoveryMessage> published_discovery_;
  std::set<std::string> retained_topics_;
  std::uint64_t commands_ = 0;
  std::uint64_t commands_refused_ = 0;
  std::uint64_t ignored_since_log_ = 0;  // ignored commands not yet in a summary line
  Millis ignored_log_ms_ = 0;
  bool ignored_logged_ = false;
  msg::ChargeDecision venus_last_{};  // the limits of the last Venus document (invalid: none)
  bool stopped_ = false;
  // Declared last: they end first, so no callback reaches a member being destroyed.
  std::vector<bus::Subscription> subscriptions_;
  FaceReporters::Registration reporter_;
};

}  // namespace

std::unique_ptr<Face> start_mqtt_face(asio::io_context& io, GatewayServices& services) {
  const std::string url_text(services.config().mqtt_url.view());
  if (url_text.empty()) return nullptr;
  auto url = parse_mqtt_url(url_text);
  if (!url) {
    spdlog::error("mqtt: invalid mqtt.url '{}': MQTT stays off", url_text);
    return nullptr;
  }
  auto face = std::make_unique<MqttFace>(io, services, std::move(*url));
  face->start();
  return face;
}

}  // namespace tbgw::app::mqtt
