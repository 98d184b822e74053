// golden_main: the core's behaviour as text, for comparing a host build with a Cortex-M3 build
// byte for byte (issue 6, scripts/test-mcu.sh).
//
// Theory of operation. Configuration goes through the schema (apply_settings: one good and one
// refused batch), then the recorded TinyBMS exchange (tests/mcu/golden_vectors.hpp, made on the
// host from the simulator) is replayed on the fake clock of tests/mcu/golden_timeline.hpp: every
// step polls the poller, checks that the request it sends equals the recorded one, and feeds the
// reply bytes recorded at that instant. Poller events drive the charge controller and the alarm
// evaluator; every CAN cycle ticks the controller, encodes the Victron frame set and prints it
// with the decision, its reasons and every alarm-rule change. Then the CAN frame schedule runs
// its scripted sequence (tests/mcu/can_schedule_script.hpp: updates, sends answered
// queued/full/error, a stalled loop, invalidate, GX frames) and every send attempt is checked
// against the one recorded on the host (kCanSends) and printed. Nothing here reads a clock or
// depends on the platform except report_platform() (the MCU's peak stack, on "#mcu " lines).
//
// Heap: operator new is replaced to count allocations; the running path must make none (newlib's
// printf buffers use malloc, not operator new, and are not counted).
//
// Bounds: every object is static (the MCU stack stays small); output ~100 KB.
#include <array>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string_view>
#include <variant>

#include "core/config/config_validate.hpp"
#include "core/config/gateway_config.hpp"
#include "core/config/to_charge_params.hpp"
#include "core/config/to_poller_config.hpp"
#include "core/control/charge_controller.hpp"
#include "core/tinybms/poller.hpp"
#include "core/victron/alarm_evaluator.hpp"
#include "core/victron/can_schedule.hpp"
#include "core/victron/frame_encoder.hpp"
#include "mcu/platform_report.hpp"
#include "tests/mcu/can_schedule_script.hpp"
#include "tests/mcu/golden_timeline.hpp"
#include "tests/mcu/golden_vectors.hpp"

