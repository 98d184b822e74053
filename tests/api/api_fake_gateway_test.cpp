// The ApiRouter against FakeGatewayServices: the answers the real gateway rarely gives, driven
// directly (a failed energy reset, a settings write the poller refuses or the BMS never
// answers, configuration patch errors, status before the first snapshot, alert acknowledgement
// in each state), checked against docs/api.md and docs/openapi.yaml. Also: the router's bus
// subscription and face reporter end with it. No simulator, no pty, no gateway: every reply
// here comes synchronously or from a message the test publishes.
#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>

#include "app/api/api_router.hpp"
#include "fake_gateway_services.hpp"
#include "integration/temp_dir.hpp"
#include "platform/linux/clock.hpp"

namespace tbgw::test {
namespace {

using app::api::ApiRequest;
using app::api::ApiResponse;
using app::api::Principal;
using nlohmann::json;

struct Answer {
  std::optional<ApiResponse> response;
  int replies = 0;
  json body() const { return json::parse(response ? response->body : "", nullptr, false); }
};

class FakeRig {
 public:
  FakeRig() : fake(dir.path()), router(std::make_unique<app::api::ApiRouter>(io, fake)) {}
  ~FakeRig() {
    if (router) router->stop();
  }

  // Hands one request to the router; the answer may come now or later (a settings write).
  std::shared_ptr<Answer> send(std::string_view method, std::string_view path,
                               std::string_view body = {}) {
    auto answer = std::make_shared<Answer>();
    ApiRequest rq;
    rq.method = method;
    rq.path = path;
    rq.content_type = body.empty() ? std::string_view() : std::string_view("application/json");
    rq.body = body;
    rq.principal = Principal::admin;
    rq.principal_name = "test";
    rq.remote = "127.0.0.1:1";
    router->handle(rq, [answer](ApiResponse r) {
      ++answer->replies;
      answer->response = std::move(r);
    });
    return answer;
  }
  // A request that must be answered at once.
  ApiResponse call(std::string_view method, std::string_view path, std::string_view body = {}) {
    const auto a = send(method, path, body);
    EXPECT_EQ(a->replies, 1) << method << " " << path;
    return a->response.value_or(ApiResponse{});
  }
  json call_json(std::string_view method, std::string_view path, std::string_view body = {}) {
    return json::parse(call(method, path, body).body, nullptr, false);
  }

