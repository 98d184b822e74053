// Records conversations between the gateway's Poller and the TinyBMS simulator as seeds of
// tinybms_poller_fuzz, in that target's script form (time steps of 10 ms, the simulator's bytes
// as they arrive, a settings write from the owner). Replaying a seed through the fuzz target
// drives the poller through the same exchange: version, settings, live refreshes, events,
// statistics and a verified write. Usage: record_poller_seeds DIR (writes DIR/sim-*.bin).
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <variant>
#include <vector>

#include "core/tinybms/poller.hpp"
#include "sim/simulator.hpp"

namespace {

using namespace tbgw;

constexpr Millis kStart = 1'000'000;  // the fuzz target's clock starts here
constexpr Millis kStepMs = 10;
constexpr std::uint8_t kOpStep = (1U << 2) | 0U;  // op 0, one step
constexpr std::uint8_t kOpBytes = 1;
constexpr std::uint8_t kOpWrite = 3;

struct Seed {
  const char* name;
  sim::Chemistry chemistry;
  int cells;
  Millis duration_ms;
  Millis write_at_ms;  // 0: no write
};

struct Recording {
  std::vector<std::uint8_t> script;
  int snapshots = 0;
  int settings = 0;
  int writes_verified = 0;
};

Recording record(const Seed& seed) {
  sim::SimConfig config;
  config.chemistry = seed.chemistry;
  config.cells = seed.cells;
  sim::Simulator bms(config);
  tinybms::Poller poller{tinybms::PollerConfig{}};
  Recording out;
  std::vector<std::uint8_t>& script = out.script;
  Millis now = kStart;
  const auto send = [&](Millis t) {
    if (const auto request = poller.poll(t)) bms.on_bytes(request->bytes(), t);
  };
  send(now);
  while (now < kStart + seed.duration_ms) {
    now += kStepMs;
    script.push_back(kOpStep);
    send(now);
    bms.advance(now);
    std::array<std::uint8_t, 255> buf{};
    while (const std::size_t n = bms.take_output(now, buf)) {
      script.push_back(kOpBytes);
      script.push_back(static_cast<std::uint8_t>(n));
      script.insert(script.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
      poller.on_bytes(std::span(buf).first(n), now);
    }
    if (seed.write_at_ms != 0 && now == kStart + seed.write_at_ms) {
      // Register 300 (fully charged, mV) to 3500: offset 0, value little-endian.
      const tinybms::RegisterWrite write{300, 3500};
      script.insert(script.end(), {kOpWrite, 0, 3500 & 0xFF, 3500 >> 8});
      (void)poller.request_write(std::span(&write, 1));
    }
    while (const auto event = poller.next_event()) {
      if (std::holds_alternative<msg::BatterySnapshot>(*event)) ++out.snapshots;
      if (std::holds_alternative<tinybms::BmsSettings>(*event)) ++out.settings;
      if (const auto* w = std::get_if<tinybms::SettingsWriteResult>(&*event)) {
        out.writes_verified += w->status == tinybms::WriteStatus::verified ? 1 : 0;
      }
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: record_poller_seeds DIR\n");
    return 2;
  }
  const Seed seeds[] = {
      {"sim-lfp16", sim::Chemistry::lfp, 16, 2'500, 0},
      {"sim-nmc8-write", sim::Chemistry::nmc, 8, 3'000, 1'500},
      {"sim-lto5", sim::Chemistry::lto, 5, 1'500, 0},
  };
  for (const Seed& seed : seeds) {
    const Recording r = record(seed);
    const std::vector<std::uint8_t>& script = r.script;
    const std::string path = std::string(argv[1]) + "/" + seed.name + ".bin";
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr || std::fwrite(script.data(), 1, script.size(), f) != script.size()) {
      std::fprintf(stderr, "cannot write %s\n", path.c_str());
      return 1;
    }
    std::fclose(f);
    std::printf("%s: %zu bytes, %d snapshots, %d settings reads, %d verified writes\n",
                path.c_str(), script.size(), r.snapshots, r.settings, r.writes_verified);
  }
  return 0;
}