namespace {

unsigned long g_allocations = 0;

namespace cfg = tbgw::config;
namespace v = tbgw::mcu::vectors;
using tbgw::Millis;

unsigned long ul(std::size_t n) {
  return static_cast<unsigned long>(n);
}

const char* phase_name(tbgw::msg::ChargePhase p) {
  static constexpr std::array<const char*, 5> kNames{"none", "bulk", "absorption", "float",
                                                     "blocked"};
  return kNames[static_cast<std::size_t>(p)];
}

const char* level_name(tbgw::msg::AlarmLevel l) {
  static constexpr std::array<const char*, 4> kNames{"unsupported", "ok", "warning", "alarm"};
  return kNames[static_cast<std::size_t>(l)];
}

void print_errors(const char* what, const cfg::ConfigErrors& errors) {
  std::printf("config %s: %s\n", what, errors.ok() ? "accepted" : "refused");
  for (const cfg::ConfigError& e : errors) {
    const std::string_view kind = cfg::to_string(e.kind);
    std::printf("  %.*s %.*s\n", static_cast<int>(kind.size()), kind.data(),
                static_cast<int>(e.key.view().size()), e.key.view().data());
  }
}

struct Gateway {
  cfg::GatewayConfig config;
  tbgw::tinybms::Poller poller{tbgw::tinybms::PollerConfig{}};
  tbgw::control::ChargeController controller;
  tbgw::victron::AlarmEvaluator evaluator;
  tbgw::victron::FrameEncoder encoder;
  tbgw::msg::BatterySnapshot snapshot{};
  tbgw::tinybms::BmsSettings settings{};
  bool have_settings = false;
  tbgw::msg::LinkStatus link = tbgw::msg::LinkStatus::connecting;
  tbgw::msg::BatteryAlarms alarms{};
  std::array<tbgw::msg::AlarmLevel, tbgw::victron::AlarmEvaluator::kRules> rule_levels{};
  tbgw::victron::FrameSet frames{};
  std::size_t tx_index = 0, rx_index = 0, tx_mismatches = 0;
};

Gateway g_gw;
tbgw::victron::CanSchedule g_can{tbgw::mcu::can_script::kConfig};

void configure(Gateway& gw) {
  const std::array<cfg::ConfigSetting, 2> good{{
      {"stale.policy", std::string_view{"hold_safe"}},
      {"can.battery_name", std::string_view{"TinyBMS"}},
  }};
  print_errors("batch 1", cfg::apply_settings(gw.config, good));
  const std::array<cfg::ConfigSetting, 2> bad{{
      {"poll.live_interval_ms", std::int64_t{5}},
      {"no.such_key", true},
  }};
  print_errors("batch 2", cfg::apply_settings(gw.config, bad));
  gw.poller.set_config(cfg::to_poller_config(gw.config));
  gw.controller.set_params(cfg::to_charge_params(gw.config));
  gw.evaluator.set_thresholds(cfg::to_alarm_thresholds(gw.config));
  auto id = tbgw::victron::make_identity(
      gw.config.can_manufacturer_name.view(), gw.config.can_battery_name.view(),
      gw.config.can_family_name.view(), gw.config.can_send_0x35c);
  std::printf("identity: %s\n", id.ok() ? "ok" : tbgw::victron::to_string(id.error()));
  if (id.ok()) gw.encoder.set_identity(id.value());
}

void on_event(Gateway& gw, const tbgw::tinybms::PollerEvent& ev, Millis now) {
  if (const auto* s = std::get_if<tbgw::msg::BatterySnapshot>(&ev)) {
    gw.snapshot = *s;
    gw.controller.update(*s, gw.settings, now);
    gw.alarms = gw.evaluator.evaluate(*s, gw.have_settings ? &gw.settings : nullptr, gw.link, now);
    for (std::size_t i = 0; i < gw.rule_levels.size(); ++i) {
      const auto& st = gw.evaluator.rule_status()[i];
      if (st.level == gw.rule_levels[i]) continue;
      gw.rule_levels[i] = st.level;
      std::printf("%lld alarm %.*s -> %s value=%.1f warn=%.1f alarm=%.1f\n",
                  static_cast<long long>(now), static_cast<int>(st.name.size()), st.name.data(),
                  level_name(st.level), static_cast<double>(st.value),
                  static_cast<double>(st.warning), static_cast<double>(st.alarm));
    }
  } else if (const auto* l = std::get_if<tbgw::msg::LinkState>(&ev)) {
    gw.link = l->status;
    gw.controller.on_link(*l, now);
    std::printf("%lld link %s (%s)\n", static_cast<long long>(now), tbgw::msg::to_string(l->status),
                tbgw::msg::to_string(l->reason));
  } else if (const auto* b = std::get_if<tbgw::tinybms::BmsSettings>(&ev)) {
    gw.settings = *b;
    gw.have_settings = b->series_cells != 0;
    std::printf("%lld settings series_cells=%u\n", static_cast<long long>(now),
                static_cast<unsigned>(b->series_cells));
  } else if (std::holds_alternative<tbgw::tinybms::VersionInfo>(ev)) {
    std::printf("%lld version read\n", static_cast<long long>(now));
  }
}

void can_cycle(Gateway& gw, Millis now) {
  const tbgw::msg::ChargeDecision d = gw.controller.tick(now);
  std::printf("%lld decision valid=%d phase=%s cvl=%.2f ccl=%.1f dcl=%.1f dvl=%.2f\n",
              static_cast<long long>(now), d.valid ? 1 : 0, phase_name(d.phase),
              static_cast<double>(d.cvl_v), static_cast<double>(d.ccl_a),
              static_cast<double>(d.dcl_a), static_cast<double>(d.dvl_v));
  std::printf("  cvl: %s\n  ccl: %s\n  dcl: %s\n  phase: %s\n", d.cvl_reason.data(),
              d.ccl_reason.data(), d.dcl_reason.data(), d.phase_reason.data());
  if (!d.valid) return;
  auto n = gw.encoder.encode({gw.snapshot, d, gw.alarms, gw.settings, {}}, gw.frames);
  if (!n.ok()) {
    std::printf("  encode refused: %s\n", tbgw::victron::to_string(n.error()));
    return;
  }
  for (const tbgw::victron::CanFrame& f : gw.frames.view()) {
    std::printf("  %03X#", static_cast<unsigned>(f.id));
    for (std::size_t i = 0; i < f.dlc; ++i) std::printf("%02X", f.data[i]);
    std::printf("\n");
  }
}

void step(Gateway& gw, Millis now) {
  if (auto req = gw.poller.poll(now)) {
    const v::Chunk* c = gw.tx_index < v::kTxChunks.size() ? &v::kTxChunks[gw.tx_index] : nullptr;
    bool same = c != nullptr && c->at_ms == now && c->size == req->size;
    for (std::size_t i = 0; same && i < c->size; ++i) {
      same = v::kTxBytes[c->offset + i] == req->data[i];
    }
    if (!same) {
      ++gw.tx_mismatches;
      std::printf("%lld request differs from the recording\n", static_cast<long long>(now));
    }
    ++gw.tx_index;
  }
  if (gw.rx_index < v::kRxChunks.size() && v::kRxChunks[gw.rx_index].at_ms == now) {
    const v::Chunk& c = v::kRxChunks[gw.rx_index++];
    gw.poller.on_bytes({v::kRxBytes.data() + c.offset, c.size}, now);
  }
  while (auto ev = gw.poller.next_event()) on_event(gw, *ev, now);
  if (now % tbgw::mcu::kCanCycleMs == 0) can_cycle(gw, now);
}

const char* result_name(tbgw::victron::CanSendResult r) {
  static constexpr std::array<const char*, 3> kNames{"queued", "full", "error"};
  return kNames[static_cast<std::size_t>(r)];
}

// The schedule's scripted run; returns the number of send attempts that differ from the
// recording (a missing or extra attempt counts too).
std::size_t run_can_schedule() {
  namespace script = tbgw::mcu::can_script;
  std::size_t index = 0, differ = 0, rejected = 0;
  script::run(
      g_can,
      [&](const script::Send& s) {
        const v::CanSend* r = index < v::kCanSends.size() ? &v::kCanSends[index] : nullptr;
        const bool same = r != nullptr && r->at_us == s.at_us && r->id == s.id &&
                          r->data0 == s.data0 && r->result == static_cast<unsigned>(s.result);
        if (!same) ++differ;
        std::printf("%lld can %03X v%u %s%s\n", static_cast<long long>(s.at_us),
                    static_cast<unsigned>(s.id), static_cast<unsigned>(s.data0),
                    result_name(s.result), same ? "" : " (differs from the recording)");
        ++index;
      },
      [](tbgw::Micros at_us, bool present) {
        std::printf("%lld can gx %s\n", static_cast<long long>(at_us),
                    present ? "present" : "silent");
      },
      [&](tbgw::Micros) { ++rejected; });
  const std::size_t recorded = v::kCanSends.size();
  differ += index > recorded ? index - recorded : recorded - index;  // missing or extra attempts
  const auto& st = g_can.stats();
  std::printf("can schedule: %lu attempts, %lu recorded, %lu differ, %lu updates refused\n",
              ul(index), ul(recorded), ul(differ), ul(rejected));
  std::printf(
      "can stats: updates=%lu invalidations=%lu cycles=%lu full_cycles=%lu sent=%lu full=%lu "
      "error=%lu dropped=%lu overruns=%lu keepalive_late=%lu rx=%lu\n",
      ul(st.updates), ul(st.invalidations), ul(st.cycles), ul(st.full_cycles), ul(st.frames_sent),
      ul(st.frames_full), ul(st.frames_error), ul(st.frames_dropped), ul(st.overruns),
      ul(st.keepalive_late), ul(st.rx_frames));
  const auto& c = st.cadence;
  std::printf(
      "can cadence: samples=%lu min_us=%lld max_us=%lld mean_us=%.1f stddev_us=%.1f "
      "max_abs_jitter_us=%lld\n",
      ul(c.samples), static_cast<long long>(c.min_us), static_cast<long long>(c.max_us), c.mean_us,
      c.stddev_us, static_cast<long long>(c.max_abs_jitter_us));
  const auto& gx = g_can.gx();
  std::printf("can gx: present=%d keepalives=%lu identifications=%lu\n", gx.present ? 1 : 0,
              ul(gx.keepalives_305), ul(gx.identifications_307));
  return differ + rejected;
}

}  // namespace

