// Which network faces run (faces.hpp). One block per face, in start order.
#include "app/faces.hpp"

#include <spdlog/spdlog.h>

#include "app/dbus/dbus_face.hpp"  // face: dbus
#include "app/http/http_face.hpp"  // face: http
#include "app/mqtt/mqtt_face.hpp"  // face: mqtt

namespace tbgw::app {

Faces start_faces(boost::asio::io_context& io, GatewayServices& services) {
  Faces faces;
  // --- face: http (issue 10)
  if (auto http_face = http::start_http_face(io, services)) {
    faces.push_back(std::move(http_face));
  }
  // --- end face: http
  // --- face: mqtt (issue 9)
  if (auto mqtt_face = mqtt::start_mqtt_face(io, services)) faces.push_back(std::move(mqtt_face));
  // --- end face: mqtt
  // --- face: dbus (issue 12)
  if (auto dbus_face = dbus::start_dbus_face(io, services)) faces.push_back(std::move(dbus_face));
  // --- end face: dbus
  return faces;
}

}  // namespace tbgw::app
