// Unit tests of the MQTT face's pure parts: URL parser, deadband/interval filter, discovery
// builder (against Home Assistant's rules), Venus OS JSON builder, command parser and rate
// limiter. No broker, no gateway.
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "app/mqtt/command.hpp"
#include "app/mqtt/discovery.hpp"
#include "app/mqtt/mosquitto_client.hpp"
#include "app/mqtt/mqtt_url.hpp"
#include "app/mqtt/state_filter.hpp"
#include "app/mqtt/state_payload.hpp"
#include "app/mqtt/venus_payload.hpp"
#include "integration/distinct_texts.hpp"
#include "mqtt/ha_rules.hpp"

using namespace tbgw::app::mqtt;
using nlohmann::json;
namespace msg = tbgw::msg;

namespace {

GatewayView battery_view(int cells) {
  GatewayView v;
  msg::BatterySnapshot s;
  s.stamp_ms = 1'000;
  s.cell_count = static_cast<std::uint8_t>(cells);
  for (int i = 0; i < cells; ++i)
    s.cell_mv[static_cast<std::size_t>(i)] = 3300.0F + static_cast<float>(i);
  s.pack_voltage_v = 3.3F * static_cast<float>(cells);
  s.pack_current_a = 10.0F;
  s.soc_pct = 55.5;
  s.soh_pct = 99.0F;
  s.soh_valid = true;
  s.temps_c = {30.0F, 20.0F, 0.0F};
  s.temp_present = {true, true, false};
  s.balancing_active_mask = 0b101;
  s.time_left_s = 3600;
  v.snapshot = s;
  msg::ChargeDecision d;
  d.valid = true;
  d.cvl_v = 55.2F;
  d.ccl_a = 80.0F;
  d.dcl_a = 120.0F;
  d.dvl_v = 44.0F;
  d.phase = msg::ChargePhase::bulk;
  v.decision = d;
  msg::BatteryAlarms a;
  a.level.fill(msg::AlarmLevel::ok);
  a[msg::AlarmItem::high_voltage] = msg::AlarmLevel::warning;
  a[msg::AlarmItem::contactor] = msg::AlarmLevel::unsupported;
  v.alarms = a;
  v.energy = msg::EnergyCounters{1'000, 2'000.0, 1'500.0, 40.0, 30.0};
  v.link.status = msg::LinkStatus::up;
  v.capacity_ah = 100.0F;
  return v;
}

DeviceDescription device(int cells, bool commands) {
  DeviceDescription d;
  d.device_id = "tinybms_abc";
  d.base_topic = "tinybms-gw";
  d.discovery_prefix = "homeassistant";
  d.serial = "ABC";
  d.model = "TinyBMS hw 2.1";
  d.sw_version = "2";
  d.configuration_url = "http://gw:8080/";
  d.cell_count = cells;
  d.temp_present = {true, true, false};
  d.commands_enabled = commands;
  return d;
}

}  // namespace

TEST(MqttUrl, GivenValidAndInvalidUrls_WhenParsed_ThenSchemeHostPortOrRefusal) {
  struct Case {
    const char* url;
    bool ok;
    bool tls;
    const char* host;
    int port;
  };
  const Case cases[] = {
      {"mqtt://127.0.0.1", true, false, "127.0.0.1", 1883},
      {"mqtt://broker.lan:1884", true, false, "broker.lan", 1884},
      {"mqtts://broker.lan", true, true, "broker.lan", 8883},
      {"mqtts://[::1]:8884", true, true, "::1", 8884},
      {"http://x", false, false, "", 0},
      {"mqtt://", false, false, "", 0},
      {"mqtt://user:pw@host", false, false, "", 0},
      {"mqtt://host:0", false, false, "", 0},
      {"mqtt://host:70000", false, false, "", 0},
      {"mqtt://host/path", false, false, "", 0},
  };
  for (const auto& c : cases) {
    const auto u = parse_mqtt_url(c.url);
    ASSERT_EQ(u.has_value(), c.ok) << c.url;
    if (!u) continue;
    EXPECT_EQ(u->tls, c.tls) << c.url;
    EXPECT_EQ(u->host, c.host) << c.url;
    EXPECT_EQ(u->port, c.port) << c.url;
  }
}

TEST(StateFilter, GivenNothingPublished_WhenSamples_ThenDue) {
  StateFilter f;
  const std::vector<Sample> s = {{SampleKind::voltage, 52.0}};
  EXPECT_TRUE(f.due(s, 0));
}

TEST(StateFilter, GivenChangeWithinDeadband_WhenAfterMinInterval_ThenNotDue) {
  StateFilter f(FilterSettings{1'000, 300'000, 0.05, 2, 0.1, 0.2, 0.1});
  f.published(std::vector<Sample>{{SampleKind::voltage, 52.00}, {SampleKind::cell, 3300}}, 0);
  EXPECT_FALSE(
      f.due(std::vector<Sample>{{SampleKind::voltage, 52.04}, {SampleKind::cell, 3301}}, 5'000));
}

TEST(StateFilter, GivenChangeBeyondDeadband_WhenBeforeMinInterval_ThenNotDueUntilInterval) {
  StateFilter f(FilterSettings{1'000, 300'000, 0.05, 2, 0.1, 0.2, 0.1});
  f.published(std::vector<Sample>{{SampleKind::cell, 3300}}, 0);
  const std::vector<Sample> moved = {{SampleKind::cell, 3303}};
  EXPECT_FALSE(f.due(moved, 999));
  EXPECT_TRUE(f.due(moved, 1'000));
}

TEST(StateFilter, GivenSlowDrift_WhenItAddsUpToTheDeadband_ThenDue) {
  StateFilter f(FilterSettings{0, 300'000, 0.05, 2, 0.1, 0.2, 0.1});
  f.published(std::vector<Sample>{{SampleKind::current, 1.00}}, 0);
  EXPECT_FALSE(f.due(std::vector<Sample>{{SampleKind::current, 1.05}}, 10));
  EXPECT_TRUE(f.due(std::vector<Sample>{{SampleKind::current, 1.10}}, 20));
}

TEST(StateFilter, GivenNoChange_WhenFullRefreshPassed_ThenDue) {
  StateFilter f(FilterSettings{1'000, 60'000, 0.05, 2, 0.1, 0.2, 0.1});
  const std::vector<Sample> s = {{SampleKind::soc, 50.0}};
  f.published(s, 0);
  EXPECT_FALSE(f.due(s, 59'999));
  EXPECT_TRUE(f.due(s, 60'000));
}

TEST(StateFilter, GivenExactSampleOrForce_WhenChanged_ThenDue) {
  StateFilter f(FilterSettings{0, 60'000, 0.05, 2, 0.1, 0.2, 0.1});
  f.published(std::vector<Sample>{{SampleKind::exact, 1}}, 0);
  EXPECT_TRUE(f.due(std::vector<Sample>{{SampleKind::exact, 2}}, 1));
  EXPECT_FALSE(f.due(std::vector<Sample>{{SampleKind::exact, 1}}, 1));
  f.force();
  EXPECT_TRUE(f.due(std::vector<Sample>{{SampleKind::exact, 1}}, 1));
}

TEST(Discovery, GivenADevice_WhenBuilt_ThenEveryConfigFollowsHaRules) {
  const auto msgs = build_discovery(device(16, true));
  std::set<std::string> unique_ids;
  for (const auto& m : msgs) {
    const auto c = json::parse(m.payload);
    const auto parts = m.topic.substr(std::string("homeassistant/").size());
    const auto component = parts.substr(0, parts.find('/'));
    const auto problems = tbgw::test::ha_config_problems(component, c);
    EXPECT_TRUE(problems.empty()) << m.topic << ": " << problems.front();
    EXPECT_TRUE(unique_ids.insert(c["unique_id"].get<std::string>()).second) << m.topic;
    EXPECT_TRUE(m.topic.ends_with("/config"));
    EXPECT_EQ(c["device"]["manufacturer"], "Energus");
    EXPECT_EQ(c["device"]["configuration_url"], "http://gw:8080/");
  }
}

TEST(Discovery, GivenCellCount_WhenBuilt_ThenOneVoltageAndOneBalancingEntityPerCell) {
  for (const int cells : {4, 8, 13, 16}) {
    int voltage = 0;
    int balancing = 0;
    for (const auto& m : build_discovery(device(cells, false))) {
      if (m.topic.find("/cell_") != std::string::npos && m.topic.ends_with("_voltage/config")) {
        ++voltage;
      }
      if (m.topic.ends_with("_balancing/config")) ++balancing;
    }
    EXPECT_EQ(voltage, cells);
    EXPECT_EQ(balancing, cells);
  }
}

TEST(Discovery, GivenEnergyEntities_WhenBuilt_ThenTotalIncreasingInKwh) {
  for (const auto& m : build_discovery(device(8, false))) {
    if (m.topic.find("/energy_") == std::string::npos) continue;
    const auto c = json::parse(m.payload);
    EXPECT_EQ(c["state_class"], "total_increasing");
    EXPECT_EQ(c["unit_of_measurement"], "kWh");
  }
}

TEST(Discovery, GivenCellCountShrinks_WhenRebuilt_ThenTheLostCellsAreRemoved) {
  std::vector<std::string> before;
  for (const auto& m : build_discovery(device(16, true))) before.push_back(m.topic);
  const auto removed = removed_topics(before, build_discovery(device(15, false)));
  std::set<std::string> r(removed.begin(), removed.end());
  EXPECT_TRUE(r.count("homeassistant/sensor/tinybms_abc/cell_16_voltage/config"));
  EXPECT_TRUE(r.count("homeassistant/binary_sensor/tinybms_abc/cell_16_balancing/config"));
  EXPECT_TRUE(r.count("homeassistant/button/tinybms_abc/ack_alerts/config"));
  EXPECT_FALSE(r.count("homeassistant/sensor/tinybms_abc/cell_15_voltage/config"));
}

TEST(StatePayload, GivenASnapshot_WhenBuilt_ThenEveryTemplateKeyIsPresent) {
  const auto v = battery_view(8);
  const auto j = json::parse(state_json(v));
  for (const char* k :
       {"pack_voltage_v",  "current_a", "power_w",       "soc_pct",        "soh_pct",
        "temp_internal_c", "cell_8_v",  "balancing_3",   "min_cell_v",     "max_cell_v",
        "cell_delta_mv",   "cvl_v",     "ccl_a",         "dcl_a",          "charge_phase",
        "bms_status",      "link",      "energy_in_kwh", "energy_out_kwh", "alerts"}) {
    EXPECT_TRUE(j.contains(k)) << k;
  }
  EXPECT_FALSE(j.contains("cell_9_v"));
  EXPECT_TRUE(j["temp_external2_c"].is_null());
  EXPECT_EQ(j["balancing_3"], true);
  EXPECT_EQ(j["balancing_2"], false);
  EXPECT_DOUBLE_EQ(j["energy_in_kwh"].get<double>(), 2.0);
  EXPECT_TRUE(j["alerts"].contains("cell_high"));
}

TEST(StatePayload, GivenNoSnapshot_WhenBuilt_ThenNothing) {
  EXPECT_TRUE(state_json(GatewayView{}).empty());
  EXPECT_TRUE(state_samples(GatewayView{}).empty());
}

TEST(VenusPayload, GivenFreshData_WhenBuilt_ThenTheDocumentedStructureWithTheDecisionsLimits) {
  const auto j = json::parse(venus_json(battery_view(8), 2'000, 10'000));
  for (const char* k : {"Power", "Voltage", "Current", "Temperature"}) {
    EXPECT_TRUE(j["Dc"][k].is_number()) << k;
  }
  for (const char* k : {"Soc", "Soh", "InstalledCapacity", "Capacity", "ConsumedAmphours",
                        "TimeToGo", "Balancing", "SystemSwitch"}) {
    EXPECT_TRUE(j[k].is_number()) << k;
  }
  EXPECT_EQ(j["Info"]["MaxChargeVoltage"], 55.2);
  EXPECT_EQ(j["Info"]["MaxChargeCurrent"], 80.0);
  EXPECT_EQ(j["Info"]["MaxDischargeCurrent"], 120.0);
  EXPECT_EQ(j["Alarms"]["HighVoltage"], 1);
  EXPECT_EQ(j["Alarms"]["LowVoltage"], 0);
  EXPECT_EQ(j["System"]["NrOfCellsPerBattery"], 8);
  EXPECT_EQ(j["System"]["MinVoltageCellId"], "C1");
  EXPECT_EQ(j["System"]["MaxVoltageCellId"], "C8");
  EXPECT_EQ(j["Voltages"].size(), 8U);
  EXPECT_EQ(j["Balances"]["Cell3"], 1);
  EXPECT_EQ(j["Io"]["AllowToCharge"], 1);
  EXPECT_TRUE(j["History"]["TotalAhDrawn"].is_number());
}

TEST(VenusPayload, GivenStaleOrInvalidData_WhenBuilt_ThenNothingIsSent) {
  auto v = battery_view(8);
  EXPECT_TRUE(venus_json(v, 20'000, 10'000).empty());  // older than the stale timeout
  v.link.status = msg::LinkStatus::lost;
  EXPECT_TRUE(venus_json(v, 2'000, 10'000).empty());
  v = battery_view(8);
  v.decision->valid = false;
  EXPECT_TRUE(venus_json(v, 2'000, 10'000).empty());
}

TEST(VenusPayload, GivenTheLastDecision_WhenGoingSilent_ThenLimitsZeroAndCvlHeldAtThePack) {
  auto v = battery_view(16);  // 16 x 3.3 V cells: 52.8 V
  msg::ChargeDecision last = *v.decision;
  last.pack_v = v.snapshot->pack_voltage_v;
  last.cvl_ceiling_v = 58.4F;
  last.ccl_ceiling_a = 150.0F;
  last.dcl_ceiling_a = 200.0F;
  const auto j = json::parse(venus_stale_json(v, last));
  EXPECT_EQ(j["Info"]["MaxChargeCurrent"], 0.0);
  EXPECT_EQ(j["Info"]["MaxDischargeCurrent"], 0.0);
  EXPECT_LE(j["Info"]["MaxChargeVoltage"].get<double>(), 52.8 + 1e-6);
  EXPECT_EQ(j["Alarms"]["BmsCable"], 2);
  EXPECT_EQ(j["Io"]["AllowToCharge"], 0);
  EXPECT_EQ(j["Io"]["AllowToDischarge"], 0);
  // Without a decision the gateway could vouch for, nothing at all.
  EXPECT_TRUE(venus_stale_json(v, msg::ChargeDecision{}).empty());
}

TEST(Command, GivenValidPayloads_WhenParsed_ThenTheCommand) {
  EXPECT_EQ(parse_command("ack_alert", R"({"id":"all"})").command->kind,
            CommandKind::ack_all_alerts);
  const auto one = parse_command("ack_alert", R"({"id":"cell_high"})");
  ASSERT_TRUE(one.command);
  EXPECT_EQ(one.command->alert, msg::AlertId::cell_high);
  EXPECT_EQ(parse_command("reset_energy", R"({"confirm":true})").command->kind,
            CommandKind::reset_energy);
  EXPECT_EQ(parse_command("reread_settings", "").command->kind, CommandKind::reread_settings);
  EXPECT_EQ(parse_command("reread_settings", "{}").command->kind, CommandKind::reread_settings);
}

TEST(Command, GivenBadPayloads_WhenParsed_ThenAnError) {
  struct Case {
    const char* name;
    std::string payload;
    const char* error;
  };
  const Case cases[] = {
      {"format_disk", "{}", "unknown command"},
      {"ack_alert", "{", "malformed JSON"},
      {"ack_alert", "[1]", "payload must be a JSON object"},
      {"ack_alert", R"({"id":"nope"})", "unknown alert id"},
      {"ack_alert", R"({"id":3})", "id must be a string"},
      {"ack_alert", R"({"id":"all","x":1})", "unexpected key: x"},
      {"ack_alert", "{}", "missing key: id"},
      {"reset_energy", "{}", "missing key: confirm"},
      {"reset_energy", R"({"confirm":false})", "confirm must be true"},
      {"reset_energy", R"({"confirm":"yes"})", "confirm must be true"},
      {"reread_settings", R"({"now":true})", "unexpected key: now"},
      {"reread_settings", std::string(kMaxCommandPayload + 1, ' '), "payload too large"},
  };
  for (const auto& c : cases) {
    const auto r = parse_command(c.name, c.payload);
    EXPECT_FALSE(r.command) << c.name << " " << c.payload;
    EXPECT_EQ(r.error, c.error) << c.name << " " << c.payload;
  }
}

TEST(Command, GivenRandomPayloads_WhenParsed_ThenNeverACrashAndOnlyExactFormsAccepted) {
  const unsigned seed = 20261128;
  std::mt19937 rng(seed);
  const std::vector<std::string> pieces = {
      "{", "}", "\"id\"", ":",     "\"all\"",     ",",    "\"confirm\"", "true",         "false",
      "[", "]", "null",   "1e999", "\"\\u0000\"", "\xff", " ",           "\"cell_high\""};
  const char* names[] = {"ack_alert", "reset_energy", "reread_settings", "x"};
  for (int i = 0; i < 20'000; ++i) {
    std::string p;
    const int n = static_cast<int>(rng() % 12);
    for (int k = 0; k < n; ++k) p += pieces[rng() % pieces.size()];
    const std::string name = names[rng() % 4];
    const auto r = parse_command(name, p);
    if (!r.command) {
      EXPECT_FALSE(r.error.empty()) << "seed " << seed << " payload " << p;
      continue;
    }
    // Accepted: it must be one of the exact forms.
    const auto j = p.empty() ? json::object() : json::parse(p);
    EXPECT_TRUE(j.is_object()) << "seed " << seed << " payload " << p;
    EXPECT_LE(j.size(), 1U) << "seed " << seed << " payload " << p;
    if (name == "reset_energy") {
      EXPECT_EQ(j["confirm"], true) << "seed " << seed;
    }
  }
}

TEST(RateLimiter, GivenABurst_WhenCommandsArrive_ThenFiveThenOnePerSecond) {
  RateLimiter r(1.0, 5.0);
  int allowed = 0;
  for (int i = 0; i < 10; ++i) allowed += r.allow(1'000) ? 1 : 0;
  EXPECT_EQ(allowed, 5);
  EXPECT_FALSE(r.allow(1'500));
  EXPECT_TRUE(r.allow(2'100));
  EXPECT_FALSE(r.allow(2'200));
}

TEST(CommandResult, GivenOutcome_WhenFormatted_ThenJsonWithOkAndError) {
  EXPECT_EQ(json::parse(command_result_json(true, "")), json({{"ok", true}}));
  EXPECT_EQ(json::parse(command_result_json(false, "rate limited")),
            json({{"ok", false}, {"error", "rate limited"}}));
}

TEST(TlsSetupError, GivenEveryKind_WhenFormatted_ThenDistinctTextsAndTheFileNamed) {
  tbgw::test::expect_distinct_texts({TlsSetupErrc::no_context, TlsSetupErrc::ca_certificates,
                                     TlsSetupErrc::client_certificate, TlsSetupErrc::verify_host});
  const auto e = tbgw::platform::make_error(TlsSetupErrc::ca_certificates, 0, "/etc/ca.pem").error;
  EXPECT_EQ(tbgw::platform::to_string(e), "cannot load CA certificates /etc/ca.pem");
}
