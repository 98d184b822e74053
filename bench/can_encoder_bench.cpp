// Throughput of the Victron CAN side of the core: full frame sets encoded per second (the
// figure to compare with the old firmware's 450 CAN frames/s), alarm evaluation, and the
// decode + describe path of `tinybms-gw encode`. The gateway needs one set per second, so any
// figure above a few thousand sets/s leaves the encoder invisible in the CPU budget, also on a
// microcontroller.
#include <benchmark/benchmark.h>

#include <cstdint>

#include "core/msg/battery_alarms.hpp"
#include "core/msg/battery_snapshot.hpp"
#include "core/msg/charge_decision.hpp"
#include "core/tinybms/bms_settings.hpp"
#include "core/victron/alarm_evaluator.hpp"
#include "core/victron/frame_decoder.hpp"
#include "core/victron/frame_encoder.hpp"
#include "fixtures/pack_settings.hpp"

namespace {

using namespace tbgw;

msg::BatterySnapshot snapshot(int i) {
  msg::BatterySnapshot s;
  s.cell_count = 16;
  for (std::size_t c = 0; c < 16; ++c) {
    s.cell_mv[c] = 3300.0F + static_cast<float>((c * 7 + static_cast<std::size_t>(i)) % 40);
  }
  s.pack_voltage_v = 53.1F;
  s.pack_current_a = -12.3F + static_cast<float>(i % 10);
  s.soc_pct = 64.25;
  s.soh_pct = 97.0F;
  s.soh_valid = true;
  s.temps_c = {31.0F, 22.5F, 23.0F};
  s.temp_present = {true, true, true};
  s.online_status = msg::OnlineStatus::discharging;
  return s;
}

tinybms::BmsSettings settings() {
  return test::lfp_pack_settings();
}

msg::ChargeDecision decision() {
  msg::ChargeDecision d;
  d.valid = true;
  d.cvl_v = 55.2F;
  d.ccl_a = 100.0F;
  d.dcl_a = 150.0F;
  d.dvl_v = 44.8F;
  return d;
}

void encode_set(benchmark::State& state, const victron::EncoderIdentity& identity) {
  const victron::FrameEncoder encoder{identity};
  const auto st = settings();
  const auto d = decision();
  msg::BatteryAlarms a;
  a.level.fill(msg::AlarmLevel::ok);
  a.online = true;
  victron::FrameSet out;
  std::int64_t frames = 0;
  int i = 0;
  for (auto _ : state) {
    const auto s = snapshot(i++);
    const auto r = encoder.encode({s, d, a, st, {123'456.0, 78'900.0}}, out);
    benchmark::DoNotOptimize(out);
    frames += static_cast<std::int64_t>(r.ok() ? *r : 0);
  }
  state.SetItemsProcessed(frames);  // items/s = CAN frames encoded per second
  state.counters["sets/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_EncodeFrameSet_Default(benchmark::State& state) {
  encode_set(state, victron::EncoderIdentity{});  // 14 frames
}
BENCHMARK(BM_EncodeFrameSet_Default);

void BM_EncodeFrameSet_AllOptional(benchmark::State& state) {
  encode_set(state, *victron::make_identity("MyPack48", "MyPack48 LFP 16S", "DIY", true));  // 18
}
BENCHMARK(BM_EncodeFrameSet_AllOptional);

void BM_EvaluateAlarms(benchmark::State& state) {
  victron::AlarmEvaluator eval;
  const auto st = settings();
  Millis now = 0;
  int i = 0;
  for (auto _ : state) {
    now += 1000;
    const auto a = eval.evaluate(snapshot(i++), &st, msg::LinkStatus::up, now);
    benchmark::DoNotOptimize(a);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EvaluateAlarms);

void BM_DecodeAndDescribeSet(benchmark::State& state) {
  const victron::FrameEncoder encoder{
      *victron::make_identity("MyPack48", "MyPack48 LFP 16S", "DIY", true)};
  const auto st = settings();
  const auto d = decision();
  msg::BatteryAlarms a;
  a.level.fill(msg::AlarmLevel::ok);
  victron::FrameSet set;
  const auto s = snapshot(0);
  (void)encoder.encode({s, d, a, st, {}}, set);
  for (auto _ : state) {
    for (const auto& f : set.view()) {
      const auto text = victron::describe(f);
      benchmark::DoNotOptimize(text);
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(set.count));
}
BENCHMARK(BM_DecodeAndDescribeSet);

}  // namespace

BENCHMARK_MAIN();
