// MqttUrl: the broker address of mqtt.url / --mqtt, split into scheme, host and port.
//
// Accepted: mqtt://HOST[:PORT] (plain TCP, default port 1883) and mqtts://HOST[:PORT] (TLS,
// default 8883); HOST is a name, an IPv4 address or a bracketed IPv6 address ([::1]). Nothing
// else (no path, no user info: credentials live in mqtt.username/password so they never appear
// in a URL that gets logged). The config schema's TextRule checks the same shape; this parser
// is what the client uses, so it refuses rather than guesses.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tbgw::app::mqtt {

struct MqttUrl {
  bool tls = false;
  std::string host;  // without brackets for IPv6
  std::uint16_t port = 1883;
};

std::optional<MqttUrl> parse_mqtt_url(std::string_view url);

}  // namespace tbgw::app::mqtt
