// Which network faces run (faces.hpp). One block per face, in start order.
#include "app/faces.hpp"

#include <spdlog/spdlog.h>

namespace tbgw::app {

Faces start_faces(boost::asio::io_context& io, GatewayServices& services, const Options& options) {
  Faces faces;
  (void)io;
  (void)services;
  (void)options;
  // --- face: http (issue 10)
  // --- end face: http
  // --- face: mqtt (issue 9)
  // --- end face: mqtt
  return faces;
}

}  // namespace tbgw::app
