// Integration tests of the MQTT face against a real broker: Debian's /usr/sbin/mosquitto,
// started by each test on a free port with a generated configuration (password file via
// mosquitto_passwd, TLS listeners with certificates made by make_certs.sh), and the real
// tinybms-gw binary on its simulator. Subscriptions and commands go through mosquitto_sub and
// mosquitto_pub. Deadlines are generous failure guards, not timing assertions.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "mqtt/broker_rig.hpp"
#include "mqtt/ha_rules.hpp"

using namespace std::chrono_literals;
using nlohmann::json;
using tbgw::test::Process;
using tbgw::test::TempDir;
using namespace tbgw::test::mqtt;
namespace fs = std::filesystem;

TEST(MqttBroker, GivenSimulator_WhenConnected_ThenACompleteDeviceFollowingHaRulesAppears) {
  TempDir dir;
  TempDir state;
  Broker broker(dir.path());
  Subscriber sub(broker.port(), {"homeassistant/#", "tinybms-gw/#"});
  Gateway gw(state, broker.url(), "", {"--sim-cells", "12", "--print-snapshots"});
  // 12 cells: 5 pack sensors + 3 temperatures + 12 + 12 + 3 cell stats + 3 limits + phase,
  // status, link + 2 energy + 18 alerts = 61 entities.
  const std::size_t expected = 5 + 3 + 12 + 12 + 3 + 3 + 3 + 2 + 18;
  ASSERT_TRUE(sub.until([&](const Messages& m) {
    return count_prefix(m, "homeassistant/") >= expected &&
           std::any_of(m.begin(), m.end(), [](auto& kv) { return kv.first.ends_with("/state"); });
  })) << gw.proc->stderr_text();
  std::set<std::string> unique_ids;
  std::string device_id;
  int cell_entities = 0;
  for (const auto& [topic, payload] : sub.all()) {
    if (!topic.starts_with("homeassistant/")) continue;
    const auto c = json::parse(payload);
    const auto rest = topic.substr(14);
    const auto component = rest.substr(0, rest.find('/'));
    const auto problems = tbgw::test::ha_config_problems(component, c);
    EXPECT_TRUE(problems.empty()) << topic << ": " << problems.front();
    EXPECT_TRUE(unique_ids.insert(c["unique_id"].get<std::string>()).second) << topic;
    device_id = c["device"]["identifiers"][0];
    EXPECT_EQ(c["device"]["manufacturer"], "Energus");
    EXPECT_TRUE(c["device"]["model"].get<std::string>().starts_with("TinyBMS hw "));
    if (topic.find("/cell_") != std::string::npos && topic.ends_with("_voltage/config")) {
      ++cell_entities;
    }
  }
  EXPECT_EQ(cell_entities, 12);
  EXPECT_EQ(count_prefix(sub.all(), "homeassistant/"), expected);
  EXPECT_TRUE(device_id.starts_with("tinybms_")) << device_id;
  EXPECT_EQ(sub.all().at("tinybms-gw/" + device_id + "/availability"), "online");

  // The state against the simulator's truth (--print-snapshots), within the deadbands.
  const auto published = json::parse(sub.all().at("tinybms-gw/" + device_id + "/state"));
  json truth;
  while (auto line = gw.proc->read_line(5'000ms)) {
    if (line->starts_with("{")) truth = json::parse(*line);
    if (!truth.is_null()) break;
  }
  ASSERT_FALSE(truth.is_null());
  EXPECT_NEAR(published["pack_voltage_v"].get<double>(), truth["pack_voltage_v"].get<double>(),
              0.06);
  EXPECT_NEAR(published["soc_pct"].get<double>(), truth["soc_pct"].get<double>(), 0.2);
  EXPECT_EQ(published["cell_count"], 12);
  EXPECT_FALSE(published.contains("cell_13_v"));
}

TEST(MqttBroker, GivenGatewayKilled9_WhenASubscriberLooks_ThenAvailabilityIsRetainedOffline) {
  TempDir dir;
  TempDir state;
  Broker broker(dir.path());
  {
    Subscriber sub(broker.port(), {kBase + "availability"});
    Gateway gw(state, broker.url(), R"("mqtt.device_id": "testbms")");
    ASSERT_TRUE(sub.until([](const Messages& m) { return m.count(kBase + "availability"); }))
        << gw.proc->stderr_text();
    EXPECT_EQ(sub.all().at(kBase + "availability"), "online");
    gw.proc->signal(SIGKILL);
    gw.proc->wait();
  }
  Subscriber later(broker.port(), {kBase + "availability"});
  ASSERT_TRUE(later.until([](const Messages& m) {
    return m.count(kBase + "availability") && m.at(kBase + "availability") == "offline";
  }));
}

TEST(MqttBroker, GivenGatewayStopped_WhenCleanExit_ThenAvailabilityIsOffline) {
  TempDir dir;
  TempDir state;
  Broker broker(dir.path());
  Subscriber sub(broker.port(), {kBase + "availability"});
  Gateway gw(state, broker.url(), R"("mqtt.device_id": "testbms")");
  ASSERT_TRUE(sub.until([](const Messages& m) { return m.count(kBase + "availability"); }));
  gw.proc->signal(SIGTERM);
  EXPECT_EQ(gw.proc->wait(), 0);
  ASSERT_TRUE(
      sub.until([](const Messages& m) { return m.at(kBase + "availability") == "offline"; }));
}

TEST(MqttBroker, GivenBrokerRestart_WhenItComesBack_ThenTheGatewayReconnectsAndRepublishes) {
  TempDir dir;
  TempDir state;
  Broker broker(dir.path());
  Gateway gw(state, broker.url(), R"("mqtt.device_id": "testbms")");
  {
    Subscriber sub(broker.port(), {kBase + "state"});
    ASSERT_TRUE(sub.until([](const Messages& m) { return m.count(kBase + "state"); }));
  }
  broker.kill();  // no persistence: the retained messages are gone with it
  ASSERT_TRUE(gw.proc->wait_for_stderr("mqtt: lost", 30'000ms)) << gw.proc->stderr_text();
  broker.start();
  Subscriber sub(broker.port(), {"homeassistant/#", kBase + "#"});
  ASSERT_TRUE(sub.until([](const Messages& m) {
    return m.count(kBase + "state") && m.count(kBase + "availability") &&
           count_prefix(m, "homeassistant/") > 40;
  })) << gw.proc->stderr_text();
  EXPECT_EQ(sub.all().at(kBase + "availability"), "online");
}

TEST(MqttBroker, GivenTlsListener_WhenCaGoodWrongOrHostWrong_ThenConnectedOrReportedAndRetried) {
  TempDir dir;
  ASSERT_EQ(run({"/bin/sh", std::string(TBGW_SOURCE_DIR) + "/tests/mqtt/make_certs.sh",
                 dir.path().string()}),
            0);
  const int tls_port = free_port();
  const int wrong_host_port = free_port();
  const auto d = dir.path().string();
  std::ostringstream extra;
  extra << "allow_anonymous true\n"
        << "listener " << tls_port << " 127.0.0.1\ncafile " << d << "/ca.crt\ncertfile " << d
        << "/server.crt\nkeyfile " << d << "/server.key\n"
        << "listener " << wrong_host_port << " 127.0.0.1\ncafile " << d << "/ca.crt\ncertfile " << d
        << "/wrong_host.crt\nkeyfile " << d << "/wrong_host.key\n";
  Broker broker(dir.path(), extra.str());
  for (int i = 0; i < 500 && !port_open(wrong_host_port); ++i) std::this_thread::sleep_for(10ms);
  const auto tls_url = [](int port) { return "mqtts://127.0.0.1:" + std::to_string(port); };
  {
    TempDir state;
    Subscriber sub(broker.port(), {kBase + "availability"});
    Gateway gw(state, tls_url(tls_port),
               R"("mqtt.device_id": "testbms", "mqtt.ca_file": ")" + d + R"(/ca.crt")");
    ASSERT_TRUE(sub.until([](const Messages& m) { return m.count(kBase + "availability"); }))
        << gw.proc->stderr_text() << broker.log();
    EXPECT_TRUE(gw.proc->wait_for_stderr("mqtt: connected to mqtts://", 10'000ms));
  }
  for (const auto& [port, ca] : {std::pair{tls_port, std::string("wrong_ca.crt")},
                                 std::pair{wrong_host_port, std::string("ca.crt")}}) {
    TempDir state;
    Gateway gw(state, tls_url(port),
               R"("mqtt.device_id": "testbms", "mqtt.ca_file": ")" + d + "/" + ca + R"(")");
    const auto line = gw.proc->wait_for_stderr("mqtt: TLS:", 30'000ms);
    ASSERT_TRUE(line) << gw.proc->stderr_text();
    EXPECT_NE(line->find("certificate verify failed"), std::string::npos) << *line;
    EXPECT_FALSE(gw.proc->wait_for_stderr("mqtt: connected", 3'000ms));
    EXPECT_TRUE(gw.proc->running());  // retried, not crashed
  }
}

TEST(MqttBroker, GivenBadCredentials_WhenConnecting_ThenRefusedIsReportedAndRetried) {
  TempDir dir;
  const auto pw = dir.path() / "passwd";
  std::ofstream(pw) << "";
  ASSERT_EQ(run({"/usr/bin/mosquitto_passwd", "-b", pw.string(), "gw", "right"}), 0);
  fs::permissions(pw, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                          fs::perms::others_read);
  Broker broker(dir.path(), "allow_anonymous false\npassword_file " + pw.string() + "\n");
  {
    TempDir state;
    Gateway gw(state, broker.url(),
               R"("mqtt.device_id": "testbms", "mqtt.username": "gw", "mqtt.password": "wrong")");
    const auto line = gw.proc->wait_for_stderr("mqtt: refused", 30'000ms);
    ASSERT_TRUE(line) << gw.proc->stderr_text();
    EXPECT_TRUE(gw.proc->wait_for_stderr("mqtt: connecting", 10'000ms));  // retried
    EXPECT_EQ(gw.proc->stderr_text().find("wrong"), std::string::npos);   // never logged
  }
  TempDir state;
  Gateway gw(state, broker.url(),
             R"("mqtt.device_id": "testbms", "mqtt.username": "gw", "mqtt.password": "right")");
  EXPECT_TRUE(gw.proc->wait_for_stderr("mqtt: connected", 30'000ms)) << gw.proc->stderr_text();
}

namespace {

json command(Subscriber& sub, int port, const std::string& name, const std::string& payload) {
  const auto topic = kBase + "cmd/" + name + "/result";
  const auto before = sub.history().size();
  publish(port, kBase + "cmd/" + name, payload);
  json out;
  sub.until([&](const Messages&) {
    for (auto i = before; i < sub.history().size(); ++i) {
      if (sub.history()[i].first == topic) {
        out = json::parse(sub.history()[i].second);
        return true;
      }
    }
    return false;
  });
  return out;
}

}  // namespace

// Issue 18 item 9: commands were logged and answered one by one even when disabled (2,000
// commands in 3 s gave 584 log lines and 589 replies). Now: nothing done, no reply, one summary.
TEST(MqttBroker, GivenCommandsDisabled_WhenCommandsArrive_ThenNothingDoneNoReplyOneSummaryLine) {
  TempDir dir;
  TempDir state;
  Broker broker(dir.path());
  Subscriber sub(broker.port(), {kBase + "#"});
  Gateway gw(state, broker.url(), R"("mqtt.device_id": "testbms")");
  ASSERT_TRUE(sub.until([](const Messages& m) { return m.count(kBase + "state"); }));
  for (int i = 0; i < 30; ++i) {
    publish(broker.port(), kBase + "cmd/reset_energy", R"({"confirm":true})");
  }
  EXPECT_FALSE(sub.until(
      [](const Messages& m) { return m.count(kBase + "cmd/reset_energy/result") > 0; }, 3s))
      << "no reply while commands are disabled";
  const std::string log = gw.proc->stderr_text();
  EXPECT_EQ(log.find("energy counters reset"), std::string::npos);
  const auto first = log.find("command(s) ignored: commands are disabled");
  EXPECT_NE(first, std::string::npos) << log;
  EXPECT_EQ(log.find("command(s) ignored", first + 1), std::string::npos) << "one summary line";
}

TEST(MqttBroker, GivenCommandsEnabled_WhenValidAndBadCommands_ThenResultsAndOnlyValidOnesAct) {
  TempDir dir;
  TempDir state;
  Broker broker(dir.path());
  Subscriber sub(broker.port(), {kBase + "#"});
  Gateway gw(state, broker.url(), R"("mqtt.device_id": "testbms", "mqtt.commands_enabled": true)",
             {"--sim-current", "50"});
  ASSERT_TRUE(sub.until([](const Messages& m) { return m.count(kBase + "state"); }));
  const int port = broker.port();
  EXPECT_EQ(command(sub, port, "reset_energy", R"({"confirm":false})")["error"],
            "confirm must be true");
  EXPECT_EQ(gw.proc->stderr_text().find("energy counters reset"), std::string::npos);
  EXPECT_EQ(command(sub, port, "ack_alert", "{not json")["error"], "malformed JSON");
  EXPECT_EQ(command(sub, port, "ack_alert", std::string(2000, 'x'))["error"], "payload too large");
  std::this_thread::sleep_for(2'000ms);  // the rate limiter's bucket refills (1/s, burst 5)
  EXPECT_EQ(command(sub, port, "self_destruct", "{}")["error"], "unknown command");
  EXPECT_EQ(command(sub, port, "ack_alert", R"({"id":"all"})")["ok"], true);
  EXPECT_EQ(command(sub, port, "reset_energy", R"({"confirm":true})")["ok"], true);
  EXPECT_TRUE(gw.proc->wait_for_stderr("energy counters reset", 10'000ms));
  // A burst beyond the bucket: the commands over the limit get no reply (a flood of commands
  // must not become a flood of replies) and are summed up in the log.
  const auto before = sub.history().size();
  for (int i = 0; i < 8; ++i) publish(port, kBase + "cmd/reread_settings", "{}");
  auto results = [&] {
    std::size_t n = 0;
    for (auto i = before; i < sub.history().size(); ++i) {
      n += sub.history()[i].first == kBase + "cmd/reread_settings/result" ? 1 : 0;
    }
    return n;
  };
  (void)sub.until([&](const Messages&) { return results() >= 8; }, 3'000ms);
  EXPECT_GE(results(), 1U);
  EXPECT_LT(results(), 8U) << "the commands over the limit are not answered";
  EXPECT_TRUE(gw.proc->wait_for_stderr("command(s) ignored: rate limited", 5'000ms));
}

TEST(MqttBroker, GivenVenusTopic_WhenDataIsFresh_ThenTheDriversJsonWithTheCanLimits) {
  TempDir dir;
  TempDir state;
  Broker broker(dir.path());
  Subscriber sub(broker.port(), {"venus/battery"});
  const auto can_log = state.path() / "can.log";
  Gateway gw(state, broker.url(),
             R"("mqtt.device_id": "testbms", "mqtt.venus_topic": "venus/battery")",
             {"--can", "log:" + can_log.string()});
  std::vector<json> venus;
  ASSERT_TRUE(sub.until([&](const Messages&) {
    venus.clear();
    for (const auto& [t, p] : sub.history()) venus.push_back(json::parse(p));
    return venus.size() >= 5;
  })) << gw.proc->stderr_text();
  gw.proc->signal(SIGTERM);
  gw.proc->wait();
  // Every 0x351 frame the CAN output sent: (CVL, CCL, DCL) in 0.1 units.
  std::set<std::tuple<int, int, int>> can_limits;
  std::ifstream log(can_log);
  for (std::string line; std::getline(log, line);) {
    const auto at = line.find(" 351#");
    if (at == std::string::npos) continue;
    const auto hex = line.substr(at + 5, 16);
    auto word = [&](int i) {
      const auto lo = std::stoi(hex.substr(static_cast<std::size_t>(i * 4), 2), nullptr, 16);
      const auto hi = std::stoi(hex.substr(static_cast<std::size_t>(i * 4 + 2), 2), nullptr, 16);
      return static_cast<int>(static_cast<std::int16_t>(hi << 8 | lo));
    };
    can_limits.emplace(word(0), word(1), word(2));
  }
  ASSERT_FALSE(can_limits.empty());
  for (const auto& j : venus) {
    for (const char* k : {"Power", "Voltage", "Current"}) EXPECT_TRUE(j["Dc"][k].is_number()) << k;
    for (const char* k : {"Soc", "TimeToGo", "Balancing", "SystemSwitch"}) {
      EXPECT_TRUE(j[k].is_number()) << k;
    }
    for (const char* k :
         {"LowVoltage", "HighVoltage", "LowSoc", "HighChargeCurrent", "HighDischargeCurrent",
          "HighCurrent", "CellImbalance", "HighChargeTemperature", "LowChargeTemperature",
          "LowCellVoltage", "LowTemperature", "HighTemperature"}) {
      ASSERT_TRUE(j["Alarms"][k].is_number_integer()) << k;
      EXPECT_GE(j["Alarms"][k].get<int>(), 0);
      EXPECT_LE(j["Alarms"][k].get<int>(), 2);
    }
    for (const char* k : {"MinCellVoltage", "MaxCellVoltage", "NrOfCellsPerBattery"}) {
      EXPECT_TRUE(j["System"][k].is_number()) << k;
    }
    EXPECT_TRUE(j["System"]["MinVoltageCellId"].is_string());
    EXPECT_EQ(j["Voltages"].size(), 16U);
    EXPECT_EQ(j["Balances"].size(), 16U);
    for (const char* k : {"AllowToCharge", "AllowToDischarge"}) {
      EXPECT_TRUE(j["Io"][k].is_number_integer()) << k;
    }
    const auto& info = j["Info"];
    const std::tuple<int, int, int> limits{
        static_cast<int>(std::lround(info["MaxChargeVoltage"].get<double>() * 10)),
        static_cast<int>(std::lround(info["MaxChargeCurrent"].get<double>() * 10)),
        static_cast<int>(std::lround(info["MaxDischargeCurrent"].get<double>() * 10))};
    EXPECT_TRUE(can_limits.count(limits)) << info.dump();
  }
}

// Issue 17: the driver keeps the last limits for its 60 s timeout when the gateway just stops;
// the last document before silence must stop charging and discharging, CVL at the pack.
TEST(MqttBroker, GivenVenusTopic_WhenTheBmsGoesSilent_ThenALastDocumentStopsEverythingThenSilence) {
  TempDir dir;
  TempDir state;
  Broker broker(dir.path());
  Subscriber sub(broker.port(), {"venus/battery"});
  Process sim({TBGW_SIM_BIN, "--cells", "16", "--seed", "21"});
  const auto device = sim.read_line(10s);
  ASSERT_TRUE(device);
  const auto config = state.path() / "seed.json";
  std::ofstream(config) << R"({"schema_version": 1, "settings": {"mqtt.device_id": "testbms", )"
                        << R"("mqtt.venus_topic": "venus/battery", "stale.timeout_ms": 2000}})";
  Process gw({TBGW_GW_BIN, "--serial", *device, "--mqtt", broker.url(), "--state-dir",
              state.path().string(), "--http", "", "--can", "log:/dev/null", "--poll-interval-ms",
              "300", "--config", config.string()});
  ASSERT_TRUE(sub.until([&](const Messages&) { return sub.history().size() >= 3; }))
      << gw.stderr_text();
  const json fresh = json::parse(sub.history().back().second);
  ASSERT_EQ(fresh["Alarms"]["BmsCable"], 0);
  sim.write_line("fault silent on");
  auto last_is_stale = [&](const Messages&) {
    return json::parse(sub.history().back().second)["Alarms"]["BmsCable"] == 2;
  };
  ASSERT_TRUE(sub.until(last_is_stale, 20s)) << gw.stderr_text();
  const std::size_t i_stale = sub.history().size() - 1;
  const json last = json::parse(sub.history()[i_stale].second);
  const json before = json::parse(sub.history()[i_stale - 1].second);
  EXPECT_EQ(last["Info"]["MaxChargeCurrent"], 0.0);
  EXPECT_EQ(last["Info"]["MaxDischargeCurrent"], 0.0);
  EXPECT_LE(last["Info"]["MaxChargeVoltage"].get<double>(),
            before["Dc"]["Voltage"].get<double>() + 1e-6)
      << "CVL held at the last pack voltage: only CVL stops MPPTs that feed in PV";
  EXPECT_LE(last["Info"]["MaxChargeVoltage"].get<double>(),
            before["Info"]["MaxChargeVoltage"].get<double>());
  EXPECT_EQ(last["Io"]["AllowToCharge"], 0);
  EXPECT_EQ(last["Io"]["AllowToDischarge"], 0);
  // Then silence: the driver times out instead of running on old limits.
  EXPECT_FALSE(sub.until([&](const Messages&) { return sub.history().size() > i_stale + 1; }, 5s))
      << "documents after the last one";
  sim.write_line("fault silent off");
  EXPECT_TRUE(sub.until(
      [&](const Messages&) {
        return json::parse(sub.history().back().second)["Alarms"]["BmsCable"] == 0;
      },
      20s))
      << "fresh documents again";
  gw.signal(SIGTERM);
  EXPECT_EQ(gw.wait(), 0);
}

TEST(MqttBroker, GivenBrokerStallsAfterConnect_WhenKeepaliveExpires_ThenLostIsReportedAndRetried) {
  TempDir dir;
  TempDir state;
  Broker broker(dir.path());
  Gateway gw(state, broker.url(), R"("mqtt.device_id": "testbms", "mqtt.keepalive_s": 5)");
  ASSERT_TRUE(gw.proc->wait_for_stderr("mqtt: connected", 30'000ms)) << gw.proc->stderr_text();
  broker.signal(SIGSTOP);  // TCP stays open, nothing answers
  const auto lost = gw.proc->wait_for_stderr("mqtt: lost", 60'000ms);
  broker.signal(SIGCONT);
  ASSERT_TRUE(lost) << gw.proc->stderr_text();
  EXPECT_TRUE(gw.proc->wait_for_stderr("mqtt: connected", 90'000ms)) << gw.proc->stderr_text();
}

TEST(MqttBroker, GivenAHostThatDoesNotResolve_WhenStarting_ThenDnsIsReportedAndTheGatewayRuns) {
  TempDir state;
  Gateway gw(state, "mqtt://no-such-broker.invalid:1883", R"("mqtt.device_id": "testbms")",
             {"--print-snapshots"});
  ASSERT_TRUE(gw.proc->wait_for_stderr("mqtt: DNS: no-such-broker.invalid", 60'000ms))
      << gw.proc->stderr_text();
  EXPECT_TRUE(gw.proc->read_line(10'000ms));  // the gateway itself keeps working
}

TEST(MqttBroker, GivenLiveConfigChanges_WhenSighup_ThenEntitiesAreAddedAndRemoved) {
  TempDir dir;
  TempDir state;
  Broker broker(dir.path());
  Subscriber sub(broker.port(), {"homeassistant/#"});
  Gateway gw(state, broker.url(), R"("mqtt.device_id": "testbms")");
  const std::string button = "homeassistant/button/testbms/ack_alerts/config";
  ASSERT_TRUE(sub.until([](const Messages& m) { return count_prefix(m, "homeassistant/") >= 68; }))
      << gw.proc->stderr_text();
  EXPECT_FALSE(sub.all().count(button));
  const auto seed = state.path() / "seed.json";
  std::ofstream(seed) << R"({"schema_version": 1, "settings": {"mqtt.device_id": "testbms",
                            "mqtt.commands_enabled": true}})";
  gw.proc->signal(SIGHUP);
  ASSERT_TRUE(sub.until([&](const Messages& m) {
    return m.count(button) && !m.at(button).empty();
  })) << gw.proc->stderr_text();
  std::ofstream(seed) << R"({"schema_version": 1, "settings": {"mqtt.device_id": "testbms",
                            "mqtt.commands_enabled": true, "mqtt.discovery_enabled": false}})";
  gw.proc->signal(SIGHUP);
  // Every entity gets an empty retained config: Home Assistant removes it.
  ASSERT_TRUE(sub.until([](const Messages& m) { return count_prefix(m, "homeassistant/") == 0; }))
      << gw.proc->stderr_text();
  EXPECT_EQ(sub.all().size(), 71U);  // 69 entities + 2 buttons, all emptied
}
