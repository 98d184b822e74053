// BMS settings and history through the API against a real gateway: a settings write verified
// by read-back against the simulator's registers, refusals (unknown names, read-only, bad
// values, out of range) that write nothing, one write at a time (409), the import dry run;
// history queries on the query thread against a database prepared before the gateway starts
// (raw rows with known values), CSV export, bad parameters; and the bounded query queue.
#include <atomic>
#include <future>
#include <initializer_list>
#include <map>

#include "api_harness.hpp"
#include "app/api/history_queries.hpp"
#include "core/history/history_record.hpp"
#include "platform/linux/clock.hpp"
#include "platform/linux/history_export.hpp"
#include "platform/linux/history_store.hpp"

namespace tbgw::test {
namespace {

std::array<std::uint16_t, 44> sim_settings(ApiHarness& h) {
  std::array<std::uint16_t, 44> out{};
  for (std::uint16_t a = 300; a < 344; ++a) {
    out[a - 300] = h.sim().simulator().model().settings().read(a);
  }
  return out;
}

TEST(ApiBmsSettings, GivenSettingsRead_WhenListed_ThenEveryRegisterWithRawAndScaledValue) {
  ApiHarness h;
  h.wait_for_settings();
  const json j = h.call_json("GET", "/api/bms/settings");
  ASSERT_TRUE(j["settings"].is_array());
  bool seen = false;
  for (const auto& s : j["settings"]) {
    EXPECT_TRUE(s.contains("address") && s.contains("name") && s.contains("unit"));
    if (s["name"] == "battery_capacity") {
      seen = true;
      const auto raw = h.sim().simulator().model().settings().read(306);
      EXPECT_EQ(s["raw"].get<int>(), raw);
      EXPECT_NEAR(s["value"].get<double>(), raw * 0.01, 1e-6);
      EXPECT_EQ(s["unit"], "Ah");
      EXPECT_NEAR(s["range"]["max"].get<double>(), 655.0, 1e-6);
    }
  }
  EXPECT_TRUE(seen);
}

TEST(ApiBmsSettings, GivenValidWrite_WhenPatched_ThenVerifiedByReadBackAndSimulatorHoldsIt) {
  ApiHarness h;
  h.wait_for_settings();
  const std::uint16_t before = h.sim().simulator().model().settings().read(308);
  const int wanted = before == 40 ? 41 : 40;
  const ApiResponse r = h.call("PATCH", "/api/bms/settings",
                               "{\"allowed_disbalance\": " + std::to_string(wanted) + "}");
  ASSERT_EQ(r.status, 200) << r.body;
  const json j = json::parse(r.body);
  EXPECT_EQ(j["status"], "verified");
  ASSERT_EQ(j["changes"].size(), 1U);
  EXPECT_EQ(j["changes"][0]["name"], "allowed_disbalance");
  EXPECT_EQ(j["changes"][0]["old_raw"].get<int>(), before);
  EXPECT_EQ(j["changes"][0]["read_back_raw"].get<int>(), wanted);
  EXPECT_TRUE(j["changes"][0]["verified"].get<bool>());
  EXPECT_EQ(h.sim().simulator().model().settings().read(308), wanted);
}

// Issue 18 finding 10: a write while the BMS is silent is a 504 "no answer" once the link's
// retries are spent (before: 502 "write not acknowledged", while docs/api.md said 504).
TEST(ApiBmsSettings, GivenSilentBms_WhenPatched_Then504NoAnswerAndNothingWritten) {
  ApiHarness h;
  h.wait_for_settings();
  const std::uint16_t before = h.sim().simulator().model().settings().read(308);
  h.sim().simulator().faults().silent = true;
  const ApiResponse r =
      h.call("PATCH", "/api/bms/settings",
             "{\"allowed_disbalance\": " + std::to_string(before == 40 ? 41 : 40) + "}");
  EXPECT_EQ(r.status, 504) << r.body;
  const json j = json::parse(r.body, nullptr, false);
  EXPECT_EQ(j["error"]["code"], "no answer") << r.body;
  EXPECT_NE(r.body.find("read the settings again"), std::string::npos) << r.body;
  h.sim().simulator().faults().silent = false;
  EXPECT_EQ(h.sim().simulator().model().settings().read(308), before);
}

TEST(ApiBmsSettings, GivenBadBodies_WhenPatched_Then4xxAndNothingWritten) {
  ApiHarness h;
  h.wait_for_settings();
  const auto before = sim_settings(h);
  const std::pair<const char*, int> cases[] = {
      {R"({"no_such_setting": 1})", 422},
      {R"({"cell_count": 16})", 422},            // a live register, not a setting
      {R"({"allowed_disbalance": 5})", 422},     // below 15 mV
      {R"({"allowed_disbalance": 101})", 422},   // above 100 mV
      {R"({"allowed_disbalance": "40"})", 422},  // string
      {R"({"allowed_disbalance": null})", 422},
      {R"({"allowed_disbalance": 40.5})", 422},   // not a 1 mV step
      {R"({"battery_capacity": 100.005})", 422},  // not a 0.01 Ah step
      {R"({"allowed_disbalance": 1e30})", 422},
      {R"({"distance_unit": 0})", 422},                  // not a listed code
      {R"({"pulses_per_unit_hi": 1})", 422},             // half of a 32-bit setting
      {R"({"peak_discharge_current_cutoff": 0})", 422},  // would cut off any discharge (fuzzing)
      {R"({"allowed_disbalance": 40, "series_cells": 99})", 422},  // one bad: none written
      {R"({})", 422},
      {R"([1])", 400},
      {"{\"allowed_disbalance\": ", 400},
  };
  for (const auto& [body, status] : cases) {
    const ApiResponse r = h.call("PATCH", "/api/bms/settings", body);
    EXPECT_EQ(r.status, status) << body << " -> " << r.body;
    EXPECT_TRUE(has_error_shape(r)) << body;
  }
  h.run_for(std::chrono::milliseconds(300));
  EXPECT_EQ(sim_settings(h), before);
}

// The raw values GET /api/bms/settings lists for `names`.
std::map<std::string, json> listed_raw(ApiHarness& h, std::initializer_list<const char*> names) {
  const json j = h.call_json("GET", "/api/bms/settings");
  std::map<std::string, json> out;
  for (const auto& s : j["settings"]) {
    for (const char* n : names) {
      if (s["name"] == n) out[n] = s["raw"];
    }
  }
  return out;
}

TEST(ApiBmsSettings, GivenCutoffsInsideOut_WhenPatched_Then422NamingThePairAndNothingWritten) {
  // The incident: 315 = 1200 and 316 = 3500 (with 300 = 1200, 301 = 3500), each inside its
  // own range, was written and verified, and the BMS went to fault.
  ApiHarness h;
  h.wait_for_settings();
  const auto before = sim_settings(h);
  const auto names = {"over_voltage_cutoff_per_cell", "under_voltage_cutoff_per_cell",
                      "fully_charged_voltage_per_cell", "fully_discharged_voltage_per_cell",
                      "early_balancing_threshold_per_cell"};
  const auto listed_before = listed_raw(h, names);
  const ApiResponse r = h.call("PATCH", "/api/bms/settings",
                               R"({"over_voltage_cutoff_per_cell": 1200,
                                   "under_voltage_cutoff_per_cell": 3500,
                                   "fully_charged_voltage_per_cell": 1200,
                                   "fully_discharged_voltage_per_cell": 3500})");
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_TRUE(has_error_shape(r));
  const json e = json::parse(r.body)["error"];
  EXPECT_EQ(e["code"], "inconsistent_settings");
  const std::string sentence =
      "under-voltage cutoff (316) 3500 mV must be below fully discharged (301) 3500 mV";
  EXPECT_EQ(e["message"], "nothing was written: " + sentence) << r.body;
  ASSERT_EQ(e["details"].size(), 2U) << r.body;
  EXPECT_EQ(e["details"][0]["key"], "under_voltage_cutoff_per_cell");
  EXPECT_EQ(e["details"][1]["key"], "fully_discharged_voltage_per_cell");
  EXPECT_EQ(e["details"][0]["message"], sentence);
  const json& c = e["conflict"];
  EXPECT_EQ(c["rule"], "cell_voltage_order");
  EXPECT_EQ(c["relation"], "must be below");
  EXPECT_EQ(c["first"]["address"], 316);
  EXPECT_EQ(c["first"]["value"], 3500);
  EXPECT_EQ(c["first"]["written"], true);
  EXPECT_EQ(c["second"]["address"], 301);
  EXPECT_EQ(c["second"]["unit"], "mV");

