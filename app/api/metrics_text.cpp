// GET /metrics: Prometheus text exposition format 0.0.4. Every family gets # HELP and # TYPE
// once, then its samples; names follow Prometheus base units (volts, amperes, celsius,
// seconds) and counters end in _total. Each face's counters appear as tbgw_<face>_<name>
// (gauges unless the name ends in _total). Values that do not exist yet (no snapshot) are left
// out rather than exported as 0, so a dashboard shows a gap, not a false reading.
#include <cmath>
#include <cstdio>

#include "app/api/router_impl.hpp"
#include "app/service/decision_log.hpp"
#include "platform/linux/clock.hpp"

namespace tbgw::app::api {

namespace {

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  void family(std::string_view name, std::string_view type, std::string_view help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    for (const char c : help) {  // HELP escapes backslash and newline
      if (c == '\\') {
        out_ += "\\\\";
      } else if (c == '\n') {
        out_ += "\\n";
      } else {
        out_ += c;
      }
    }
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }
  void sample(std::string_view name, double value, std::string_view labels = {}) {
    out_ += name;
    if (!labels.empty()) {
      out_ += '{';
      out_ += labels;
      out_ += '}';
    }
    out_ += ' ';
    char buf[40];
    if (std::isnan(value)) {
      out_ += "NaN";
    } else if (std::isinf(value)) {
      out_ += value > 0 ? "+Inf" : "-Inf";
    } else {
      std::snprintf(buf, sizeof buf, "%.10g", value);
      out_ += buf;
    }
    out_ += '\n';
  }
  void one(std::string_view name, std::string_view type, std::string_view help, double value) {
    family(name, type, help);
    sample(name, value);
  }

 private:
  std::string& out_;
};

// Label values: backslash, quote and newline escaped (exposition format rule).
std::string label(std::string_view key, std::string_view value) {
  std::string s(key);
  s += "=\"";
  for (const char c : value) {
    if (c == '\\' || c == '"') {
      s += '\\';
      s += c;
    } else if (c == '\n') {
      s += "\\n";
    } else {
      s += c;
    }
  }
  s += '"';
  return s;
}

// A face or counter name as a metric name part: [a-z0-9_], anything else becomes '_'.
std::string sanitize(std::string_view s) {
  std::string out;
  for (const char c : s) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    out += ok ? c : '_';
  }
  return out;
}

double d(std::uint64_t v) {
  return static_cast<double>(v);
}

}  // namespace

