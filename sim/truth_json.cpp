// truth_json_line(): one hand-written JSON object per truth state (see simulator.hpp).
//
// Numbers go through std::to_chars, which ignores the C locale (a decimal comma would break
// every reader), with a fixed number of decimals chosen to resolve each register's resolution.
#include <charconv>
#include <cmath>
#include <string>
#include <string_view>
#include <utility>

#include "sim/simulator.hpp"

namespace tbgw::sim {
namespace {

class JsonWriter {
 public:
  void key(const char* k) {
    out_ += first_ ? "" : ",";
    first_ = false;
    out_ += '"';
    out_ += k;
    out_ += "\":";
  }
  void number(double v, int decimals) {
    if (!std::isfinite(v)) {
      out_ += "null";
      return;
    }
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
    out_.append(buf, r.ptr);
  }
  void integer(long long v) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, r.ptr);
  }
  void boolean(bool b) { out_ += b ? "true" : "false"; }
  // Only for fixed identifiers (no escaping: they never hold quotes or control characters).
  void string(std::string_view s) {
    out_ += '"';
    out_ += s;
    out_ += '"';
  }
  void raw(const char* s) { out_ += s; }
  void open_object() {
    out_ += '{';
    first_ = true;
  }
  void close_object() {
    out_ += '}';
    first_ = false;
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
  bool first_ = true;
};

}  // namespace

std::string truth_json_line(const TruthState& t, Millis now) {
  JsonWriter w;
  w.open_object();
  w.key("t_ms");
  w.integer(now);
  w.key("model_ms");
  w.integer(t.model_ms);
  w.key("lifetime_s");
  w.integer(t.bms_lifetime_s);
  w.key("chemistry");
  w.string(chemistry_name(t.chemistry));
  w.key("cells");
  w.integer(t.cell_count);
  w.key("cell_mv");
  w.raw("[");
  for (int i = 0; i < t.cell_count; ++i) {
    if (i > 0) w.raw(",");
    w.number(t.cell_mv[static_cast<std::size_t>(i)], 3);
  }
  w.raw("]");
  w.key("min_cell_mv");
  w.number(t.min_cell_mv, 3);
  w.key("max_cell_mv");
  w.number(t.max_cell_mv, 3);
  w.key("pack_v");
  w.number(t.pack_voltage_v, 6);
  w.key("current_a");
  w.number(t.current_a, 6);
  w.key("demand_a");
  w.number(t.demand_current_a, 6);
  w.key("soc_pct");
  w.number(t.soc_pct, 7);
  w.key("true_soc_pct");
  w.number(t.true_soc_pct, 7);
  w.key("soh_pct");
  w.number(t.soh_pct, 4);
  w.key("time_left_s");
  w.integer(t.time_left_s);
  w.key("temps_c");
  w.raw("[");
  for (std::size_t i = 0; i < t.temps_c.size(); ++i) {
    if (i > 0) w.raw(",");
    if (t.temp_present[i]) {
      w.number(t.temps_c[i], 3);
    } else {
      w.raw("null");
    }
  }
  w.raw("]");
  w.key("ambient_c");
  w.number(t.ambient_c, 3);
  w.key("status");
  w.integer(t.online_status);
  w.key("balancing_needed");
  w.integer(t.balancing_needed_mask);
  w.key("balancing_active");
  w.integer(t.balancing_active_mask);
  w.key("charger");
  w.boolean(t.charger_connected);
  w.key("asleep");
  w.boolean(t.asleep);
  w.key("charge_allowed");
  w.boolean(t.protection.charge_allowed());
  w.key("discharge_allowed");
  w.boolean(t.protection.discharge_allowed());
  w.key("protection");
  w.open_object();
  const ProtectionFlags& p = t.protection;
  const std::pair<const char*, bool> flags[] = {
      {"over_voltage", p.over_voltage},
      {"under_voltage", p.under_voltage},
      {"fully_discharged", p.fully_discharged},
      {"discharge_over_current", p.discharge_over_current},
      {"charge_over_current", p.charge_over_current},
      {"over_temperature", p.over_temperature},
      {"low_temp_charge", p.low_temp_charge},
      {"charge_done", p.charge_done},
  };
  for (const auto& [name, on] : flags) {
    w.key(name);
    w.boolean(on);
  }
  w.close_object();
  w.close_object();
  return w.take();
}

}  // namespace tbgw::sim
