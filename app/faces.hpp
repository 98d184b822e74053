// The network faces of the running gateway (HTTP/WebSocket API, MQTT, D-Bus): each is built
// by start_faces() after the gateway has started, reads and acts only through GatewayServices
// (app/service/gateway_services.hpp), keeps its bus subscriptions and its face reporter as members
// (so they end with it), and is stopped and destroyed before the gateway (so nothing reads a part
// that is going away). A face that cannot start (a port in use, a bad certificate) is logged and
// left out: the CAN output, which decides how the battery is charged, keeps running without it.
#pragma once

#include <boost/asio/io_context.hpp>

#include <memory>
#include <vector>

#include "app/service/gateway_services.hpp"

namespace tbgw::app {

class Face {
 public:
  virtual ~Face() = default;
  // Closes connections and cancels timers; idempotent. The loop still runs when it is called.
  virtual void stop() = 0;
};

using Faces = std::vector<std::unique_ptr<Face>>;

// Builds the faces the configuration asks for. Never fails the gateway (see above).
Faces start_faces(boost::asio::io_context& io, GatewayServices& services);

inline void stop_faces(Faces& faces) {
  for (auto& f : faces) f->stop();
}

}  // namespace tbgw::app
