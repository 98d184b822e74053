// Parser of mqtt.url (see mqtt_url.hpp).
#include "app/mqtt/mqtt_url.hpp"

#include <charconv>

namespace tbgw::app::mqtt {

std::optional<MqttUrl> parse_mqtt_url(std::string_view url) {
  MqttUrl out;
  constexpr std::string_view kPlain = "mqtt://";
  constexpr std::string_view kTls = "mqtts://";
  if (url.starts_with(kPlain)) {
    url.remove_prefix(kPlain.size());
  } else if (url.starts_with(kTls)) {
    url.remove_prefix(kTls.size());
    out.tls = true;
    out.port = 8883;
  } else {
    return std::nullopt;
  }
  if (!url.empty() && url.back() == '/') url.remove_suffix(1);
  std::string_view host = url;
  std::string_view port;
  if (url.starts_with('[')) {
    const auto close = url.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = url.substr(1, close - 1);
    const auto rest = url.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
    }
  } else if (const auto colon = url.rfind(':'); colon != std::string_view::npos) {
    host = url.substr(0, colon);
    port = url.substr(colon + 1);
  }
  if (host.empty() || host.find_first_of("/@?# ") != std::string_view::npos) return std::nullopt;
  if (url.find_first_of("/@?# ") != std::string_view::npos) return std::nullopt;
  if (!port.empty() || url.ends_with(':')) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) {
      return std::nullopt;
    }
    out.port = static_cast<std::uint16_t>(value);
  }
  out.host = std::string(host);
  return out;
}

}  // namespace tbgw::app::mqtt