  h.run_for(std::chrono::milliseconds(300));
  EXPECT_EQ(sim_settings(h), before);
  // A fresh read from the BMS shows the same values.
  const auto reads_before = h.channels().settings.stats().published;
  h.services().reread_bms_settings();
  ASSERT_TRUE(h.run_until([&] { return h.channels().settings.stats().published > reads_before; }));
  EXPECT_EQ(listed_raw(h, names), listed_before);
  EXPECT_EQ(listed_before.at("over_voltage_cutoff_per_cell"), before[315 - 300]);
}

TEST(ApiBmsSettings, GivenConsistentMultiRegisterWrite_WhenPatched_ThenVerified) {
  ApiHarness h;
  h.wait_for_settings();
  const ApiResponse r =
      h.call("PATCH", "/api/bms/settings",
             R"({"over_voltage_cutoff_per_cell": 3600, "under_voltage_cutoff_per_cell": 2700})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["status"], "verified");
  EXPECT_EQ(h.sim().simulator().model().settings().read(315), 3600);
  EXPECT_EQ(h.sim().simulator().model().settings().read(316), 2700);
}

TEST(ApiBmsSettings, GivenProfileWithCutoffsInsideOut_WhenImported_Then422EvenOnDryRun) {
  ApiHarness h;
  h.wait_for_settings();
  const auto before = sim_settings(h);
  json profile = json::parse(h.call("GET", "/api/bms/settings/export").body);
  profile["settings"]["fully_charged_voltage_per_cell"] = 3700;  // above 315 = 3650
  for (const char* query : {"dry_run=true", ""}) {
    const ApiResponse r = h.call("POST", "/api/bms/settings/import", profile.dump(), query);
    EXPECT_EQ(r.status, 422) << query << " -> " << r.body;
    EXPECT_TRUE(has_error_shape(r));
    EXPECT_EQ(json::parse(r.body)["error"]["conflict"]["second"]["address"], 315) << r.body;
  }
  h.run_for(std::chrono::milliseconds(300));
  EXPECT_EQ(sim_settings(h), before);
}

TEST(ApiBmsSettings, GivenSettingsNotReadYet_WhenCutoffPatched_Then422SettingsNotRead) {
  ApiHarness h;  // the loop has not run: nothing has been read from the BMS
  ASSERT_FALSE(h.services().registers().valid(316));
  const ApiResponse r =
      h.call("PATCH", "/api/bms/settings", R"({"over_voltage_cutoff_per_cell": 3600})");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_TRUE(has_error_shape(r));
  const json e = json::parse(r.body)["error"];
  EXPECT_EQ(e["code"], "settings_not_read") << r.body;
  EXPECT_EQ(e["conflict"]["first"]["value"], nullptr);
  EXPECT_NE(e["message"].get<std::string>().find("has not been read from the BMS yet"),
            std::string::npos)
      << r.body;
}

TEST(ApiBmsSettings, GivenWritePending_WhenSecondWrite_Then409) {
  ApiHarness h;
  h.wait_for_settings();
  const std::uint16_t before = h.sim().simulator().model().settings().read(308);
  const int wanted = before == 30 ? 31 : 30;
  std::optional<ApiResponse> first;
  const std::string body = "{\"allowed_disbalance\": " + std::to_string(wanted) + "}";
  ApiRequest rq;
  rq.method = "PATCH";
  rq.path = "/api/bms/settings";
  rq.body = body;
  rq.principal = Principal::admin;
  h.router().handle(rq, [&](ApiResponse r) { first = std::move(r); });
  EXPECT_FALSE(first.has_value());
  const ApiResponse second = h.call("PATCH", "/api/bms/settings", R"({"allowed_disbalance": 50})");
  EXPECT_EQ(second.status, 409) << second.body;
  EXPECT_TRUE(has_error_shape(second));
  ASSERT_TRUE(h.run_until([&] { return first.has_value(); }));
  EXPECT_EQ(first->status, 200) << first->body;
  EXPECT_EQ(h.sim().simulator().model().settings().read(308), wanted);
}

TEST(ApiBmsSettings, GivenWritePending_WhenRouterStops_ThenAnswered503Once) {
  ApiHarness h;
  h.wait_for_settings();
  int replies = 0;
  int status = 0;
  ApiRequest rq;
  rq.method = "PATCH";
  rq.path = "/api/bms/settings";
  rq.body = R"({"allowed_disbalance": 33})";
  rq.principal = Principal::token;
  h.router().handle(rq, [&](ApiResponse r) {
    ++replies;
    status = r.status;
  });
  h.router().stop();
  EXPECT_EQ(replies, 1);
  EXPECT_EQ(status, 503);
  h.run_for(std::chrono::milliseconds(300));  // the read-back arrives: no second answer
  EXPECT_EQ(replies, 1);
  EXPECT_EQ(h.call("GET", "/api/status").status, 503);
}

TEST(ApiBmsSettings, GivenExportedProfile_WhenImportDryRunThenReal_ThenDiffThenWrite) {
  ApiHarness h;
  h.wait_for_settings();
  const ApiResponse exported = h.call("GET", "/api/bms/settings/export");
  ASSERT_EQ(exported.status, 200);
  json profile = json::parse(exported.body);
  const int current = profile["settings"]["allowed_disbalance"].get<int>();
  const int wanted = current == 60 ? 61 : 60;
  profile["settings"]["allowed_disbalance"] = wanted;
  const json dry = h.call_json("POST", "/api/bms/settings/import", profile.dump(), "dry_run=true");
  ASSERT_TRUE(dry["changes"].is_array()) << dry.dump();
  ASSERT_EQ(dry["changes"].size(), 1U) << dry.dump();
  EXPECT_EQ(dry["changes"][0]["name"], "allowed_disbalance");
  EXPECT_EQ(dry["changes"][0]["old"].get<int>(), current);
  EXPECT_EQ(dry["changes"][0]["new"].get<int>(), wanted);
  h.run_for(std::chrono::milliseconds(300));
  EXPECT_EQ(h.sim().simulator().model().settings().read(308), current);
  const ApiResponse real = h.call("POST", "/api/bms/settings/import", profile.dump());
  EXPECT_EQ(real.status, 200) << real.body;
  EXPECT_EQ(h.sim().simulator().model().settings().read(308), wanted);
}

// --- history
constexpr int kRows = 20;

std::int64_t history_base_ms() {
  static const std::int64_t base = platform::unix_now_ms() - 600'000;
  return base;
}

void write_history(const std::filesystem::path& dir) {
  platform::HistoryStore store(dir);
  ASSERT_TRUE(store.open().ok());
  platform::HistoryBatch b;
  for (int i = 0; i < kRows; ++i) {
    history::HistoryRecord r;
    r.unix_ms = history_base_ms() + i * 1000;
    r.cell_count = 16;
    r.status_raw = 0x97;
    r.values.fill(history::kNoValue);
    r.set(history::Field::pack_voltage_v, 52.0F + 0.01F * static_cast<float>(i));
    r.set(history::Field::soc_pct, 50.0F);
    for (std::size_t c = 0; c < 16; ++c) r.values[history::kFirstCellField + c] = 3250.0F;
    b.raw.push_back(r);
  }
  ASSERT_TRUE(store.write(b)) << store.reason();
}

TEST(ApiHistory, GivenStoredRows_WhenRawQuery_ThenRowsWithTheirValues) {
  ApiHarness h(write_history);
  const std::string q = "from=" + std::to_string(history_base_ms()) +
                        "&to=" + std::to_string(history_base_ms() + kRows * 1000) + "&tier=raw";
  const ApiResponse r = h.call("GET", "/api/history", {}, q);
  ASSERT_EQ(r.status, 200) << r.body;
  const json j = json::parse(r.body);
  EXPECT_EQ(j["tier"], "raw");
  EXPECT_FALSE(j["truncated"].get<bool>());
  ASSERT_EQ(j["rows"].size(), static_cast<std::size_t>(kRows));
  const auto& cols = j["columns"];
  std::size_t v_col = 0;
  for (std::size_t i = 0; i < cols.size(); ++i) {
    if (cols[i] == "pack_voltage_v") v_col = i;
  }
  ASSERT_GT(v_col, 0U);
  for (int i = 0; i < kRows; ++i) {
    EXPECT_EQ(j["rows"][i][0].get<std::int64_t>(), history_base_ms() + i * 1000);
    EXPECT_NEAR(j["rows"][i][v_col].get<double>(), 52.0 + 0.01 * i, 0.0011);
  }
  // Bounded: max_points cuts and says so.
  const json cut = h.call_json("GET", "/api/history", {}, q + "&max_points=5");
  EXPECT_EQ(cut["rows"].size(), 5U);
  EXPECT_TRUE(cut["truncated"].get<bool>());
}

TEST(ApiHistory, GivenStoredRows_WhenCsv_ThenAttachmentWithHeaderAndRows) {
  ApiHarness h(write_history);
  const std::string from = platform::format_iso8601_utc(history_base_ms());
  const std::string q =
      "from=" + from + "&to=" + std::to_string(history_base_ms() + kRows * 1000) + "&tier=raw";
  const ApiResponse r = h.call("GET", "/api/history.csv", {}, q);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type.rfind("text/csv", 0), 0U);
  bool attachment = false;
  for (const auto& [k, v] : r.headers) {
    if (k == "Content-Disposition" && v.rfind("attachment", 0) == 0) attachment = true;
  }
  EXPECT_TRUE(attachment);
  EXPECT_NE(r.body.find("pack_voltage_v"), std::string::npos);
  EXPECT_EQ(std::count(r.body.begin(), r.body.end(), '\n'), kRows + 1);
}

TEST(ApiHistory, GivenBadParameters_WhenQueried_Then400NamingTheParameter) {
  ApiHarness h;
  const std::pair<const char*, const char*> cases[] = {
      {"from=yesterday", "from"},
      {"to=12:00", "to"},
      {"from=2000&to=1000", "from"},
      {"tier=weekly", "tier"},
      {"max_points=0", "max_points"},
      {"max_points=99999999", "max_points"},
      // Issue 18 item 5: signed overflow (the asan build aborted with no reply).
      {"from=-9223372036854775808", "from"},
      {"to=-9223372036854775808", "to"},
      {"to=9223372036854775807", "to"},
      {"from=-1", "from"},
  };
  for (const auto& [query, key] : cases) {
    const ApiResponse r = h.call("GET", "/api/history", {}, query);
    EXPECT_EQ(r.status, 400) << query;
    ASSERT_TRUE(has_error_shape(r)) << query;
    const json body = json::parse(r.body);
    EXPECT_EQ(body["error"]["details"][0]["key"], key) << query;
  }
}

TEST(ApiHistory, GivenAlertLog_WhenQueried_ThenEntriesArray) {
  ApiHarness h(write_history);
  const json j = h.call_json("GET", "/api/alerts/history");
  EXPECT_TRUE(j["entries"].is_array()) << j.dump();
}

TEST(ApiHistoryQueries, GivenBusyThread_WhenQueueFull_ThenRefusedAndStopCancelsTheRest) {
  TempDir dir;
  boost::asio::io_context io;
  app::api::HistoryQueries q(io, dir.path());
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> started{false};
  ASSERT_TRUE(q.submit(
      [&, released](platform::HistoryStore*, const std::string&) -> std::function<void()> {
        started = true;
        released.wait();
        return {};
      },
      {}));
  while (!started) std::this_thread::yield();
  int cancelled = 0;
  int completed = 0;
  for (std::size_t i = 0; i < app::api::HistoryQueries::kCapacity; ++i) {
    EXPECT_TRUE(
        q.submit([&](platform::HistoryStore*,
                     const std::string&) -> std::function<void()> { return [&] { ++completed; }; },
                 [&] { ++cancelled; }));
  }
  EXPECT_FALSE(q.submit(
      [](platform::HistoryStore*, const std::string&) { return std::function<void()>(); }, [] {}));
  EXPECT_EQ(q.refused(), 1U);
  release.set_value();
  q.stop();
  io.run();
  // Every accepted job answered exactly once: run (and its completion posted) or cancelled.
  EXPECT_EQ(cancelled + completed, static_cast<int>(app::api::HistoryQueries::kCapacity));
}

}  // namespace
}  // namespace tbgw::test
