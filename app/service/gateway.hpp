// Gateway: the running service. Wires the TinyBMS link, the charge pipeline, the CAN output,
// the energy counters and the logs together through the typed bus, on one io_context thread.
//
// The channel table is app/service/channels.hpp; who subscribes to what is in gateway.cpp, in one
// place (style rule 10): every network face is a subscriber; none calls another.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <filesystem>
#include <memory>
#include <string>

#include "app/options.hpp"
#include "core/config/gateway_config.hpp"
#include "platform/linux/can_backend_factory.hpp"

namespace tbgw::app {

class GatewayServices;
class GatewayServicesImpl;

class Gateway {
 public:
  Gateway(boost::asio::io_context& io, const Options& options, const config::GatewayConfig& cfg,
          std::filesystem::path state_dir, std::string serial_path);
  ~Gateway();
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  // Opens the CAN backend and starts polling. Fails only when the CAN spec is unusable (the
  // caller names the configured value in its message).
  Result<void, platform::CanSpecError> start();
  // Stops transmitting, saves the energy counters, stops the link.
  void stop();
  // Applies a new configuration: live keys at once, the rest logged as needing a restart.
  void reload(const config::GatewayConfig& next);

  // What the network faces (app/faces.hpp) read and ask of this gateway. Valid after start().
  GatewayServices& services();

  // Called when --exit-after-snapshots is reached.
  void set_done_handler(std::function<void()> on_done);

 private:
  friend class GatewayServicesImpl;  // the network faces' window onto the running gateway
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tbgw::app
