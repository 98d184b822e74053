// Gateway upkeep: the timers (1 s tick, energy persistence, systemd watchdog), the storage
// worker's health, the alert engine's gateway rules, the TinyBMS event log and the timing
// summary. The wiring itself is in gateway.cpp.
#include "app/service/gateway_impl.hpp"

namespace tbgw::app {

history::AlertRecord alert_record(const msg::AlertChanged& a, std::int64_t unix_ms) {
  history::AlertRecord r;
  const bool bms = a.edge == msg::AlertEdge::bms_event;
  r.source = bms ? history::AlertSource::bms : history::AlertSource::gateway;
  // A TinyBMS event is stored at its own time (placed with the BMS clock) when known.
  r.unix_ms = bms && a.bms_event_unix_s > 0 ? a.bms_event_unix_s * 1000 : unix_ms;
  switch (a.edge) {
    case msg::AlertEdge::raised:
    case msg::AlertEdge::changed:
      r.edge = history::AlertEdge::raised;
      break;
    case msg::AlertEdge::cleared:
      r.edge = history::AlertEdge::cleared;
      break;
    case msg::AlertEdge::acknowledged:
      r.edge = history::AlertEdge::acknowledged;
      break;
    case msg::AlertEdge::bms_event:
      r.edge = history::AlertEdge::event;
      break;
  }
  r.severity = a.severity == msg::AlertSeverity::alarm     ? history::AlertSeverity::alarm
               : a.severity == msg::AlertSeverity::warning ? history::AlertSeverity::warning
                                                           : history::AlertSeverity::info;
  if (bms) {
    r.set_key(fmt::format("bms_0x{:02X}", a.bms_event_id));
  } else {
    r.set_key(msg::key(a.id));
    r.value = static_cast<double>(a.value);
    r.threshold = static_cast<double>(a.threshold);
  }
  r.set_message(msg::message_text(a.message));
  return r;
}

std::string Gateway::Impl::latency_summary() const {
  const std::size_t n = std::min(latency_count, latency_us.size());
  if (n == 0) return "no snapshots";
  std::vector<std::int32_t> sorted(latency_us.begin(), latency_us.begin() + static_cast<long>(n));
  std::sort(sorted.begin(), sorted.end());
  const auto& c = can->stats().cadence;
  return fmt::format(
      "snapshot -> CAN frame set p50 {} us p99 {} us max {} us (n={}); 0x351 interval mean "
      "{:.1f} ms stddev {:.2f} ms worst jitter {:.2f} ms (n={})",
      sorted[n / 2], sorted[(n * 99) / 100], sorted.back(), n, c.mean_us / 1000.0,
      c.stddev_us / 1000.0, static_cast<double>(c.max_abs_jitter_us) / 1000.0, c.samples);
}

void Gateway::Impl::on_bms_events() {
  const auto ring = tinybms::decode_event_registers(link->poller().registers());
  const auto* snapshot = ch.snapshot.latest();
  if (!ring.ok() || snapshot == nullptr) return;
  const auto fresh =
      bms_events.update(*ring, snapshot->bms_lifetime_s, platform::unix_now_ms() / 1000);
  if (fresh.bms_reset) spdlog::info("TinyBMS clock went back (reset): its event log is re-read");
  for (const auto& e : fresh.events.view()) {
    pipeline.alerts().add_bms_event({e.time_known ? e.unix_s : 0, e.id, e.info->text},
                                    platform::now_ms());
    const std::string when =
        e.time_known
            ? fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(static_cast<std::time_t>(e.unix_s)))
            : std::string("time unknown");
    const auto severity = e.info->severity;
    if (severity == tinybms::EventSeverity::fault) {
      spdlog::error("TinyBMS event {}: {} (0x{:02X})", when, e.info->text, e.id);
    } else if (severity == tinybms::EventSeverity::warning) {
      spdlog::warn("TinyBMS event {}: {} (0x{:02X})", when, e.info->text, e.id);
    } else {
      spdlog::info("TinyBMS event {}: {} (0x{:02X})", when, e.info->text, e.id);
    }
  }
}

void Gateway::Impl::arm_tick() {
  tick_timer.expires_after(std::chrono::seconds(1));
  tick_timer.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped) return;
    on_tick();
    check_history();
    tick_alerts();
    arm_tick();
  });
}

void Gateway::Impl::tick_alerts() {
  const msg::LinkState* l = ch.link.latest();
  const msg::LinkState link_state = l ? *l : msg::LinkState{};
  alerts::GatewayHealth health;
  health.can_ok = can_backend && can_backend->health().level == platform::CanHealth::ok;
  // A candump log is no bus: there is no GX to miss.
  const bool log_backend = cfg.can_backend.view().starts_with("log:");
  health.gx_seen = log_backend || (can && can->gx().present);
  // Storage trouble: the history database, or the last save of the energy counters failed
  // (disk full, read-only): the old files stay intact, the owner is told.
  health.storage_ok = (history_health == platform::HistoryHealth::ok ||
                       history_health == platform::HistoryHealth::closed) &&
                      !energy_save_failed;
  const Millis now = platform::now_ms();
  pipeline.alerts().tick(link_state, health, now);
  if (const auto* profile = ch.profile.latest(); profile && profile->clamp_count > 0) {
    const control::ProfileClamp& c = profile->clamps[0];
    pipeline.alerts().on_charge_setting(c.field, c.configured_mv, c.used_mv, now);
  } else {
    pipeline.alerts().on_charge_setting({}, 0.0F, 0.0F, now);
  }
}

void Gateway::Impl::check_history() {
  if (!history) return;
  const auto st = history->status();
  if (st.health == history_health) return;
  if (st.health == platform::HistoryHealth::ok) {
    spdlog::info("history: {}", st.open_detail.empty() ? "ok" : st.open_detail);
  } else if (history_health != platform::HistoryHealth::closed ||
             st.health != platform::HistoryHealth::closed) {
    // Storage trouble never touches the CAN output; it is reported (alert: issue 8).
    spdlog::error("history: {}: {}", platform::to_string(st.health), st.reason);
  }
  history_health = st.health;
}

void Gateway::Impl::arm_persist() {
  persist_timer.expires_after(std::chrono::seconds(cfg.energy_persist_interval_s));
  persist_timer.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped) return;
    save_energy("periodic");
    arm_persist();
  });
}

void Gateway::Impl::arm_watchdog() {
  const auto interval = notify.watchdog_interval();
  if (!interval) return;
  watchdog_timer.expires_after(*interval / 2);
  watchdog_timer.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped) return;
    notify.watchdog_ping();  // only a loop that still turns gets here
    arm_watchdog();
  });
}

void Gateway::Impl::save_energy(const char* why) {
  bool failed = false;
  if (const auto saved = energy_store.save(energy_counter.snapshot()); !saved) {
    spdlog::error("energy counters not saved ({}): {}", why, platform::to_string(saved.error()));
    failed = true;
  }
  if (const auto saved = periods_store.save(energy_periods.state()); !saved) {
    spdlog::error("per-day energy not saved ({}): {}", why, platform::to_string(saved.error()));
    failed = true;
  }
  energy_save_failed = failed;
}

}  // namespace tbgw::app
