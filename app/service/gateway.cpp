// The gateway service: who subscribes to what (the channel table is app/service/channels.hpp).
//
//   BmsLink (poller) ──▶ snapshot ──▶ energy counter ──▶ energy
//                    │            ├──▶ charge pipeline ──▶ decision, alarms, can_frames
//                    │            └──▶ event log (summary, --print-snapshots)
//                    ├──▶ link ─────▶ charge pipeline (staleness), event log, systemd status
//                    ├──▶ settings, version (latest values for the pipeline and the encoder)
//   1 s tick ─────────▶ charge pipeline stale policy ──▶ decision, can_frames (stop/hold)
//   can_frames ───────▶ CAN output (an empty set stops it)
//   reload (SIGHUP) ──▶ config_changed
//
// Delivery is synchronous on the io_context thread; no component calls another's internals.
#include "app/service/gateway.hpp"
#include "app/service/gateway_impl.hpp"
#include "platform/linux/posix.hpp"

namespace tbgw::app {

// Publishing: a message a channel refuses (its validator, or a re-entrant publish) reaches no
// subscriber and is counted in the channel's ChannelStats, which /metrics shows. The
// publishers below have nothing better to do with a refusal, so they drop the result
// ("counted by the channel"); the battery snapshot, the one refusal worth a log line, is
// checked in on_poller_event().
void Gateway::Impl::wire() {
  // Every subscription is kept for the gateway's life (Impl::subscriptions).
  const auto keep = [this](Result<bus::Subscription, bus::BusError> r, const char* what) {
    subscriptions.push_back(must(std::move(r), what));
  };
  // Energy first: the pipeline's 0x378 frame reads the counters this snapshot produced.
  keep(ch.snapshot.subscribe([this](const msg::BatterySnapshot& s) {
    energy_counter.on_snapshot(s);
    (void)ch.energy.publish(energy_counter.snapshot());  // counted by the channel
  }),
       "energy");
  keep(ch.energy.subscribe([this](const msg::EnergyCounters& e) {
    const std::int64_t unix_s = platform::unix_now_ms() / 1000;
    const auto* settings = ch.settings.latest();
    energy_periods.update(e, unix_s, platform::utc_offset_s(unix_s),
                          settings ? static_cast<double>(settings->capacity_ah) : 0.0);
  }),
       "energy periods");
  keep(ch.snapshot.subscribe([this](const msg::BatterySnapshot& s) { on_snapshot(s); }),
       "pipeline");
  keep(ch.snapshot.subscribe([this](const msg::BatterySnapshot& s) {
    // A copy into the worker's ring; SQLite runs on the storage thread.
    const auto unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
    if (history) history->push(history::make_record(s, unix_ms));
  }),
       "history");
  keep(ch.link.subscribe([this](const msg::LinkState& l) {
    pipeline.on_link(l, l.stamp_ms);
    if (l.status == msg::LinkStatus::lost) {
      spdlog::warn("TinyBMS link lost: {}", msg::to_string(l.reason));
      notify.status(std::string("TinyBMS link lost: ") + msg::to_string(l.reason));
    } else {
      spdlog::info("TinyBMS link {}", msg::to_string(l.status));
      notify.status(std::string("TinyBMS link ") + msg::to_string(l.status));
    }
    on_tick();  // apply the stale-data policy now, not at the next tick
  }),
       "link");
  keep(ch.version.subscribe([this](const tinybms::VersionInfo& v) {
    spdlog::info("TinyBMS {}", version_summary(v));
    pipeline.set_identity(identity_from(cfg, v));
  }),
       "version");
  keep(ch.settings.subscribe([](const tinybms::BmsSettings& s) {
    spdlog::info("TinyBMS settings: {}", settings_summary(s));
  }),
       "settings");
  keep(ch.decision.subscribe([this](const msg::ChargeDecision& d) { decision_log.on_decision(d); }),
       "decision log");
  keep(ch.profile.subscribe([](const control::ChargeProfile& p) {
    spdlog::info("{}", control::reason_text(p.describe()));
    if (p.board_margin_c > 0.0F) spdlog::warn("{}", control::reason_text(p.temperature_text()));
    for (std::size_t i = 0; i < p.clamp_count; ++i) {
      spdlog::warn("charge setting clamped: {}",
                   control::reason_text(control::ChargeProfile::describe(p.clamps[i])));
    }
  }),
       "profile log");
  // The alert engine's edges go on the bus; the history, MQTT and the UI's WebSocket subscribe.
  pipeline.alerts().set_listener(alerts::AlertEngine::Listener([this](const msg::AlertChanged& a) {
    (void)ch.alert_changed.publish(a);  // counted by the channel
  }));
  keep(ch.alert_changed.subscribe([this](const msg::AlertChanged& a) {
    if (history) history->push_alert(alert_record(a, platform::unix_now_ms()));
  }),
       "alert history");
  keep(ch.alert_changed.subscribe([](const msg::AlertChanged& a) {
    const auto text = msg::message_text(a.message);
    if (a.edge == msg::AlertEdge::cleared) {
      spdlog::info("alert cleared: {} ({})", msg::key(a.id), text);
    } else if (a.edge == msg::AlertEdge::raised || a.edge == msg::AlertEdge::changed) {
      spdlog::warn("{} {}: {}", msg::to_string(a.severity), msg::key(a.id), text);
    } else if (a.edge == msg::AlertEdge::acknowledged) {
      spdlog::info("alert acknowledged: {}", msg::key(a.id));
    }
  }),
       "alert log");
  keep(ch.can_frames.subscribe([this](const victron::FrameSet& f) { on_can_frames(f); }),
       "can output");
  keep(ch.config_changed.subscribe([](const msg::ConfigChanged& c) {
    spdlog::info("configuration changed: {} key(s){}", c.count(),
                 c.restart_needed ? ", some need a restart" : "");
  }),
       "config log");
}

void Gateway::Impl::on_poller_event(const tinybms::PollerEvent& event) {
  if (const auto* s = std::get_if<msg::BatterySnapshot>(&event)) {
    const auto t0 = std::chrono::steady_clock::now();
    msg::BatterySnapshot snapshot = *s;
    if (cfg.bms_invert_current) snapshot.pack_current_a = -snapshot.pack_current_a;
    if (!ch.snapshot.publish(snapshot).ok()) spdlog::warn("snapshot refused by its validator");
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - t0);
    latency_us[latency_count++ % latency_us.size()] = static_cast<std::int32_t>(us.count());
  } else if (const auto* l = std::get_if<msg::LinkState>(&event)) {
    (void)ch.link.publish(*l);  // counted by the channel
  } else if (const auto* st = std::get_if<tinybms::BmsSettings>(&event)) {
    (void)ch.settings.publish(*st);  // counted by the channel
  } else if (const auto* v = std::get_if<tinybms::VersionInfo>(&event)) {
    (void)ch.version.publish(*v);  // counted by the channel
  } else if (const auto* w = std::get_if<tinybms::SettingsWriteResult>(&event)) {
    spdlog::info("TinyBMS settings write: {}", write_result_summary(*w));
    (void)ch.settings_write.publish(*w);  // counted by the channel
  } else if (std::holds_alternative<tinybms::BmsEventsRead>(event)) {
    on_bms_events();
  }
}

