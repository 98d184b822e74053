// run_gateway: the long-running mode. One io_context thread runs the serial link, the poller's
// timer, the in-process simulator (with --simulate) and signal handling.
#include <spdlog/spdlog.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <cstdio>
#include <variant>

#include "app/bms_link.hpp"
#include "app/event_format.hpp"
#include "app/run.hpp"
#include "app/sim_setup.hpp"
#include "platform/linux/clock.hpp"

namespace tbgw::app {

namespace {

// Logs one line per state change and a snapshot summary at most every summary_interval_s.
class EventLogger {
 public:
  explicit EventLogger(const Options& options) : options_(options) {}

  // Returns false when the process should stop (--exit-after-snapshots reached).
  bool operator()(const tinybms::PollerEvent& event) {
    if (const auto* snapshot = std::get_if<msg::BatterySnapshot>(&event)) {
      return on_snapshot(*snapshot);
    }
    if (const auto* link = std::get_if<msg::LinkState>(&event)) {
      if (link->status == msg::LinkStatus::lost) {
        spdlog::warn("link lost: {}", msg::to_string(link->reason));
      } else {
        spdlog::info("link {}", msg::to_string(link->status));
      }
    } else if (const auto* settings = std::get_if<tinybms::BmsSettings>(&event)) {
      spdlog::info("settings: {}", settings_summary(*settings));
    } else if (const auto* version = std::get_if<tinybms::VersionInfo>(&event)) {
      spdlog::info("TinyBMS {}", version_summary(*version));
    } else if (const auto* write = std::get_if<tinybms::SettingsWriteResult>(&event)) {
      spdlog::info("settings write: {}", write_result_summary(*write));
    }
    return true;
  }

 private:
  bool on_snapshot(const msg::BatterySnapshot& snapshot) {
    ++snapshots_;
    if (options_.print_snapshots) {
      std::printf("%s\n", snapshot_json(snapshot).c_str());
      std::fflush(stdout);
    }
    const Millis now = snapshot.stamp_ms;
    if (options_.summary_interval_s > 0 &&
        (snapshots_ == 1 || now - last_summary_ms_ >= options_.summary_interval_s * 1000L)) {
      last_summary_ms_ = now;
      spdlog::info("{}", snapshot_summary(snapshot));
    }
    return options_.exit_after_snapshots == 0 || snapshots_ < options_.exit_after_snapshots;
  }

  const Options& options_;
  long snapshots_ = 0;
  Millis last_summary_ms_ = 0;
};

}  // namespace

int run_gateway(const Options& options) {
  boost::asio::io_context io;
  std::unique_ptr<sim::SimulatorHost> simulator;
  std::string serial_path = options.serial_path;
  if (options.simulate) {
    std::string error;
    simulator = start_simulator(io, options.sim, error);
    if (!simulator) {
      spdlog::error("cannot start the simulator: {}", error);
      return 1;
    }
    serial_path = simulator->device_path();
    spdlog::info("simulator: {} cells on {}", options.sim.cells, serial_path);
  }

  EventLogger logger(options);
  int exit_code = 0;
  std::unique_ptr<BmsLink> link;
  link = std::make_unique<BmsLink>(io, serial_path, options.baud, options.poller,
                                   [&](const tinybms::PollerEvent& event) {
                                     if (!logger(event)) {
                                       link->stop();
                                       io.stop();
                                     }
                                   });
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal_number) {
    if (ec) return;
    spdlog::info("signal {}: stopping", signal_number);
    link->stop();
    if (simulator) simulator->stop();
    io.stop();
  });

  spdlog::info("tinybms-gw 0.1.0 polling {} every {} ms", serial_path,
               options.poller.live_interval_ms);
  link->start();
  io.run();

  const auto& st = link->poller().stats();
  spdlog::info(
      "stopped: {} requests, {} replies, {} snapshots, {} timeouts, {} CRC errors, {} NACKs, "
      "{} bad replies, reply latency mean {:.1f} ms max {} ms, {} bytes out, {} bytes in",
      st.requests, st.responses, st.snapshots, st.timeouts, st.crc_errors, st.nacks,
      st.bad_responses,
      st.responses > 0 ? static_cast<double>(st.latency_sum_ms) / static_cast<double>(st.responses)
                       : 0.0,
      st.latency_max_ms, st.bytes_out, st.bytes_in);
  return exit_code;
}

}  // namespace tbgw::app
