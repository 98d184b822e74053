// A real gateway for the API tests: an io_context, the in-process simulator behind a pty, a
// Gateway with a temp state dir and a log: CAN backend, and an ApiRouter on its services.
// call() hands one request to the router and runs the loop until the reply arrives. Waits are
// bounded by a generous hang guard (kGuard), never used as a pass/fail threshold.
#pragma once

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include "app/api/api_router.hpp"
#include "app/service/config_loader.hpp"
#include "app/service/gateway.hpp"
#include "app/service/gateway_services.hpp"
#include "app/service/sim_setup.hpp"
#include "core/config/config_validate.hpp"
#include "integration/error_text.hpp"
#include "integration/temp_dir.hpp"

namespace tbgw::test {

using app::api::ApiRequest;
using app::api::ApiResponse;
using app::api::Principal;
using nlohmann::json;

inline constexpr auto kGuard = std::chrono::seconds(60);

class ApiHarness {
 public:
  // `before_start` may prepare the state dir (a history database) before the gateway opens it.
  explicit ApiHarness(const std::function<void(const std::filesystem::path&)>& before_start = {}) {
    options_.state_dir = dir_.path().string();
    options_.simulate = true;
    options_.sim.cells = 16;
    if (before_start) before_start(dir_.path());
    const auto loaded = app::load_config(options_, dir_.path());
    EXPECT_TRUE(loaded.ok());
    config::GatewayConfig cfg = loaded ? loaded->config : config::GatewayConfig{};
    const std::string can_spec = "log:" + (dir_.path() / "can.log").string();
    EXPECT_TRUE(config::set(cfg, "can.backend", std::string_view(can_spec)).ok());
    auto started = app::start_simulator(io_, options_.sim);
    EXPECT_TRUE(started) << test::error_text(started);
    if (started) sim_ = std::move(*started);
    gateway_ = std::make_unique<app::Gateway>(io_, options_, cfg, dir_.path(), sim_->device_path());
    const auto started_gateway = gateway_->start();
    EXPECT_TRUE(started_gateway) << test::error_text(started_gateway);
    router_ = std::make_unique<app::api::ApiRouter>(io_, gateway_->services());
  }

  ~ApiHarness() {
    router_->stop();
    router_.reset();
    gateway_->stop();
    sim_->stop();
    io_.run_for(std::chrono::milliseconds(50));
  }

  bool run_until(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + kGuard;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      io_.run_one_for(std::chrono::milliseconds(100));
    }
    return true;
  }
  void run_for(std::chrono::milliseconds d) { io_.run_for(d); }

  ApiResponse call(std::string_view method, std::string_view path, std::string_view body = {},
                   std::string_view query = {}, Principal who = Principal::admin) {
    std::optional<ApiResponse> out;
    int replies = 0;
    ApiRequest rq;
    rq.method = method;
    rq.path = path;
    rq.query = query;
    rq.content_type = body.empty() ? std::string_view() : std::string_view("application/json");
    rq.body = body;
    rq.principal = who;
    rq.principal_name = "test";
    rq.remote = "127.0.0.1:1";
    router_->handle(rq, [&](ApiResponse r) {
      ++replies;
      out = std::move(r);
    });
    EXPECT_TRUE(run_until([&] { return out.has_value(); })) << method << " " << path;
    EXPECT_EQ(replies, 1);
    if (out && out->stream) out->body = drain(*out->stream);
    return out.value_or(ApiResponse{});
  }
  // Reads a streamed body to its end the way the server does: one piece at a time.
  std::string drain(app::api::BodyStream& stream) {
    std::string body;
    for (bool last = false; !last;) {
      bool got = false, failed = false;
      stream.next([&](std::string piece, bool is_last, bool is_failed) {
        body += piece;
        last = is_last;
        failed = is_failed;
        got = true;
      });
      EXPECT_TRUE(run_until([&] { return got; }));
      EXPECT_FALSE(failed);
      if (!got || failed) break;
      ++pieces_drained;
    }
    return body;
  }
  int pieces_drained = 0;
  json call_json(std::string_view method, std::string_view path, std::string_view body = {},
                 std::string_view query = {}) {
    const ApiResponse r = call(method, path, body, query);
    return json::parse(r.body, nullptr, false);
  }

  void wait_for_snapshot() {
    ASSERT_TRUE(run_until([&] { return channels().snapshot.latest() != nullptr; }));
  }
  void wait_for_settings() {
    ASSERT_TRUE(run_until([&] { return channels().settings.latest() != nullptr; }));
  }

  const app::Channels& channels() { return gateway_->services().channels(); }
  app::GatewayServices& services() { return gateway_->services(); }
  app::api::ApiRouter& router() { return *router_; }
  sim::SimulatorHost& sim() { return *sim_; }
  const std::filesystem::path& state_dir() const { return dir_.path(); }
  std::string config_file_text() const {
    std::ifstream in(dir_.path() / "config.json");
    if (!in) return "<absent>";
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  TempDir dir_;
  app::Options options_;
  boost::asio::io_context io_;
  std::unique_ptr<sim::SimulatorHost> sim_;
  std::unique_ptr<app::Gateway> gateway_;
  std::unique_ptr<app::api::ApiRouter> router_;
};

// Every 4xx/5xx body has the error shape of api_types.hpp.
inline ::testing::AssertionResult has_error_shape(const ApiResponse& r) {
  const json j = json::parse(r.body, nullptr, false);
  if (j.is_discarded()) return ::testing::AssertionFailure() << "not JSON: " << r.body;
  if (!j.contains("error") || !j["error"].is_object())
    return ::testing::AssertionFailure() << "no error object: " << r.body;
  const json& e = j["error"];
  if (!e.contains("status") || e["status"] != r.status || !e.contains("code") ||
      !e["code"].is_string() || !e.contains("message") || !e["message"].is_string()) {
    return ::testing::AssertionFailure() << "bad error object: " << r.body;
  }
  return ::testing::AssertionSuccess();
}

}  // namespace tbgw::test