void Gateway::Impl::on_snapshot(const msg::BatterySnapshot& s) {
  // The encoder's inputs, assembled here only: tick() re-encodes from the pipeline's copies.
  const tinybms::BmsSettings* settings = ch.settings.latest();
  const msg::LinkState* l = ch.link.latest();
  const msg::EnergyCounters* e = ch.energy.latest();
  const victron::EnergyTotals energy{e ? e->wh_charged : 0.0, e ? e->wh_discharged : 0.0};
  const auto out =
      pipeline.on_snapshot(s, settings, l ? l->status : msg::LinkStatus::up, energy, s.stamp_ms);
  (void)ch.alarms.publish(out.alarms);  // counted by the channel
  const control::ChargeProfile& profile = pipeline.controller().profile();
  if (const auto* in_force = ch.profile.latest();
      profile.valid && (in_force == nullptr || !in_force->same_values(profile))) {
    (void)ch.profile.publish(profile);  // counted by the channel
  }
  publish_decision(out.decision);
  if (out.encode_failed) {
    spdlog::error("CAN encoder refused the decision ({}): nothing sent",
                  victron::to_string(out.encode_error));
  }
  // No frames (no valid decision, or the encoder refused it): the empty set stops the output.
  if (out.frames.count > 0 || can->transmitting()) publish_frames(out.frames);

  ++snapshots;
  if (options.print_snapshots) {
    std::printf("%s\n", snapshot_json(s).c_str());
    std::fflush(stdout);
  }
  if (options.summary_interval_s > 0 &&
      (snapshots == 1 || s.stamp_ms - last_summary_ms >= options.summary_interval_s * 1000L)) {
    last_summary_ms = s.stamp_ms;
    spdlog::info("{}", snapshot_summary(s));
  }
  if (options.exit_after_snapshots > 0 && snapshots >= options.exit_after_snapshots && on_done) {
    on_done();
  }
}

