// MqttFace: the gateway on an MQTT broker (docs/mqtt.md): Home Assistant discovery, the state
// topic, commands, and the Venus OS JSON for dbus-mqtt-battery.
//
// Theory of operation.
// - Identity first: topics are BASE/DEVICE_ID/...; DEVICE_ID is mqtt.device_id or
//   "tinybms_" + the BMS serial (lowercase). With no configured id the face waits for the
//   bms_version channel before it connects at all, so nothing (not even the last will) is ever
//   published under a wrong id.
// - State: each snapshot (and each link or alert change) builds a GatewayView from the bus;
//   StateFilter decides whether the state topic is due (min interval, deadbands, full refresh).
//   While the broker is away nothing is queued: the bus keeps the latest value of everything,
//   and the connect handler re-publishes discovery and the current state once.
// - Discovery: published once a snapshot gives the cell count; re-published on HA's birth
//   message (DISCOVERY_PREFIX/status = online) and whenever the description changes; entities
//   that disappear get an empty retained config (HA removes them).
// - Commands: BASE/DEVICE_ID/cmd/<name>, rate-limited, parsed strictly (command.hpp), run
//   through GatewayServices actions only, logged, answered on .../cmd/<name>/result.
// - Venus OS: with mqtt.venus_topic set, a 1 s timer publishes venus_json() while it is not
//   empty (fresh data and a valid decision), so the driver times out when data goes stale.
// - Live keys (mqtt.discovery_*, deadbands, intervals, commands_enabled, venus_topic,
//   configuration_url) are re-read on every config_changed; the others need a restart.
//
// Bounds: the client's (mosquitto_client.hpp); discovery is about 60 messages per publication.
#pragma once

#include <boost/asio/io_context.hpp>

#include <memory>

#include "app/faces.hpp"
#include "app/service/gateway_services.hpp"

namespace tbgw::app::mqtt {

// Null when mqtt.url is empty (MQTT off) or not a valid URL (logged).
std::unique_ptr<Face> start_mqtt_face(boost::asio::io_context& io, GatewayServices& services);

}  // namespace tbgw::app::mqtt
