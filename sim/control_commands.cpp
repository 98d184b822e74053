// apply_command(): the text front end of run-time fault switching (see simulator.hpp).
//
// One command per call, words separated by blanks. Every argument is checked before anything
// changes, so a bad command leaves the simulator exactly as it was.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "sim/simulator.hpp"

namespace tbgw::sim {
namespace {

constexpr const char* kHelp =
    "commands: fault silent on|off | fault drop P | fault corrupt RATE | fault late MS | "
    "fault cell-drift CELL MV_PER_MIN|off | fault hot-sensor SENSOR C|off | fault clear | "
    "load current A | load power W | load solar | ambient C | status | help";

std::vector<std::string_view> words_of(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') ++i;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

std::optional<double> number_in(std::string_view s, double min, double max) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0.0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size() || !std::isfinite(v)) {
    return std::nullopt;
  }
  if (v < min || v > max) return std::nullopt;
  return v;
}

std::string status_line(const Simulator& sim) {
  const TruthState& t = sim.truth();
  const SimStats& s = sim.stats();
  const Faults& f = sim.faults();
  char buf[512];
  std::snprintf(
      buf, sizeof buf,
      "soc=%.3f%% pack=%.3fV current=%.2fA min=%.1fmV max=%.1fmV status=0x%02X "
      "asleep=%s silent=%s drop=%.3f corrupt=%.4f late=%dms requests=%llu "
      "replies=%llu dropped=%llu nacks=%llu",
      t.soc_pct, t.pack_voltage_v, t.current_a, t.min_cell_mv, t.max_cell_mv, t.online_status,
      t.asleep ? "yes" : "no", f.silent ? "yes" : "no", f.drop_probability, f.corrupt_byte_rate,
      f.late_ms, static_cast<unsigned long long>(s.requests),
      static_cast<unsigned long long>(s.replies), static_cast<unsigned long long>(s.dropped),
      static_cast<unsigned long long>(s.nacks_crc + s.nacks_command));
  return buf;
}

bool fail(std::string& reply, std::string message) {
  reply = "error: " + std::move(message);
  return false;
}

bool fault_command(Simulator& sim, const std::vector<std::string_view>& w, std::string& reply) {
  Faults& f = sim.faults();
  const std::string_view what = w.size() > 1 ? w[1] : "";
  if (what == "clear" && w.size() == 2) {
    sim.clear_faults();
    reply = "ok: all faults cleared";
    return true;
  }
  if (what == "silent" && w.size() == 3 && (w[2] == "on" || w[2] == "off")) {
    f.silent = w[2] == "on";
    reply = f.silent ? "ok: silent (unplugged)" : "ok: answering again";
    return true;
  }
  if ((what == "drop" || what == "corrupt") && w.size() == 3) {
    const auto p = number_in(w[2], 0.0, 1.0);
    if (!p) return fail(reply, "probability must be a number in 0..1");
    (what == "drop" ? f.drop_probability : f.corrupt_byte_rate) = *p;
    reply = "ok: " + std::string(what) + " " + std::string(w[2]);
    return true;
  }
  if (what == "late" && w.size() == 3) {
    const auto ms = number_in(w[2], 0.0, 60000.0);
    if (!ms) return fail(reply, "late needs milliseconds in 0..60000");
    f.late_ms = static_cast<int>(std::lround(*ms));
    reply = "ok: late " + std::to_string(f.late_ms) + " ms";
    return true;
  }
  if (what == "cell-drift" && w.size() == 3 && w[2] == "off") {
    f.drift_cell = 0;
    f.drift_mv_per_min = 0.0;
    reply = "ok: drift stopped (accumulated offset kept; 'fault clear' removes it)";
    return true;
  }
  if (what == "cell-drift" && w.size() == 4) {
    const auto cell = number_in(w[2], 1, sim.truth().cell_count);
    const auto rate = number_in(w[3], -1000.0, 1000.0);
    if (!cell || *cell != std::floor(*cell)) {
      return fail(reply, "cell must be 1.." + std::to_string(sim.truth().cell_count));
    }
    if (!rate) return fail(reply, "rate must be mV per model minute in -1000..1000");
    f.drift_cell = static_cast<int>(*cell);
    f.drift_mv_per_min = *rate;
    reply = "ok: cell " + std::string(w[2]) + " drifting " + std::string(w[3]) + " mV/min";
    return true;
  }
  if (what == "hot-sensor" && (w.size() == 4)) {
    const auto sensor = number_in(w[2], 0, 2);
    if (!sensor || *sensor != std::floor(*sensor)) {
      return fail(reply, "sensor must be 0 (internal), 1 or 2 (external)");
    }
    auto& slot = f.sensor_override_c[static_cast<std::size_t>(*sensor)];
    if (w[3] == "off") {
      slot.reset();
      reply = "ok: sensor " + std::string(w[2]) + " reads normally";
      return true;
    }
    const auto temp = number_in(w[3], -40.0, 150.0);
    if (!temp) return fail(reply, "temperature must be degC in -40..150, or off");
    slot = *temp;
    reply = "ok: sensor " + std::string(w[2]) + " reads " + std::string(w[3]) + " degC";
    return true;
  }
  return fail(reply, "unknown fault command; " + std::string(kHelp));
}

bool load_command(Simulator& sim, const std::vector<std::string_view>& w, std::string& reply) {
  if (w.size() == 2 && w[1] == "solar") {
    sim.set_load(LoadProfile::solar_day(solar_day_for(sim.config().chemistry)));
    reply = "ok: solar day";
    return true;
  }
  if (w.size() == 3 && (w[1] == "current" || w[1] == "power")) {
    const bool current = w[1] == "current";
    const auto v = current ? number_in(w[2], -10000.0, 10000.0) : number_in(w[2], -1e6, 1e6);
    if (!v) return fail(reply, current ? "current must be A in -10000..10000" : "power must be W");
    sim.set_load(current ? LoadProfile::constant_current(*v) : LoadProfile::constant_power(*v));
    reply = "ok: load " + std::string(w[1]) + " " + std::string(w[2]);
    return true;
  }
  return fail(reply, "usage: load current A | load power W | load solar");
}

}  // namespace

bool apply_command(Simulator& sim, std::string_view line, std::string& reply) {
  const auto w = words_of(line);
  if (w.empty()) return fail(reply, "empty command; " + std::string(kHelp));
  if (w[0] == "fault") return fault_command(sim, w, reply);
  if (w[0] == "load") return load_command(sim, w, reply);
  if (w[0] == "ambient" && w.size() == 2) {
    const auto c = number_in(w[1], -40.0, 80.0);
    if (!c) return fail(reply, "ambient must be degC in -40..80");
    sim.set_ambient_c(*c);
    reply = "ok: ambient " + std::string(w[1]) + " degC";
    return true;
  }
  if (w[0] == "status" && w.size() == 1) {
    reply = status_line(sim);
    return true;
  }
  if (w[0] == "help" && w.size() == 1) {
    reply = kHelp;
    return true;
  }
  return fail(reply, "unknown command '" + std::string(line) + "'; " + std::string(kHelp));
}

}  // namespace tbgw::sim
