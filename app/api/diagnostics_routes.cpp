// GET /api/diagnostics: the gateway's own figures in one document: the TinyBMS link
// (Poller LinkStats), the CAN output and backend, storage (history worker status), every bus
// channel's counters, every face's report (GatewayServices::face_reporters), uptime and
// versions. Const reads on the loop; history_status() is one locked copy.
#include "app/api/router_impl.hpp"
#include "platform/linux/clock.hpp"

namespace tbgw::app::api {

namespace {

json channel_json(const bus::ChannelBase& c) {
  const auto& s = c.stats();
  return {{"name", c.name()},
          {"kind", c.kind() == bus::ChannelKind::state ? "state" : "event"},
          {"published", s.published},
          {"rejected", s.rejected},
          {"delivered", s.delivered},
          {"reentrant_refused", s.reentrant_refused},
          {"subscribers", c.subscriber_count()},
          {"subscriber_capacity", c.subscriber_capacity()}};
}

}  // namespace

std::array<LinkCounter, 17> link_counters(const tinybms::LinkStats& l) {
  return {{{"requests", l.requests},
           {"responses", l.responses},
           {"retries", l.retries},
           {"timeouts", l.timeouts},
           {"crc_errors", l.crc_errors},
           {"nacks", l.nacks},
           {"bad_responses", l.bad_responses},
           {"resyncs", l.resyncs},
           {"garbage_bytes", l.garbage_bytes},
           {"bytes_out", l.bytes_out},
           {"bytes_in", l.bytes_in},
           {"snapshots", l.snapshots},
           {"decode_errors", l.decode_errors},
           {"abandoned_cycles", l.abandoned_cycles},
           {"link_losses", l.link_losses},
           {"write_jobs", l.write_jobs},
           {"events_dropped", l.events_dropped}}};
}

json link_stats_json(const tinybms::LinkStats& l) {
  json j = json::object();
  for (const auto& [name, value] : link_counters(l)) j[name] = value;
  j["plan_fallback"] = l.plan_fallback;
  j["latency_last_ms"] = l.latency_last_ms;
  j["latency_max_ms"] = l.latency_max_ms;
  j["latency_mean_ms"] =
      l.responses > 0
          ? json(static_cast<double>(l.latency_sum_ms) / static_cast<double>(l.responses))
          : json(nullptr);
  return j;
}

json bus_channels_json(const GatewayServices& services) {
  const Channels& ch = services.channels();
  return json::array({channel_json(ch.snapshot), channel_json(ch.link), channel_json(ch.settings),
                      channel_json(ch.version), channel_json(ch.decision), channel_json(ch.alarms),
                      channel_json(ch.energy), channel_json(ch.config_changed),
                      channel_json(ch.alert_changed), channel_json(ch.settings_write)});
}

void route_diagnostics(ApiRouter::Impl& impl, const ApiRequest& request, Reply& reply) {
  (void)request;
  const GatewayServices& s = impl.services;
  const CanReport can = s.can();
  const auto& cs = can.output;
  const auto& bs = can.backend_stats;
  json can_doc = can_state_json(can);
  can_doc["output"] = {{"updates", cs.updates},
                       {"rejected_updates", cs.rejected_updates},
                       {"invalidations", cs.invalidations},
                       {"cycles", cs.cycles},
                       {"full_cycles", cs.full_cycles},
                       {"frames_sent", cs.frames_sent},
                       {"frames_full", cs.frames_full},
                       {"frames_error", cs.frames_error},
                       {"frames_dropped", cs.frames_dropped},
                       {"overruns", cs.overruns},
                       {"keepalive_late", cs.keepalive_late},
                       {"rx_frames", cs.rx_frames},
                       {"cadence",
                        {{"samples", cs.cadence.samples},
                         {"min_us", cs.cadence.min_us},
                         {"max_us", cs.cadence.max_us},
                         {"mean_us", cs.cadence.mean_us},
                         {"stddev_us", cs.cadence.stddev_us},
                         {"max_abs_jitter_us", cs.cadence.max_abs_jitter_us}}}};
  can_doc["backend_stats"] = {{"tx_frames", bs.tx_frames},
                              {"tx_errors", bs.tx_errors},
                              {"tx_full", bs.tx_full},
                              {"tx_expired", bs.tx_expired},
                              {"rx_frames", bs.rx_frames},
                              {"rx_ignored", bs.rx_ignored},
                              {"bus_off_events", bs.bus_off_events},
                              {"restarts", bs.restarts},
                              {"reopens", bs.reopens},
                              {"error_frames", bs.error_frames}};
  const platform::HistoryWorkerStatus h = s.history_status();
  json storage = {{"health", platform::to_string(h.health)},
                  {"reason", h.reason},
                  {"running", h.running},
                  {"pushed", h.pushed},
                  {"dropped_queue_full", h.dropped_queue_full},
                  {"dropped_unwritable", h.dropped_unwritable},
                  {"alerts_pushed", h.alerts_pushed},
                  {"alerts_dropped_queue_full", h.alerts_dropped_queue_full},
                  {"alerts_pending", h.alerts_pending},
                  {"batches", h.store.batches},
                  {"rows", h.store.rows},
                  {"write_failures", h.store.write_failures},
                  {"rows_expired", h.store.rows_expired},
                  {"rows_dropped_cap", h.store.rows_dropped_cap},
                  {"last_batch_us", h.last_batch_us},
                  {"max_batch_us", h.max_batch_us},
                  {"api_queries_queued", impl.history.queued()},
                  {"api_queries_completed", impl.history.completed()},
                  {"api_queries_refused", impl.history.refused()}};
  json faces = json::object();
  for (const auto& [name, r] : s.face_reporters().reports()) {
    json counters = json::object();
    for (const auto& c : r.counters) counters[c.name] = c.value;
    faces[name] = {{"state", r.state}, {"counters", std::move(counters)}};
  }
  reply(json_response({{"uptime_s", (platform::now_ms() - impl.started_ms) / 1000},
                       {"versions", versions_json(s)},
                       {"link", link_stats_json(s.link_stats())},
                       {"can", std::move(can_doc)},
                       {"storage", std::move(storage)},
                       {"bus", bus_channels_json(s)},
                       {"faces", std::move(faces)}}));
}

}  // namespace tbgw::app::api
