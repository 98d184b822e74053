// Gateway::Impl: the state of the running service, shared by gateway.cpp (wiring, start/stop,
// reload) and gateway_upkeep.cpp (timers, storage, alerts, TinyBMS events). Private to app/.
#pragma once
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <thread>
#include <variant>
#include <vector>
#include "app/service/bms_link.hpp"
#include "app/service/channels.hpp"
#include "app/service/decision_log.hpp"
#include "app/service/event_format.hpp"
#include "app/service/gateway.hpp"
#include "app/service/gateway_config_map.hpp"
#include "app/service/gateway_services_impl.hpp"
#include "app/service/threads.hpp"
#include "core/bus/channel.hpp"
#include "core/config/config_diff.hpp"
#include "core/config/config_schema.hpp"
#include "core/config/to_poller_config.hpp"
#include "core/control/charge_pipeline.hpp"
#include "core/control/charge_profile.hpp"
#include "core/control/decision_guard.hpp"
#include "core/energy/energy_counter.hpp"
#include "core/energy/energy_periods.hpp"
#include "core/history/alert_record.hpp"
#include "core/history/history_record.hpp"
#include "core/msg/alert_changed.hpp"
#include "core/msg/config_changed.hpp"
#include "core/msg/energy_counters.hpp"
#include "core/tinybms/bms_events.hpp"
#include "core/victron/frame_encoder.hpp"
#include "platform/linux/can_backend_factory.hpp"
#include "platform/linux/can_output.hpp"
#include "platform/linux/clock.hpp"
#include "platform/linux/config_text.hpp"
#include "platform/linux/energy_periods_store.hpp"
#include "platform/linux/energy_store.hpp"
#include "platform/linux/history_worker.hpp"
#include "platform/linux/systemd_notify.hpp"

namespace tbgw::app {

namespace detail {

// The subscription, for the subscriber to keep; aborts when the channel is full.
inline bus::Subscription must(Result<bus::Subscription, bus::BusError> result, const char* what) {
  // A full channel at start-up is a wiring bug: the capacity in the table is too small.
  if (!result.ok()) {
    spdlog::critical("bus wiring: {}: {}", what, bus::to_string(result.error()));
    std::abort();
  }
  return std::move(result).value();
}

}  // namespace detail

// An alert edge or a TinyBMS event as the history database stores it (wall-clock time).
history::AlertRecord alert_record(const msg::AlertChanged& a, std::int64_t unix_ms);

using detail::must;
namespace asio = boost::asio;

struct Gateway::Impl {
  Impl(asio::io_context& io_, const Options& options_, const config::GatewayConfig& cfg_,
       std::filesystem::path state_dir_, std::string serial_path_)
      : io(io_),
        options(options_),
        cfg(cfg_),
        state_dir(std::move(state_dir_)),
        serial_path(std::move(serial_path_)),
        pipeline(charge_params_from(cfg), alert_thresholds_from(cfg), identity_from(cfg, {})),
        energy_store(state_dir),
        tick_timer(io),
        persist_timer(io),
        watchdog_timer(io) {}

  void wire();
  void on_poller_event(const tinybms::PollerEvent& event);
  void on_snapshot(const msg::BatterySnapshot& s);
  void publish_decision(const msg::ChargeDecision& d);
  void publish_frames(const victron::FrameSet& frames);
  void on_can_frames(const victron::FrameSet& frames);
  void on_tick();
  void arm_tick();
  void arm_persist();
  void arm_watchdog();
  void save_energy(const char* why);
  void reload(const config::GatewayConfig& next);

  asio::io_context& io;
  const Options& options;
  config::GatewayConfig cfg;
  std::filesystem::path state_dir;
  std::string serial_path;

  Channels ch;
  // The gateway's own subscriptions (wire()), declared after the channels: they end first.
  std::vector<bus::Subscription> subscriptions;
  std::unique_ptr<BmsLink> link;
  control::ChargePipeline pipeline;
  DecisionLog decision_log;
  energy::EnergyCounter energy_counter;
  platform::EnergyStore energy_store;
  energy::EnergyPeriods energy_periods;  // per day / month / lifetime, local time
  platform::EnergyPeriodsStore periods_store{state_dir};
  tinybms::BmsEventTracker bms_events;  // reports each TinyBMS event once
  void on_bms_events();
  std::unique_ptr<platform::CanBackend> can_backend;
  std::unique_ptr<platform::CanOutput> can;
  platform::SystemdNotify notify;
  asio::steady_timer tick_timer;
  asio::steady_timer persist_timer;
  asio::steady_timer watchdog_timer;
  std::function<void()> on_done;

  // Storage worker (app/service/threads.hpp): the only other thread.
  std::unique_ptr<platform::HistoryWorker> history;
  std::thread history_thread;
  platform::HistoryHealth history_health = platform::HistoryHealth::closed;
  void check_history();
  void tick_alerts();
  bool energy_save_failed = false;  // the last save failed: the storage alert is raised

  long snapshots = 0;
  Millis last_summary_ms = 0;
  bool stopped = false;
  bool holding = false;  // the stale policy holds limits without fresh data (hold_safe)

  // Processing latency of each snapshot, from the poller's event (delivered while the last
  // reply byte is being handled) to the new frame set handed to the CAN output, in µs. A fixed
  // ring: measuring must not allocate on the serial -> CAN path.
  std::array<std::int32_t, 4096> latency_us{};
  std::size_t latency_count = 0;
  std::string latency_summary() const;

  // The network faces' window onto this gateway (app/service/gateway_services.hpp).
  GatewayServicesImpl services{*this};
};

}  // namespace tbgw::app
