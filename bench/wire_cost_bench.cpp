// Bytes on the UART per full live refresh (kLiveRegisters), for each way of reading it.
//
// The figures that matter are the counters, not the timings: `bytes` (request + reply bytes of
// one refresh), `requests` (round trips) and `line_ms` (line time at 115200 8N1, 11,520 bytes/s).
// The timed loop is the planner itself (what the poller runs when it (re)plans), or nothing
// for the fixed strategies.
#include <benchmark/benchmark.h>

#include <cstddef>

#include "core/tinybms/block_plan.hpp"
#include "core/tinybms/snapshot_decoder.hpp"

namespace {

using namespace tbgw::tinybms;

constexpr double kLineBytesPerSecond = 11520.0;

void report(benchmark::State& state, std::size_t bytes, std::size_t requests) {
  state.counters["bytes"] = static_cast<double>(bytes);
  state.counters["requests"] = static_cast<double>(requests);
  state.counters["line_ms"] = static_cast<double>(bytes) * 1000.0 / kLineBytesPerSecond;
}

// One 0x03 read of 0-55, as the spec's example.
void BM_LiveRefresh_SingleRead0to55(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(Block{0, 56}.wire_bytes());
  report(state, Block{0, 56}.wire_bytes(), 1);
}

void plan_bench(benchmark::State& state, ReservedSpan reserved) {
  BlockPlan plan;
  for (auto _ : state) {
    auto r = plan_reads(kLiveRegisters, {.reserved = reserved});
    if (!r.ok()) {
      state.SkipWithError(to_string(r.error()));
      return;
    }
    plan = *r;
    benchmark::DoNotOptimize(plan);
  }
  report(state, plan.wire_bytes(), plan.count);
}

// The planner's cheapest plan, reading reserved registers where that saves bytes.
void BM_LiveRefresh_PlanReservedAllowed(benchmark::State& state) {
  plan_bench(state, ReservedSpan::allowed);
}

// The planner's plan that never reads a reserved register (the poller's fallback).
void BM_LiveRefresh_PlanReservedForbidden(benchmark::State& state) {
  plan_bench(state, ReservedSpan::forbidden);
}

// One 0x03 request per wanted register.
void BM_LiveRefresh_OneRequestPerRegister(benchmark::State& state) {
  const std::size_t n = count_wanted(kLiveRegisters);
  for (auto _ : state) benchmark::DoNotOptimize(n * Block{0, 1}.wire_bytes());
  report(state, n * Block{0, 1}.wire_bytes(), n);
}

// The bound: one request, one reply header, 2 bytes per wanted register, nothing else.
void BM_LiveRefresh_TheoreticalMinimum(benchmark::State& state) {
  std::size_t bytes = 0;
  for (auto _ : state) {
    bytes = theoretical_min_wire_bytes(kLiveRegisters);
    benchmark::DoNotOptimize(bytes);
  }
  report(state, bytes, 1);
}

BENCHMARK(BM_LiveRefresh_SingleRead0to55);
BENCHMARK(BM_LiveRefresh_PlanReservedAllowed);
BENCHMARK(BM_LiveRefresh_PlanReservedForbidden);
BENCHMARK(BM_LiveRefresh_OneRequestPerRegister);
BENCHMARK(BM_LiveRefresh_TheoreticalMinimum);

}  // namespace

BENCHMARK_MAIN();