void Gateway::Impl::publish_decision(const msg::ChargeDecision& d) {
  if (!ch.decision.publish(d).ok()) {
    // Refused by the validator (a zero CVL, a negative current): never let it reach the bus.
    spdlog::critical("charge decision refused by its validator: CAN output stopped");
    publish_frames(victron::FrameSet{});
  }
}

void Gateway::Impl::publish_frames(const victron::FrameSet& frames) {
  if (auto r = ch.can_frames.publish(frames); !r.ok()) {
    spdlog::error("CAN frame set not published: {}", bus::to_string(r.error()));
  }
}

void Gateway::Impl::on_can_frames(const victron::FrameSet& frames) {
  // The one place a frame set reaches the CAN output (and a refusal is logged; the output
  // counts it in stats().rejected_updates).
  if (frames.count == 0) {
    can->invalidate();
  } else if (auto r = can->update(frames.view()); !r.ok()) {
    spdlog::error("CAN output refused the frame set: {}",
                  platform::CanOutput::to_string(r.error()));
  }
}

void Gateway::Impl::on_tick() {
  if (stopped) return;
  const Millis now = platform::now_ms();
  const control::PipelineOutput out = pipeline.tick(now);
  const msg::ChargeDecision& d = out.decision;
  const msg::ChargeDecision* last = ch.decision.latest();
  if (last == nullptr) return;  // nothing decided yet: nothing to withdraw
  if (!d.valid) {
    holding = false;
    if (can->transmitting()) {
      publish_frames(victron::FrameSet{});
      publish_decision(d);
    }
    return;
  }
  if (out.held != holding || !last->valid || d.ccl_a != last->ccl_a || d.cvl_v != last->cvl_v) {
    // hold_safe: the policy changed the decision between snapshots; the pipeline re-encoded it
    // with the last good snapshot so the bus carries it, and with 0x35A saying the data is not
    // live (offline, BMS-internal warning) rather than the last snapshot's "all fine".
    holding = out.held;
    publish_decision(d);
    if (out.from_snapshot) {
      if (out.held && !ch.alarms.publish(out.alarms).ok()) {
        spdlog::warn("held alarms refused by the bus");
      }
      if (out.frames.count > 0) publish_frames(out.frames);
    }
  }
}

Gateway::Gateway(asio::io_context& io, const Options& options, const config::GatewayConfig& cfg,
                 std::filesystem::path state_dir, std::string serial_path)
    : impl_(
          std::make_unique<Impl>(io, options, cfg, std::move(state_dir), std::move(serial_path))) {}

Gateway::~Gateway() {
  stop();
}

GatewayServices& Gateway::services() {
  return impl_->services;
}

void Gateway::set_done_handler(std::function<void()> on_done) {
  impl_->on_done = std::move(on_done);
}

Result<void, platform::CanSpecError> Gateway::start() {
  Impl& g = *impl_;
  auto backend = platform::make_can_backend(g.io, g.cfg.can_backend.view());
  if (!backend) return Err(backend.error());
  g.can_backend = std::move(*backend);
  g.can_backend->set_health_handler([](const platform::CanHealthState& h) {
    if (h.level == platform::CanHealth::ok) {
      spdlog::info("CAN: ok");
    } else {
      spdlog::warn("CAN: {}: {}", platform::to_string(h.level), h.reason);
    }
  });
  g.can = std::make_unique<platform::CanOutput>(g.io, *g.can_backend);
  g.can->set_gx_handler([](const platform::GxStatus& gx) {
    if (gx.present) {
      spdlog::info("Victron GX seen on CAN (0x305/0x307)");
    } else {
      spdlog::warn("Victron GX silent: no 0x305/0x307 for 5 s");
    }
  });
  g.wire();

  const auto loaded = g.energy_store.load();
  spdlog::info("energy counters: {}", loaded.detail);
  if (const auto restored = g.energy_counter.restore(loaded.counters); !restored) {
    // load() validates what it returns, so this means a bug between the two: say so, and
    // count from zero rather than from invalid totals.
    spdlog::error("energy counters not restored: {}", energy::to_string(restored.error()));
  }
  platform::EnergyPeriodsLoad periods = g.periods_store.load();
  if (periods.state && !g.energy_periods.restore(*periods.state)) {
    periods.detail += " (inconsistent: per-day figures start empty)";
  }
  spdlog::info("energy: {}", periods.detail);
  g.energy_counter.set_max_gap_ms(
      energy::EnergyCounter::max_gap_for_live_interval(g.cfg.poll_live_interval_ms));

  g.link = std::make_unique<BmsLink>(
      g.io, g.serial_path, g.cfg.serial_baud, config::to_poller_config(g.cfg),
      [this](const tinybms::PollerEvent& e) { impl_->on_poller_event(e); });
  g.history = std::make_unique<platform::HistoryWorker>(g.state_dir);
  g.history_thread = std::thread([&g] {
    platform::set_thread_name(kHistoryThreadName);
    g.history->run();
  });
  g.can->start();
  g.link->start();
  g.arm_tick();
  g.arm_persist();
  g.arm_watchdog();
  spdlog::info("tinybms-gw polling {} every {} ms; CAN output {}", g.serial_path,
               g.cfg.poll_live_interval_ms, g.can_backend->describe());
  g.notify.ready();
  g.notify.status("started, waiting for the TinyBMS");
  return {};
}

