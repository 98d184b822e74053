// API rendering cost (issue 10): ApiRouter::status_json() and the /metrics text, on a real
// gateway fed by the in-process simulator with 16 cells (the largest pack: the most cells to
// render). Both run on the event loop for every request or WebSocket tick, so their cost is
// loop time taken from the CAN cadence. Figures go to docs/performance.md ("API handlers").
#include <benchmark/benchmark.h>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "app/api/api_router.hpp"
#include "app/service/config_loader.hpp"
#include "app/service/gateway.hpp"
#include "app/service/gateway_services.hpp"
#include "app/service/sim_setup.hpp"
#include "core/config/config_validate.hpp"

namespace {

using namespace tbgw;

// One running gateway for the whole benchmark process.
struct Rig {
  Rig() {
    char templ[] = "/tmp/tbgw-api-bench-XXXXXX";
    dir = ::mkdtemp(templ);
    options.state_dir = dir.string();
    options.simulate = true;
    options.sim.cells = 16;
    const auto loaded = app::load_config(options, dir);
    config::GatewayConfig cfg = loaded ? loaded->config : config::GatewayConfig{};
    const std::string can_spec = "log:" + (dir / "can.log").string();
    (void)config::set(cfg, "can.backend", std::string_view(can_spec));
    (void)config::set(cfg, "log.level", std::string_view("warn"));
    auto started = app::start_simulator(io, options.sim);
    if (!started) {
      std::fprintf(stderr, "simulator: %s\n", platform::to_string(started.error()).c_str());
      std::abort();
    }
    sim = std::move(*started);
    gateway = std::make_unique<app::Gateway>(io, options, cfg, dir, sim->device_path());
    if (const auto up = gateway->start(); !up) {
      std::fprintf(stderr, "gateway: %s\n", platform::to_string(up.error()).c_str());
    }
    router = std::make_unique<app::api::ApiRouter>(io, gateway->services());
    auto& ch = gateway->services().channels();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while ((ch.snapshot.latest() == nullptr || ch.decision.latest() == nullptr) &&
           std::chrono::steady_clock::now() < deadline) {
      io.run_one_for(std::chrono::milliseconds(100));
    }
  }
  ~Rig() {
    router->stop();
    router.reset();
    gateway->stop();
    sim->stop();
    io.run_for(std::chrono::milliseconds(50));
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  std::filesystem::path dir;
  app::Options options;
  boost::asio::io_context io;
  std::unique_ptr<sim::SimulatorHost> sim;
  std::unique_ptr<app::Gateway> gateway;
  std::unique_ptr<app::api::ApiRouter> router;
};

Rig& rig() {
  static Rig r;
  return r;
}

void BM_StatusJson16Cells(benchmark::State& state) {
  auto& r = rig();
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string s = r.router->status_json();
    bytes = s.size();
    benchmark::DoNotOptimize(s);
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_StatusJson16Cells);

void BM_MetricsText16Cells(benchmark::State& state) {
  auto& r = rig();
  app::api::ApiRequest rq;
  rq.method = "GET";
  rq.path = "/metrics";
  rq.principal = app::api::Principal::admin;
  std::size_t bytes = 0;
  for (auto _ : state) {
    r.router->handle(rq, [&](app::api::ApiResponse resp) {
      bytes = resp.body.size();
      benchmark::DoNotOptimize(resp.body);
    });
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_MetricsText16Cells);

void BM_CanFramesJson(benchmark::State& state) {
  auto& r = rig();
  for (auto _ : state) {
    std::string s = r.router->can_frames_json();
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_CanFramesJson);

}  // namespace

BENCHMARK_MAIN();