  TempDir dir;
  boost::asio::io_context io;
  FakeGatewayServices fake;
  std::unique_ptr<app::api::ApiRouter> router;
};

json error_of(const ApiResponse& r) {
  const json j = json::parse(r.body, nullptr, false);
  return j.is_object() && j.contains("error") ? j["error"] : json();
}

// --- POST /api/energy/reset

TEST(ApiFake, GivenResetThatCannotBeSaved_WhenEnergyReset_Then500SaveFailed) {
  FakeRig rig;
  rig.fake.energy_reset_result = Err(app::GatewayServices::EnergyResetError::save_failed);

  const ApiResponse r = rig.call("POST", "/api/energy/reset", R"({"confirm": true})");

  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(error_of(r)["code"], "save_failed");
  EXPECT_EQ(error_of(r)["status"], 500);
  EXPECT_EQ(rig.fake.energy_resets, 1);
}

TEST(ApiFake, GivenResetThatIsSaved_WhenEnergyReset_Then200) {
  FakeRig rig;
  const ApiResponse r = rig.call("POST", "/api/energy/reset", R"({"confirm": true})");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(json::parse(r.body), (json{{"reset", true}}));
  EXPECT_EQ(rig.fake.energy_resets, 1);
}

TEST(ApiFake, GivenNoConfirmation_WhenEnergyReset_Then422AndNothingAsked) {
  FakeRig rig;
  for (const char* body : {R"({"confirm": false})", R"({})", R"({"confirm": true, "x": 1})"}) {
    SCOPED_TRACE(body);
    const ApiResponse r = rig.call("POST", "/api/energy/reset", body);
    EXPECT_EQ(r.status, 422);
    EXPECT_EQ(error_of(r)["code"], "confirm_required");
  }
  EXPECT_EQ(rig.fake.energy_resets, 0);
}

// --- PATCH /api/bms/settings: the poller refuses, or the BMS answers late or never

TEST(ApiFake, GivenPollerRefusesTheWrite_WhenSettingsPatched_ThenStatusFollowsTheReason) {
  struct Case {
    tinybms::WriteError error;
    int status;
  };
  for (const auto c :
       {Case{tinybms::WriteError::busy, 409}, Case{tinybms::WriteError::invalid_value, 422},
        Case{tinybms::WriteError::settings_not_read, 422},
        Case{tinybms::WriteError::too_many, 422}}) {
    SCOPED_TRACE(tinybms::to_string(c.error));
    FakeRig rig;
    rig.fake.write_result = Err(c.error);

    const ApiResponse r = rig.call("PATCH", "/api/bms/settings", R"({"allowed_disbalance": 40})");

    EXPECT_EQ(r.status, c.status);
    EXPECT_EQ(error_of(r)["code"], tinybms::to_string(c.error));
    ASSERT_EQ(rig.fake.writes.size(), 1U);
    ASSERT_EQ(rig.fake.writes[0].size(), 1U);
    EXPECT_EQ(rig.fake.writes[0][0].address, 308);
    // Nothing is pending: the next write is tried again.
    rig.fake.write_result = {};
    const auto next = rig.send("PATCH", "/api/bms/settings", R"({"allowed_disbalance": 41})");
    EXPECT_EQ(next->replies, 0);
    EXPECT_EQ(rig.fake.writes.size(), 2U);
  }
}

TEST(ApiFake, GivenQueuedWrite_WhenTheOutcomeArrives_ThenAnsweredWithItsStatus) {
  struct Case {
    tinybms::WriteStatus outcome;
    int status;
  };
  // docs/api.md: 200 verified; 502 when the BMS refuses or reads back another value; 504 when
  // it does not answer ("no answer") or the read-back is missing ("read-back failed").
  for (const auto c :
       {Case{tinybms::WriteStatus::verified, 200}, Case{tinybms::WriteStatus::mismatch, 502},
        Case{tinybms::WriteStatus::write_failed, 502},
        Case{tinybms::WriteStatus::readback_failed, 504},
        Case{tinybms::WriteStatus::no_answer, 504}}) {
    SCOPED_TRACE(tinybms::to_string(c.outcome));
    FakeRig rig;
    const auto pending = rig.send("PATCH", "/api/bms/settings", R"({"allowed_disbalance": 40})");
    ASSERT_EQ(pending->replies, 0) << "answered before the BMS did";
    // A second write while the first is pending: 409 busy, not handed to the poller.
    const ApiResponse second =
        rig.call("PATCH", "/api/bms/settings", R"({"allowed_disbalance": 42})");
    EXPECT_EQ(second.status, 409);
    EXPECT_EQ(error_of(second)["code"], "busy");
    EXPECT_EQ(rig.fake.writes.size(), 1U);

    tinybms::SettingsWriteResult outcome;
    outcome.status = c.outcome;
    outcome.count = 1;
    outcome.items[0].address = 308;
    outcome.items[0].requested_raw = 40;
    outcome.items[0].verified = c.outcome == tinybms::WriteStatus::verified;
    ASSERT_TRUE(rig.fake.ch.settings_write.publish(outcome));

    ASSERT_EQ(pending->replies, 1);
    EXPECT_EQ(pending->response->status, c.status);
    const json body = pending->body();
    if (c.status == 200) {
      EXPECT_EQ(body["status"], "verified");
      EXPECT_EQ(body["changes"].size(), 1U);
    } else {
      EXPECT_EQ(body["error"]["code"], tinybms::to_string(c.outcome));
      EXPECT_EQ(body["changes"].size(), 1U);  // what did and did not change, beside the error
    }
  }
}

TEST(ApiFake, GivenPendingWrite_WhenRouterStops_ThenAnswered503) {
  FakeRig rig;
  const auto pending = rig.send("PATCH", "/api/bms/settings", R"({"allowed_disbalance": 40})");
  ASSERT_EQ(pending->replies, 0);
  rig.router->stop();
  ASSERT_EQ(pending->replies, 1);
  EXPECT_EQ(pending->response->status, 503);
  // A late outcome reaches nobody (the router still subscribes, but has nothing pending).
  ASSERT_TRUE(rig.fake.ch.settings_write.publish(tinybms::SettingsWriteResult{}));
  EXPECT_EQ(pending->replies, 1);
}

// --- PATCH /api/config: what patch_config reports, as HTTP

app::ConfigPatchResult refused(app::ConfigPatchErrc what, std::string_view problem) {
  app::ConfigPatchError e{what, {}};
  e.problems.add(problem);
  return Err(e);
}

TEST(ApiFake, GivenPatchRefusedByCrossRules_WhenConfigPatched_Then422NamingTheKey) {
  FakeRig rig;
  rig.fake.patch_result =
      refused(app::ConfigPatchErrc::invalid,
              "charge.float_cell_mv: must be below charge.absorption_cell_mv (3450 >= 3400)");

  const ApiResponse r = rig.call("PATCH", "/api/config", R"({"poll.live_interval_ms": 500})");

  EXPECT_EQ(r.status, 422);
  const json e = error_of(r);
  EXPECT_EQ(e["code"], "invalid_config");
  ASSERT_EQ(e["details"].size(), 1U);
  EXPECT_EQ(e["details"][0]["key"], "charge.float_cell_mv");
  ASSERT_EQ(rig.fake.patched_keys.size(), 1U);
  EXPECT_EQ(rig.fake.patched_keys[0], (std::vector<std::string>{"poll.live_interval_ms"}));
}

TEST(ApiFake, GivenConfigThatCannotBeSaved_WhenConfigPatched_Then500SaveFailed) {
  FakeRig rig;
  rig.fake.patch_result =
      refused(app::ConfigPatchErrc::save_failed, "config.json: No space left on device");

  const ApiResponse r = rig.call("PATCH", "/api/config", R"({"poll.live_interval_ms": 500})");

  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(error_of(r)["code"], "save_failed");
  EXPECT_NE(r.body.find("No space left on device"), std::string::npos);
}

TEST(ApiFake, GivenConfigFileUnreadable_WhenConfigPatched_Then422WithItsErrors) {
  FakeRig rig;
  rig.fake.patch_result =
      refused(app::ConfigPatchErrc::invalid, "config.json: not valid JSON (line 3)");

  const ApiResponse r = rig.call("PATCH", "/api/config", R"({"log.level": "debug"})");

  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(error_of(r)["code"], "invalid_config");
}

TEST(ApiFake, GivenBodyWithABadKey_WhenConfigPatched_Then422AndPatchConfigNotCalled) {
  FakeRig rig;
  const ApiResponse r =
      rig.call("PATCH", "/api/config", R"({"poll.live_interval_ms": "500", "nope": 1})");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(error_of(r)["details"].size(), 2U);
  EXPECT_TRUE(rig.fake.patched_keys.empty());
}

TEST(ApiFake, GivenAcceptedPatch_WhenConfigPatched_Then200WithChangedAndRestartKeys) {
  FakeRig rig;
  rig.fake.patch_result =
      app::ConfigPatched{{"poll.live_interval_ms", "mqtt.keepalive_s"}, {"mqtt.keepalive_s"}};

  const json j = rig.call_json("PATCH", "/api/config",
                               R"({"poll.live_interval_ms": 500, "mqtt.keepalive_s": 60})");

  EXPECT_EQ(j["changed"], (json{"poll.live_interval_ms", "mqtt.keepalive_s"}));
  EXPECT_EQ(j["restart_required"], (json{"mqtt.keepalive_s"}));
  EXPECT_EQ(j["kept_secrets"], json::array());
}

// --- GET /api/status before and after the first snapshot

TEST(ApiFake, GivenNoSnapshotYet_WhenStatus_ThenBatteryNullAndStale) {
  FakeRig rig;
  rig.fake.can_report.backend = "log /tmp/can.log";

  const json j = rig.call_json("GET", "/api/status");

  EXPECT_TRUE(j["battery"].is_null());
  EXPECT_EQ(j["stale"], true);
  EXPECT_TRUE(j["age_ms"].is_null());
  EXPECT_TRUE(j["snapshot_time_ms"].is_null());
  EXPECT_TRUE(j["limits"].is_null());
  EXPECT_TRUE(j["charge_profile"].is_null());
  EXPECT_EQ(j["link"], (json{{"status", "connecting"}, {"reason", "none"}, {"since_ms", nullptr}}));
  EXPECT_EQ(j["can"]["transmitting"], false);
  EXPECT_EQ(j["can"]["backend"], "log /tmp/can.log");
  EXPECT_EQ(j["alerts"]["active_count"], 0);
  EXPECT_TRUE(j["versions"]["bms"].is_null());
}

TEST(ApiFake, GivenSnapshotOlderThanTheStaleTimeout_WhenStatus_ThenBatteryShownAndStale) {
  FakeRig rig;
  msg::BatterySnapshot s;
  s.cell_count = 4;
  for (std::size_t i = 0; i < 4; ++i) s.cell_mv[i] = 3300.0F;
  s.pack_voltage_v = 13.2F;
  s.soc_pct = 55.0F;
  s.stamp_ms = platform::now_ms() - 2 * rig.fake.cfg.stale_timeout_ms;
  ASSERT_TRUE(rig.fake.ch.snapshot.publish(s));

  const json j = rig.call_json("GET", "/api/status");

  ASSERT_TRUE(j["battery"].is_object());
  EXPECT_EQ(j["battery"]["cell_count"], 4);
  EXPECT_EQ(j["stale"], true);
  EXPECT_GE(j["age_ms"].get<std::int64_t>(), 2 * rig.fake.cfg.stale_timeout_ms);
}

TEST(ApiFake, GivenCanReport_WhenCanFrames_ThenTheReportedSetIsDecoded) {
  FakeRig rig;
  rig.fake.can_report.transmitting = true;
  victron::CanFrame limits;
  limits.id = 0x351;
  limits.dlc = 8;
  limits.data = {0x28, 0x02, 0xE8, 0x03, 0xDC, 0x05, 0xB8, 0x01};  // 55.2 V, 100 A, 150 A, 44 V
  rig.fake.can_report.frames = {limits};

  const json j = rig.call_json("GET", "/api/can/frames");

  EXPECT_EQ(j["transmitting"], true);
  ASSERT_EQ(j["frames"].size(), 1U);
  EXPECT_EQ(j["frames"][0]["id"], "0x351");
  EXPECT_DOUBLE_EQ(j["frames"][0]["decoded"]["cvl_v"].get<double>(), 55.2);
}

// --- POST /api/alerts/{id}/ack and /api/alerts/ack-all

TEST(ApiFake, GivenAlertStates_WhenAcknowledged_ThenStatusFollowsTheState) {
  struct Case {
    const char* name;
    bool active;
    bool already;
    bool engine_accepts;
    int status;
    bool asks_the_engine;
  };
  const Case cases[] = {
      {"not active", false, false, true, 409, false},
      {"active", true, false, true, 200, true},
      {"already acknowledged", true, true, true, 200, false},
      {"cleared meanwhile", true, false, false, 409, true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    FakeRig rig;
    auto& a = rig.fake.alerts_report.alerts[static_cast<std::size_t>(msg::AlertId::cell_high)];
    a.active = c.active;
    a.acknowledged = c.already;
    a.severity = msg::AlertSeverity::warning;
    rig.fake.acknowledge_result = c.engine_accepts;

    const ApiResponse r = rig.call("POST", "/api/alerts/cell_high/ack");

    EXPECT_EQ(r.status, c.status);
    if (c.status == 200) {
      const json j = json::parse(r.body);
      EXPECT_EQ(j["acknowledged"], true);
      EXPECT_EQ(j["already"], c.already);
    } else {
      EXPECT_EQ(error_of(r)["code"], "not_active");
    }
    EXPECT_EQ(rig.fake.acknowledged.size(), c.asks_the_engine ? 1U : 0U);
    if (c.asks_the_engine) {
      EXPECT_EQ(rig.fake.acknowledged[0], msg::AlertId::cell_high);
    }
  }
}

TEST(ApiFake, GivenUnknownAlertId_WhenAcknowledged_Then404) {
  FakeRig rig;
  const ApiResponse r = rig.call("POST", "/api/alerts/no_such_alert/ack");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(error_of(r)["code"], "unknown_alert");
  EXPECT_TRUE(rig.fake.acknowledged.empty());
}

TEST(ApiFake, GivenActiveAlerts_WhenAckAll_ThenTheEnginesCountIsAnswered) {
  FakeRig rig;
  rig.fake.acknowledge_all_result = 3;
  const json j = rig.call_json("POST", "/api/alerts/ack-all");
  EXPECT_EQ(j["acknowledged_count"], 3);
  EXPECT_EQ(rig.fake.acknowledge_all_calls, 1);
}

TEST(ApiFake, GivenAlertLog_WhenAlertsListed_ThenNewestFirstWithTheReportsCounts) {
  FakeRig rig;
  for (const auto edge : {msg::AlertEdge::raised, msg::AlertEdge::acknowledged}) {
    msg::AlertChanged e;
    e.id = msg::AlertId::cell_high;
    e.edge = edge;
    (void)rig.fake.alert_log_entries.push(e);
  }
  rig.fake.alerts_report.active_count = 1;
  rig.fake.alerts_report.worst = msg::AlertSeverity::alarm;

  const json j = rig.call_json("GET", "/api/alerts");

  EXPECT_EQ(j["active_count"], 1);
  EXPECT_EQ(j["worst"], msg::to_string(msg::AlertSeverity::alarm));
  ASSERT_EQ(j["log"].size(), 2U);
  EXPECT_EQ(j["log"][0]["edge"], msg::to_string(msg::AlertEdge::acknowledged));
  EXPECT_EQ(j["log"][1]["edge"], msg::to_string(msg::AlertEdge::raised));
}

// --- lifetimes: what the router registered ends with it

TEST(ApiFake, GivenRouter_WhenDestroyed_ThenItsSubscriptionAndReporterAreGone) {
  FakeRig rig;
  EXPECT_EQ(rig.fake.ch.settings_write.subscriber_count(), 1U);
  ASSERT_EQ(rig.fake.face_reporters().size(), 1U);
  const auto reports = rig.fake.face_reporters().reports();
  EXPECT_EQ(reports[0].first, "api");
  EXPECT_EQ(reports[0].second.state, "serving");

  rig.router.reset();

  EXPECT_EQ(rig.fake.ch.settings_write.subscriber_count(), 0U);
  EXPECT_EQ(rig.fake.face_reporters().size(), 0U);
  ASSERT_TRUE(rig.fake.ch.settings_write.publish(tinybms::SettingsWriteResult{}));  // no one
}

}  // namespace
}  // namespace tbgw::test