void Gateway::stop() {
  Impl& g = *impl_;
  if (g.stopped) return;
  g.stopped = true;
  g.notify.stopping();
  // Stop transmitting first: no frame may go out while the rest shuts down.
  if (g.can) {
    g.can_backend->set_health_handler(nullptr);  // "stopped" is not a fault worth a warning
    g.can->invalidate();
    g.can->stop();
  }
  if (g.link) {
    g.link->stop();
    const auto& st = g.link->poller().stats();
    spdlog::info(
        "stopped: {} requests, {} replies, {} snapshots, {} timeouts, {} CRC errors, {} NACKs, "
        "{} bad replies, reply latency mean {:.1f} ms max {} ms, {} bytes out, {} bytes in",
        st.requests, st.responses, st.snapshots, st.timeouts, st.crc_errors, st.nacks,
        st.bad_responses,
        st.responses > 0
            ? static_cast<double>(st.latency_sum_ms) / static_cast<double>(st.responses)
            : 0.0,
        st.latency_max_ms, st.bytes_out, st.bytes_in);
    spdlog::info("timing: {}", g.latency_summary());
  }
  g.tick_timer.cancel();
  g.persist_timer.cancel();
  g.watchdog_timer.cancel();
  g.save_energy("stop");
  if (g.history) {
    g.history->request_stop();  // writes what is queued and the open buckets, then returns
    if (g.history_thread.joinable()) g.history_thread.join();
  }
}

void Gateway::reload(const config::GatewayConfig& next) {
  impl_->reload(next);
}

void Gateway::Impl::reload(const config::GatewayConfig& next) {
  Impl& g = *this;
  const auto d = config::diff(g.cfg, next);
  if (d.empty()) {
    spdlog::info("configuration reloaded: no change");
    return;
  }
  msg::ConfigChanged changed;
  changed.stamp_ms = platform::now_ms();
  changed.restart_needed = d.needs_restart();
  for (const config::ConfigKey* key : d.changed()) {
    const bool live = key->apply == config::Apply::live;
    if (live) {
      spdlog::info("config: {}", platform::describe_change(*key, g.cfg, next));
    } else {
      spdlog::warn("config: {} (takes effect after a restart)",
                   platform::describe_change(*key, g.cfg, next));
    }
    changed.mark(config::key_index(*key));
  }
  // Live keys apply now; restart keys keep their running value until the next start.
  config::GatewayConfig applied = next;
  for (const config::ConfigKey& key : config::schema()) {
    if (key.apply == config::Apply::restart) key.set(applied, key.get(g.cfg));
  }
  g.cfg = applied;
  g.link->poller().set_config(config::to_poller_config(g.cfg));
  // A slower cadence must not turn every interval into a "gap" that counts no energy.
  g.energy_counter.set_max_gap_ms(
      energy::EnergyCounter::max_gap_for_live_interval(g.cfg.poll_live_interval_ms));
  g.pipeline.controller().set_params(charge_params_from(g.cfg));
  g.pipeline.alerts().set_thresholds(alert_thresholds_from(g.cfg));
  const tinybms::VersionInfo* v = g.ch.version.latest();
  g.pipeline.set_identity(identity_from(g.cfg, v ? *v : tinybms::VersionInfo{}));
  apply_log_level(g.cfg);
  (void)g.ch.config_changed.publish(changed);  // counted by the channel
}

}  // namespace tbgw::app