void* operator new(std::size_t size) {
  ++g_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  std::abort();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

int main() {
  // %lu, not %zu: Debian's newlib is built without the C99 printf formats.
  std::printf("golden: %lu request chunks, %lu reply chunks, %lu reply bytes\n",
              ul(v::kTxChunks.size()), ul(v::kRxChunks.size()), ul(v::kRxBytes.size()));
  configure(g_gw);
  const unsigned long allocations_before = g_allocations;
  for (Millis t = 0; t <= tbgw::mcu::kEndMs; t += tbgw::mcu::kStepMs) step(g_gw, t);
  std::printf("requests: %lu sent, %lu recorded, %lu differ\n", ul(g_gw.tx_index),
              ul(v::kTxChunks.size()), ul(g_gw.tx_mismatches));
  const tbgw::tinybms::LinkStats& st = g_gw.poller.stats();
  std::printf(
      "link: requests=%lu responses=%lu retries=%lu timeouts=%lu crc_errors=%lu "
      "snapshots=%lu link_losses=%lu\n",
      ul(st.requests), ul(st.responses), ul(st.retries), ul(st.timeouts), ul(st.crc_errors),
      ul(st.snapshots), ul(st.link_losses));
  const std::size_t can_differ = run_can_schedule();
  std::printf("heap allocations in the running path: %lu\n", g_allocations - allocations_before);
  std::printf("golden: end\n");
  tbgw::mcu::report_platform();
  const bool ok = g_gw.tx_mismatches == 0 && g_gw.tx_index == v::kTxChunks.size() &&
                  can_differ == 0 && g_allocations == allocations_before;
  return ok ? 0 : 1;
}
