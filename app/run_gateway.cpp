// run_gateway: the long-running mode. One io_context thread runs everything: the serial link,
// the poller's timer, the CAN output, the in-process simulator (with --simulate), signals.
//   SIGINT/SIGTERM  stop transmitting, save the energy counters, exit 0
//   SIGHUP          reload the configuration file; live keys apply at once
#include <spdlog/spdlog.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <cstdio>
#include <filesystem>

#include "app/faces.hpp"
#include "app/run.hpp"
#include "app/service/config_loader.hpp"
#include "app/service/gateway.hpp"
#include "app/service/gateway_config_map.hpp"
#include "app/service/sim_setup.hpp"
#include "app/version.hpp"
#include "core/config/config_schema.hpp"
#include "core/config/config_validate.hpp"
#include "platform/linux/config_store.hpp"
#include "platform/linux/config_text.hpp"

namespace tbgw::app {

namespace {

bool prepare_state_dir(const std::filesystem::path& dir, std::string& error) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    error = "cannot create state directory " + dir.string() + ": " + ec.message();
    return false;
  }
  return true;
}

}  // namespace

int run_gateway(const Options& options) {
  const std::filesystem::path state_dir = platform::default_state_dir(options.state_dir);
  std::string error;
  if (!prepare_state_dir(state_dir, error)) {
    spdlog::error("{}", error);
    return 1;
  }
  auto load = load_config(options, state_dir);
  if (!load) {
    for (const auto& e : load.error().problems.lines()) {
      std::fprintf(stderr, "tinybms-gw: %s\n", e.c_str());
    }
    return 2;
  }
  const LoadedConfig loaded = std::move(*load);
  for (const auto& w : loaded.warnings) spdlog::warn("config: {}", w);
  config::GatewayConfig cfg = loaded.config;
  apply_log_level(cfg);

  boost::asio::io_context io;
  std::unique_ptr<sim::SimulatorHost> simulator;
  std::string serial_path(cfg.serial_port.view());
  if (options.simulate) {
    auto started = start_simulator(io, options.sim);
    if (!started) {
      spdlog::error("cannot start the simulator: {}", platform::to_string(started.error()));
      return 1;
    }
    simulator = std::move(*started);
    serial_path = simulator->device_path();
    spdlog::info("simulator: {} cells on {}", options.sim.cells, serial_path);
    // --simulate never drives a real CAN bus unless one was named explicitly.
    if (!loaded.can_backend_named) {
      const std::string log_spec = "log:" + (state_dir / "can.log").string();
      // Refused only for a state directory path too long for can.backend: then stop rather
      // than fall back to the default, a real bus.
      if (const auto refused = config::set(cfg, "can.backend", std::string_view(log_spec));
          !refused.ok()) {
        for (const auto& e : platform::describe(refused)) spdlog::error("--simulate: {}", e);
        return 2;
      }
      spdlog::info("CAN frames go to the candump log {} (tail -f it to watch)",
                   (state_dir / "can.log").string());
    }
  } else if (serial_path.empty()) {
    std::fprintf(stderr,
                 "tinybms-gw: no TinyBMS serial port: give --serial PATH (or serial.port in the "
                 "config file), or --simulate for the built-in simulator. See --help.\n");
    return 2;
  }

  spdlog::info("tinybms-gw {} (config: {}, state: {})", kVersion, loaded.source,
               state_dir.string());
  Gateway gateway(io, options, cfg, state_dir, serial_path);
  Faces faces;
  gateway.set_done_handler([&] {
    stop_faces(faces);
    gateway.stop();
    if (simulator) simulator->stop();
    io.stop();
  });
  if (const auto started = gateway.start(); !started) {
    std::fprintf(stderr, "tinybms-gw: CAN backend '%s': %s\n", cfg.can_backend.c_str(),
                 platform::to_string(started.error()).c_str());
    return 2;
  }
  faces = start_faces(io, gateway.services());

  boost::asio::signal_set stop_signals(io, SIGINT, SIGTERM);
  stop_signals.async_wait([&](const boost::system::error_code& ec, int signal_number) {
    if (ec) return;
    spdlog::info("signal {}: stopping", signal_number);
    stop_faces(faces);
    gateway.stop();
    if (simulator) simulator->stop();
    io.stop();
  });
  boost::asio::signal_set reload_signal(io, SIGHUP);
  std::function<void()> wait_reload = [&] {
    reload_signal.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) return;
      spdlog::info("SIGHUP: reloading the configuration");
      const auto next = load_config(options, state_dir);
      if (!next) {
        for (const auto& e : next.error().problems.lines()) {
          spdlog::error("config reload refused: {}", e);
        }
      } else {
        for (const auto& w : next->warnings) spdlog::warn("config: {}", w);
        gateway.reload(next->config);
      }
      wait_reload();
    });
  };
  wait_reload();

  io.run();
  return 0;
}

}  // namespace tbgw::app
