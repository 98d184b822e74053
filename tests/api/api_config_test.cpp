// GET/PATCH /api/config against a real gateway: valid, invalid and mixed bodies (nothing
// applied on error, STATE_DIR/config.json changes only on success, restart keys reported),
// a table of malformed inputs (each a 4xx with the error shape and no change), and a
// randomised test that mutates valid bodies (fixed seed, printed) and checks that the saved
// configuration changed exactly as the body says or not at all.
#include <random>

#include "api_harness.hpp"
#include "core/config/config_schema.hpp"
#include "platform/linux/config_json.hpp"

namespace tbgw::test {
namespace {

// The saved file as key -> JSON value (every key: defaults for those not written).
json saved_config(const ApiHarness& h) {
  const std::string text = h.config_file_text();
  const auto parsed =
      text == "<absent>"
          ? Result<platform::ParsedConfig, platform::ConfigFileError>(platform::ParsedConfig{{}, 1})
          : platform::config_from_json(text);
  EXPECT_TRUE(parsed.ok());
  // A named copy: get() returns views into the config it reads (strings as string_view).
  const config::GatewayConfig cfg = parsed ? parsed->config : config::GatewayConfig{};
  json out = json::object();
  for (const auto& k : config::schema()) {
    const auto v = k.get(cfg);
    switch (v.index()) {
      case 0:
        out[std::string(k.key)] = std::get<bool>(v);
        break;
      case 1:
        out[std::string(k.key)] = std::get<std::int64_t>(v);
        break;
      case 2:
        out[std::string(k.key)] = std::get<double>(v);
        break;
      default:
        out[std::string(k.key)] = std::string(std::get<std::string_view>(v));
    }
  }
  return out;
}

TEST(ApiConfig, GivenSavedSecret_WhenGet_ThenEveryKeyAndSecretMasked) {
  ApiHarness h([](const std::filesystem::path& dir) {
    std::ofstream(dir / "config.json")
        << R"({"schema_version": 1, "settings": {"mqtt.password": "hunter2"}})"
        << "\n";
  });
  const ApiResponse r = h.call("GET", "/api/config");
  const json c = json::parse(r.body);
  EXPECT_EQ(c["config"].size(), config::schema().size());
  EXPECT_EQ(r.body.find("hunter2"), std::string::npos);
  EXPECT_EQ(c["config"]["mqtt.password"], "********");
  EXPECT_EQ(c["config"]["mqtt.username"], "");  // not a secret, shown as is
  // The mask sent back means "keep": nothing changes, the key is reported as kept.
  const std::string file = h.config_file_text();
  const json kept = h.call_json("PATCH", "/api/config", R"({"mqtt.password":"********"})");
  EXPECT_EQ(kept["kept_secrets"], json::array({"mqtt.password"}));
  EXPECT_EQ(kept["changed"], json::array());
  EXPECT_EQ(h.config_file_text(), file);
  // A new value is saved (restart key: reported, running value unchanged until restart).
  const json changed = h.call_json("PATCH", "/api/config", R"({"mqtt.password":"s3cret"})");
  EXPECT_EQ(changed["restart_required"], json::array({"mqtt.password"}));
  EXPECT_NE(h.config_file_text().find("s3cret"), std::string::npos);
}

TEST(ApiConfig, GivenSchema_WhenGet_ThenRowsCarryTypeRangeDefaultApply) {
  ApiHarness h;
  const json s = h.call_json("GET", "/api/config/schema");
  ASSERT_EQ(s["keys"].size(), config::schema().size());
  bool found = false;
  for (const auto& row : s["keys"]) {
    for (const char* field : {"key", "type", "unit", "default", "apply", "secret", "description"}) {
      EXPECT_TRUE(row.contains(field)) << row.dump();
    }
    if (row["key"] == "poll.live_interval_ms") {
      found = true;
      EXPECT_EQ(row["type"], "int");
      EXPECT_EQ(row["unit"], "ms");
      EXPECT_EQ(row["min"], 100.0);
      EXPECT_EQ(row["apply"], "live");
    }
    if (row["key"] == "log.level") {
      EXPECT_TRUE(row["enum"].is_array());
    }
  }
  EXPECT_TRUE(found);
  EXPECT_TRUE(s["cross_rules"].is_array());
}

TEST(ApiConfig, GivenValidPatch_WhenApplied_ThenSavedAndRestartKeysReported) {
  ApiHarness h;
  const ApiResponse r =
      h.call("PATCH", "/api/config", R"({"poll.max_retries":5,"mqtt.keepalive_s":45})");
  ASSERT_EQ(r.status, 200) << r.body;
  const json j = json::parse(r.body);
  EXPECT_EQ(j["changed"].size(), 2U);
  EXPECT_EQ(j["restart_required"], json::array({"mqtt.keepalive_s"}));
  const json saved = saved_config(h);
  EXPECT_EQ(saved["poll.max_retries"], 5);
  EXPECT_EQ(saved["mqtt.keepalive_s"], 45);
  // Live key applied to the running configuration.
  EXPECT_EQ(h.services().config().poll_max_retries, 5);
}

TEST(ApiConfig, GivenMixedPatch_WhenOneKeyBad_Then422NamingEveryBadKeyAndNothingSaved) {
  ApiHarness h;
  const std::string before = h.config_file_text();
  const ApiResponse r = h.call(
      "PATCH", "/api/config",
      R"({"poll.max_retries":5,"poll.live_interval_ms":5,"no.such_key":1,"log.level":"loud"})");
  ASSERT_EQ(r.status, 422) << r.body;
  ASSERT_TRUE(has_error_shape(r));
  std::set<std::string> keys;
  const json body = json::parse(r.body);
  for (const auto& d : body["error"]["details"]) keys.insert(d["key"]);
  EXPECT_EQ(keys, (std::set<std::string>{"poll.live_interval_ms", "no.such_key", "log.level"}));
  EXPECT_EQ(h.config_file_text(), before);
  EXPECT_NE(h.services().config().poll_max_retries, 5);
}

TEST(ApiConfig, GivenCrossRuleBroken_WhenPatched_Then422AndNothingSaved) {
  ApiHarness h;
  const std::string before = h.config_file_text();
  const ApiResponse r = h.call("PATCH", "/api/config",
                               R"({"poll.live_interval_ms":200,"poll.response_timeout_ms":1000})");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_TRUE(has_error_shape(r));
  EXPECT_EQ(h.config_file_text(), before);
}

struct BadBody {
  const char* name;
  std::string body;
  int status;
};

TEST(ApiConfig, GivenMalformedBodies_WhenPatched_Then4xxWithErrorShapeAndNoChange) {
  ApiHarness h;
  const std::string before = h.config_file_text();
  const BadBody cases[] = {
      {"bad json", "{\"poll.max_retries\":", 400},
      {"empty body", "", 400},
      {"array", "[1,2]", 400},
      {"string", "\"x\"", 400},
      {"NaN literal", "{\"mqtt.deadband_voltage_v\":NaN}", 400},
      {"bad UTF-8", "{\"mqtt.username\":\"\xC3\x28\"}", 400},
      {"bad UTF-8 key", "{\"\xFF\":1}", 400},
      {"string for int", R"({"poll.max_retries":"3"})", 422},
      {"float for int", R"({"poll.max_retries":3.0})", 422},
      {"bool for int", R"({"poll.max_retries":true})", 422},
      {"null", R"({"poll.max_retries":null})", 422},
      {"object", R"({"poll.max_retries":{"a":1}})", 422},
      {"huge int", R"({"poll.max_retries":123456789012345678901234567890})", 422},
      {"uint64 max", R"({"poll.max_retries":18446744073709551615})", 422},
      {"infinite float", R"({"mqtt.deadband_voltage_v":1e400})", 400},
      {"negative", R"({"poll.max_retries":-1})", 422},
      {"unknown key", R"({"poll.max_retriez":3})", 422},
      {"bad enum", R"({"log.level":"LOUD"})", 422},
      {"control char", "{\"mqtt.username\":\"a\\u0001b\"}", 422},
      {"bad path", R"({"mqtt.ca_file":"relative/path"})", 422},
      {"deep nesting", std::string(5000, '[') + std::string(5000, ']'), 400},
      {"deep value", "{\"log.level\":" + std::string(5000, '[') + std::string(5000, ']') + "}",
       422},
  };
  for (const auto& c : cases) {
    const ApiResponse r = h.call("PATCH", "/api/config", c.body);
    EXPECT_EQ(r.status, c.status) << c.name << ": " << r.body;
    EXPECT_TRUE(has_error_shape(r)) << c.name;
    if (c.status == 422) {
      const json d = json::parse(r.body)["error"]["details"];
      EXPECT_TRUE(d.is_array() && !d.empty()) << c.name << ": " << r.body;
    }
    EXPECT_EQ(h.config_file_text(), before) << c.name;
  }
}

TEST(ApiConfig, GivenRandomMutationsOfValidBodies_WhenPatched_ThenExactChangeOrNone) {
  const unsigned seed = 20261128;
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  ApiHarness h;
  const json valid[] = {
      {{"poll.max_retries", 4}},
      {{"energy.persist_interval_s", 600}},
      {{"log.level", "debug"}},
      {{"mqtt.keepalive_s", 60}, {"mqtt.deadband_voltage_v", 0.2}},
      {{"mqtt.deadband_cell_mv", 5}, {"mqtt.discovery_enabled", false}},
      {{"mqtt.base_topic", "bms1"}},
  };
  const json odd_values[] = {json(nullptr), json("x"),  json(-1),      json(1e300),
                             json(0.5),     json(true), json::array(), json(99999999),
                             json(""),      json(3),    json("debug"), json(2.0)};
  int applied = 0;
  int refused = 0;
  for (int round = 0; round < 60; ++round) {
    json body = valid[rng() % std::size(valid)];
    const int mutation = static_cast<int>(rng() % 4);
    auto it = body.begin();
    std::advance(it, static_cast<long>(rng() % body.size()));
    const std::string key = it.key();
    if (mutation == 1) {
      body[key] = odd_values[rng() % std::size(odd_values)];
    } else if (mutation == 2) {
      body.erase(key);
      body[key + "x"] = 1;
    } else if (mutation == 3) {
      body["poll.max_retries"] = static_cast<int>(rng() % 14) - 2;  // -2..11: some out of range
    }
    const json before = saved_config(h);
    const std::string before_text = h.config_file_text();
    const ApiResponse r = h.call("PATCH", "/api/config", body.dump());
    SCOPED_TRACE(body.dump() + " -> " + std::to_string(r.status) + " " + r.body);
    const json after = saved_config(h);
    if (r.status == 200) {
      ++applied;
      for (const auto& [k, v] : body.items()) {
        ASSERT_TRUE(after.contains(k));
        if (v.is_number_float()) {
          EXPECT_DOUBLE_EQ(after[k].get<double>(), v.get<double>());
        } else {
          EXPECT_EQ(after[k], v);
        }
      }
      for (const auto& [k, v] : after.items()) {
        if (!body.contains(k)) {
          EXPECT_EQ(v, before[k]) << k;
        }
      }
    } else {
      ++refused;
      EXPECT_GE(r.status, 400);
      EXPECT_LT(r.status, 500);
      EXPECT_TRUE(has_error_shape(r));
      EXPECT_EQ(after, before);
      EXPECT_EQ(h.config_file_text(), before_text);
    }
  }
  // The mutations must exercise both outcomes.
  EXPECT_GT(applied, 0);
  EXPECT_GT(refused, 0);
}

}  // namespace
}  // namespace tbgw::test