std::string render_metrics(ApiRouter::Impl& impl) {
  const GatewayServices& s = impl.services;
  const Channels& ch = s.channels();
  std::string out;
  out.reserve(8192);
  Writer w(out);
  const Millis now = platform::now_ms();
  w.one("tbgw_uptime_seconds", "gauge", "Seconds since the API started",
        static_cast<double>(now - impl.started_ms) / 1000.0);

  const msg::BatterySnapshot* snap = ch.snapshot.latest();
  w.one("tbgw_data_stale", "gauge", "1 when the battery data is older than stale.timeout_ms",
        snap == nullptr || now - snap->stamp_ms > s.config().stale_timeout_ms ? 1 : 0);
  if (snap != nullptr) {
    w.one("tbgw_data_age_seconds", "gauge", "Age of the latest battery snapshot",
          static_cast<double>(now - snap->stamp_ms) / 1000.0);
    w.one("tbgw_battery_voltage_volts", "gauge", "Pack voltage", snap->pack_voltage_v);
    w.one("tbgw_battery_current_amperes", "gauge", "Pack current, positive = charging",
          snap->pack_current_a);
    w.one("tbgw_battery_power_watts", "gauge", "Pack power, positive = charging",
          static_cast<double>(snap->pack_voltage_v) * static_cast<double>(snap->pack_current_a));
    w.one("tbgw_battery_soc_percent", "gauge", "State of charge", snap->soc_pct);
    if (snap->soh_valid)
      w.one("tbgw_battery_soh_percent", "gauge", "State of health", snap->soh_pct);
    w.family("tbgw_battery_temperature_celsius", "gauge", "Temperature per sensor");
    static constexpr const char* kSensors[] = {"internal", "external1", "external2"};
    for (std::size_t i = 0; i < 3; ++i) {
      if (snap->temp_present[i]) {
        w.sample("tbgw_battery_temperature_celsius", snap->temps_c[i],
                 label("sensor", kSensors[i]));
      }
    }
    w.one("tbgw_battery_cells", "gauge", "Series cells in use", snap->cell_count);
    w.family("tbgw_cell_voltage_volts", "gauge", "Cell voltage");
    for (std::size_t i = 0; i < snap->cell_count && i < msg::BatterySnapshot::kMaxCells; ++i) {
      w.sample("tbgw_cell_voltage_volts", static_cast<double>(snap->cell_mv[i]) / 1000.0,
               label("cell", std::to_string(i + 1)));
    }
    w.family("tbgw_cell_balancing", "gauge", "1 while the cell is being balanced");
    for (std::size_t i = 0; i < snap->cell_count && i < msg::BatterySnapshot::kMaxCells; ++i) {
      w.sample("tbgw_cell_balancing", (snap->balancing_active_mask >> i) & 1U,
               label("cell", std::to_string(i + 1)));
    }
    w.one("tbgw_cell_voltage_min_volts", "gauge", "Lowest cell voltage (BMS)",
          snap->min_cell_mv / 1000.0);
    w.one("tbgw_cell_voltage_max_volts", "gauge", "Highest cell voltage (BMS)",
          snap->max_cell_mv / 1000.0);
  }
  if (const msg::ChargeDecision* dec = ch.decision.latest()) {
    w.one("tbgw_limits_valid", "gauge", "1 when the CAN limits are valid", dec->valid ? 1 : 0);
    if (dec->valid) {
      w.one("tbgw_charge_voltage_limit_volts", "gauge", "CVL sent to the GX", dec->cvl_v);
      w.one("tbgw_charge_current_limit_amperes", "gauge", "CCL sent to the GX", dec->ccl_a);
      w.one("tbgw_discharge_current_limit_amperes", "gauge", "DCL sent to the GX", dec->dcl_a);
      w.one("tbgw_discharge_voltage_limit_volts", "gauge", "DVL sent to the GX", dec->dvl_v);
    }
    w.family("tbgw_charge_phase", "gauge", "1 for the current charge phase");
    w.sample("tbgw_charge_phase", 1, label("phase", to_string(dec->phase)));
  }

  const AlertsReport alerts = s.alerts();
  w.one("tbgw_alerts_active", "gauge", "Active alerts", static_cast<double>(alerts.active_count));
  w.family("tbgw_alert_active", "gauge", "Severity of each active alert (1 warning, 2 alarm)");
  for (const auto& a : alerts.alerts) {
    if (a.active)
      w.sample("tbgw_alert_active", static_cast<double>(a.severity), label("id", msg::key(a.id)));
  }

  const msg::LinkState* link = ch.link.latest();
  w.one("tbgw_link_up", "gauge", "1 while the TinyBMS answers",
        link != nullptr && link->status == msg::LinkStatus::up ? 1 : 0);
  const tinybms::LinkStats l = s.link_stats();
  for (const auto& [name, value] : link_counters(l)) {
    const std::string metric = std::string("tbgw_link_") + name + "_total";
    w.one(metric, "counter", std::string("TinyBMS link: ") + name, d(value));
  }

  const CanReport can = s.can();
  const auto& cs = can.output;
  w.one("tbgw_can_transmitting", "gauge", "1 while the CAN output sends limits",
        can.transmitting ? 1 : 0);
  w.one("tbgw_gx_present", "gauge", "1 while a GX is seen on the bus", can.gx.present ? 1 : 0);
  const std::pair<const char*, std::uint64_t> can_counters[] = {
      {"frames_sent", cs.frames_sent},   {"frames_full", cs.frames_full},
      {"frames_error", cs.frames_error}, {"frames_dropped", cs.frames_dropped},
      {"overruns", cs.overruns},         {"keepalive_late", cs.keepalive_late},
      {"rx_frames", cs.rx_frames},       {"cycles", cs.cycles}};
  for (const auto& [name, value] : can_counters) {
    const std::string metric = std::string("tbgw_can_") + name + "_total";
    w.one(metric, "counter", std::string("CAN output: ") + name, d(value));
  }
  w.one("tbgw_can_keepalive_jitter_max_seconds", "gauge",
        "Worst |0x351 interval - period| since start", cs.cadence.max_abs_jitter_us / 1e6);

  const platform::HistoryWorkerStatus h = s.history_status();
  w.one("tbgw_storage_ok", "gauge", "1 when the history database is writable",
        h.health == platform::HistoryHealth::ok ? 1 : 0);
  w.one("tbgw_storage_records_pushed_total", "counter", "Records handed to the storage worker",
        d(h.pushed));
  w.one("tbgw_storage_records_dropped_total", "counter", "Records lost (queue full or unwritable)",
        d(h.dropped_queue_full + h.dropped_unwritable));
  w.one("tbgw_storage_write_failures_total", "counter", "Failed history writes",
        d(h.store.write_failures));

  if (const auto* e = ch.energy.latest()) {
    w.one("tbgw_energy_charged_wh_total", "counter", "Energy into the pack", e->wh_charged);
    w.one("tbgw_energy_discharged_wh_total", "counter", "Energy out of the pack", e->wh_discharged);
  }

  w.family("tbgw_bus_published_total", "counter", "Messages accepted per bus channel");
  auto bus_sample = [&](const bus::ChannelBase& c) {
    w.sample("tbgw_bus_published_total", d(c.stats().published), label("channel", c.name()));
  };
  bus_sample(ch.snapshot);
  bus_sample(ch.link);
  bus_sample(ch.decision);
  bus_sample(ch.alarms);
  bus_sample(ch.energy);
  bus_sample(ch.alert_changed);

  for (const auto& [face, r] : s.face_reporters().reports()) {
    for (const auto& c : r.counters) {
      const std::string name = "tbgw_" + sanitize(face) + "_" + sanitize(c.name);
      const bool counter = name.size() > 6 && name.compare(name.size() - 6, 6, "_total") == 0;
      w.one(name, counter ? "counter" : "gauge", c.help.empty() ? c.name : c.help, c.value);
    }
  }
  return out;
}

}  // namespace tbgw::app::api
