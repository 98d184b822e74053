// The configuration schema: table invariants, defaults, per-key validation with errors that name
// the key and what it allows, transactional batches, cross-field rules and diff.
#include "core/config/config_schema.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "core/config/config_diff.hpp"
#include "core/config/config_validate.hpp"
#include "core/config/to_poller_config.hpp"

namespace tbgw::config {
namespace {

using Kind = ConfigErrorKind;
using std::int64_t;

std::string prefix(std::string_view key) {
  return std::string(key.substr(0, key.find('.')));
}

// A valid value of maximal length for a string row.
std::string longest_valid(const ConfigKey& k) {
  std::string s(static_cast<std::size_t>(k.max), 'a');
  if (k.text_rule == TextRule::absolute_path) s.front() = '/';
  if (k.text_rule == TextRule::pem_path) s.front() = '/', s.replace(s.size() - 4, 4, ".pem");
  if (k.text_rule == TextRule::can_backend) s.replace(0, 4, "log:");
  if (k.text_rule == TextRule::listen_address) s.replace(s.size() - 5, 5, ":8080");
  if (k.text_rule == TextRule::mqtt_url) s.replace(0, 7, "mqtt://");
  if (k.text_rule == TextRule::topic) s[s.size() / 2] = '/';
  return s;
}

// Boundary values every row must store and read back unchanged.
std::vector<ConfigValue> boundary_values(const ConfigKey& k, std::vector<std::string>& storage) {
  switch (k.type) {
    case ConfigType::boolean:
      return {true, false};
    case ConfigType::integer: {
      std::vector<ConfigValue> v;
      for (const int64_t a : k.allowed) v.emplace_back(a);
      if (v.empty()) v = {static_cast<int64_t>(k.min), static_cast<int64_t>(k.max)};
      return v;
    }
    case ConfigType::real:
      return {k.min, k.max};
    case ConfigType::enumeration:
      return {k.names.begin(), k.names.end()};
    case ConfigType::string:
      storage.push_back(longest_valid(k));
      return {std::string_view(storage.back())};
  }
  return {};
}

TEST(ConfigSchema, GIVEN_table_THEN_keys_are_dotted_snake_case_and_groups_contiguous) {
  std::set<std::string> closed_groups;
  std::string current;
  for (const ConfigKey& k : schema()) {
    ASSERT_NE(k.key.find('.'), std::string_view::npos) << k.key;
    for (const char c : k.key) {
      EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.')
          << k.key;
    }
    if (prefix(k.key) != current) {
      EXPECT_TRUE(closed_groups.insert(current).second || current.empty()) << current;
      EXPECT_EQ(closed_groups.count(prefix(k.key)), 0U) << "group split: " << k.key;
      current = prefix(k.key);
    }
    EXPECT_NE(k.get, nullptr) << k.key;
    EXPECT_NE(k.set, nullptr) << k.key;
    EXPECT_FALSE(k.description.empty()) << k.key;
    EXPECT_EQ(find_key(k.key), &k);
    EXPECT_EQ(&schema()[key_index(k)], &k);
  }
}

TEST(ConfigSchema, GIVEN_defaults_WHEN_validated_THEN_no_errors) {
  const ConfigErrors errors = validate(defaults());
  EXPECT_TRUE(errors.ok()) << (errors.size() > 0 ? errors[0].key.view() : "");
  EXPECT_EQ(defaults(), GatewayConfig{});
}

TEST(ConfigSchema, GIVEN_each_row_WHEN_default_read_back_THEN_equals_the_table_default) {
  const GatewayConfig c = defaults();
  for (const ConfigKey& k : schema()) {
    EXPECT_EQ(k.get(c), k.default_value) << k.key;
    EXPECT_TRUE(check_value(k, k.default_value).ok()) << k.key;
  }
}

TEST(ConfigSchema, GIVEN_defaults_WHEN_converted_THEN_poller_config_has_its_own_defaults) {
  const tinybms::PollerConfig p = to_poller_config(defaults());
  const tinybms::PollerConfig expected{};
  EXPECT_EQ(p.live_interval_ms, expected.live_interval_ms);
  EXPECT_EQ(p.response_timeout_ms, expected.response_timeout_ms);
  EXPECT_EQ(p.max_retries, expected.max_retries);
  EXPECT_EQ(p.retry_backoff_ms, expected.retry_backoff_ms);
  EXPECT_EQ(p.link_loss_timeout_ms, expected.link_loss_timeout_ms);
  EXPECT_EQ(p.lost_probe_interval_ms, expected.lost_probe_interval_ms);
  EXPECT_EQ(p.statistics_interval_ms, expected.statistics_interval_ms);
  EXPECT_EQ(p.settings_interval_ms, expected.settings_interval_ms);
  EXPECT_EQ(p.events_interval_ms, expected.events_interval_ms);  // issue 8
  EXPECT_EQ(p.reserved_span_failures_before_fallback,
            expected.reserved_span_failures_before_fallback);
  EXPECT_EQ(p.rev_d_registers, expected.rev_d_registers);
}

TEST(ConfigSchema, GIVEN_changed_poll_keys_WHEN_converted_THEN_poller_config_follows) {
  GatewayConfig c;
  const ConfigSetting batch[] = {{"poll.live_interval_ms", int64_t{2000}},
                                 {"poll.max_retries", int64_t{5}},
                                 {"bms.rev_d_registers", false}};
  ASSERT_TRUE(apply_settings(c, batch).ok());
  const tinybms::PollerConfig p = to_poller_config(c);
  EXPECT_EQ(p.live_interval_ms, 2000);
  EXPECT_EQ(p.max_retries, 5);
  EXPECT_FALSE(p.rev_d_registers);
}

TEST(ConfigSchema, GIVEN_every_key_WHEN_boundary_values_stored_THEN_read_back_unchanged) {
  for (const ConfigKey& k : schema()) {
    std::vector<std::string> storage;
    for (const ConfigValue& v : boundary_values(k, storage)) {
      ASSERT_TRUE(check_value(k, v).ok()) << k.key;
      GatewayConfig c;
      k.set(c, v);
      EXPECT_EQ(k.get(c), v) << k.key;
    }
  }
}

TEST(ConfigSchema, GIVEN_valid_key_WHEN_set_THEN_config_changes) {
  GatewayConfig c;
  ASSERT_TRUE(set(c, "stale.policy", std::string_view("hold_safe")).ok());
  EXPECT_EQ(c.stale_policy, StalePolicy::hold_safe);
  ASSERT_TRUE(set(c, "can.backend", std::string_view("slcan:/dev/ttyACM0")).ok());
  EXPECT_EQ(c.can_backend.view(), "slcan:/dev/ttyACM0");
}

struct RangeCase {
  std::string_view key;
  int64_t value;
  double min;
  double max;
};

TEST(ConfigValidate, GIVEN_out_of_range_values_WHEN_set_THEN_error_names_key_and_range) {
  const RangeCase cases[] = {
      {"poll.live_interval_ms", 99, 100, 60'000},
      {"poll.live_interval_ms", 60'001, 100, 60'000},
      {"poll.response_timeout_ms", 19, 20, 5'000},
      {"poll.max_retries", -1, 0, 10},
      {"poll.settings_interval_ms", 86'400'001, 10'000, 86'400'000},
      {"stale.timeout_ms", 0, 1'000, 60'000},
      {"energy.persist_interval_s", std::numeric_limits<int64_t>::max(), 10, 86'400},
  };
  for (const auto& c : cases) {
    GatewayConfig config;
    const ConfigErrors errors = set(config, c.key, c.value);
    ASSERT_EQ(errors.size(), 1U) << c.key << " " << c.value;
    EXPECT_EQ(errors[0].kind, Kind::out_of_range);
    EXPECT_EQ(errors[0].key.view(), c.key);
    EXPECT_EQ(errors[0].min, c.min);
    EXPECT_EQ(errors[0].max, c.max);
    EXPECT_EQ(errors[0].value, static_cast<double>(c.value));
    EXPECT_EQ(config, defaults()) << "a refused value changes nothing";
  }
}

struct TypeCase {
  std::string_view key;
  ConfigValue value;
  ConfigType given;
};

TEST(ConfigValidate, GIVEN_value_of_wrong_type_WHEN_set_THEN_wrong_type_with_given_type) {
  const TypeCase cases[] = {
      {"poll.live_interval_ms", std::string_view("1000"), ConfigType::string},
      {"poll.live_interval_ms", 1000.0, ConfigType::real},  // integers are not rounded
      {"bms.invert_current", int64_t{1}, ConfigType::integer},
      {"stale.policy", int64_t{0}, ConfigType::integer},
      {"can.backend", true, ConfigType::boolean},
  };
  for (const auto& c : cases) {
    GatewayConfig config;
    const ConfigErrors errors = set(config, c.key, c.value);
    ASSERT_EQ(errors.size(), 1U) << c.key;
    EXPECT_EQ(errors[0].kind, Kind::wrong_type) << c.key;
    EXPECT_EQ(errors[0].given, c.given) << c.key;
    EXPECT_EQ(errors[0].def, find_key(c.key));
  }
}

TEST(ConfigValidate, GIVEN_unknown_key_WHEN_set_THEN_unknown_key_error_quotes_it) {
  GatewayConfig config;
  const ConfigErrors errors = set(config, "poll.interval", int64_t{500});
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].kind, Kind::unknown_key);
  EXPECT_EQ(errors[0].key.view(), "poll.interval");
  EXPECT_EQ(errors[0].def, nullptr);
}

struct StringCase {
  std::string_view key;
  std::string_view value;
  ConfigErrorKind kind;
};

TEST(ConfigValidate, GIVEN_bad_strings_and_enum_names_WHEN_set_THEN_specific_error_kind) {
  const StringCase cases[] = {
      {"stale.policy", "hold", Kind::not_allowed},
      {"log.level", "INFO", Kind::not_allowed},
      {"can.manufacturer_name", "TinyBMS-GW", Kind::too_long},  // 0x35E holds 8 bytes
      {"can.manufacturer_name", "Tiny\xC3\xA9", Kind::bad_text},
      {"serial.port", "/dev/tty\nUSB0", Kind::bad_text},
      {"serial.port", "ttyUSB0", Kind::bad_format},
      {"can.backend", "can0", Kind::bad_format},
      {"can.backend", "socketcan:", Kind::bad_format},
      {"can.backend", "socketcan:a_very_long_name0", Kind::bad_format},
      {"can.backend", "log:", Kind::bad_format},
      {"can.backend", "serial:/dev/ttyUSB0", Kind::bad_format},
  };
  for (const auto& c : cases) {
    GatewayConfig config;
    const ConfigErrors errors = set(config, c.key, c.value);
    ASSERT_EQ(errors.size(), 1U) << c.key << "=" << c.value;
    EXPECT_EQ(errors[0].kind, c.kind) << c.key << "=" << c.value;
    EXPECT_EQ(errors[0].key.view(), c.key);
  }
}

TEST(ConfigValidate, GIVEN_too_long_string_WHEN_set_THEN_error_carries_length_and_max) {
  GatewayConfig config;
  const ConfigErrors errors =
      set(config, "can.battery_name", std::string_view("abcdefghijklmnopq"));
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].value, 17);
  EXPECT_EQ(errors[0].max, 16);
}

TEST(ConfigValidate, GIVEN_baud_not_in_allowed_set_WHEN_set_THEN_not_allowed) {
  GatewayConfig config;
  const ConfigErrors errors = set(config, "serial.baud", int64_t{100'000});
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].kind, Kind::not_allowed);
  EXPECT_EQ(errors[0].value, 100'000);
  ASSERT_NE(errors[0].def, nullptr);
  EXPECT_EQ(errors[0].def->allowed.size(), 6U);
}

TEST(ConfigValidate, GIVEN_valid_backends_WHEN_set_THEN_accepted) {
  for (const std::string_view b :
       {"log:-", "log:/tmp/can.log", "socketcan:can0", "socketcan:vcan15", "slcan:/dev/ttyACM0"}) {
    GatewayConfig config;
    EXPECT_TRUE(set(config, "can.backend", b).ok()) << b;
  }
}

TEST(ConfigValidate, GIVEN_float_row_WHEN_checked_THEN_integers_widen_and_nan_is_refused) {
  ConfigKey k;
  k.key = "test.ratio";
  k.type = ConfigType::real;
  k.min = 0.0;
  k.max = 1.5;
  auto widened = check_value(k, int64_t{1});
  ASSERT_TRUE(widened.ok());
  EXPECT_EQ(widened.value(), ConfigValue{1.0});
  EXPECT_TRUE(check_value(k, 1.5).ok());
  EXPECT_EQ(check_value(k, 1.51).error().kind, Kind::out_of_range);
  EXPECT_EQ(check_value(k, std::nan("")).error().kind, Kind::out_of_range);
  EXPECT_EQ(check_value(k, std::string_view("1")).error().kind, Kind::wrong_type);
}

TEST(ConfigValidate, GIVEN_batch_with_one_bad_value_WHEN_applied_THEN_nothing_changes) {
  GatewayConfig config;
  const ConfigSetting batch[] = {{"poll.live_interval_ms", int64_t{500}},
                                 {"log.level", std::string_view("debug")},
                                 {"poll.max_retries", int64_t{11}}};
  const ConfigErrors errors = apply_settings(config, batch);
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].key.view(), "poll.max_retries");
  EXPECT_EQ(config, defaults());
}

TEST(ConfigValidate, GIVEN_batch_with_several_bad_values_WHEN_applied_THEN_every_error_returned) {
  GatewayConfig config;
  const ConfigSetting batch[] = {{"poll.live_interval_ms", int64_t{5}},
                                 {"no.such_key", true},
                                 {"stale.policy", std::string_view("ignore")},
                                 {"log.level", std::string_view("debug")},
                                 {"log.level", std::string_view("info")}};
  const ConfigErrors errors = apply_settings(config, batch);
  ASSERT_EQ(errors.size(), 4U);
  EXPECT_EQ(errors[0].kind, Kind::out_of_range);
  EXPECT_EQ(errors[1].kind, Kind::unknown_key);
  EXPECT_EQ(errors[2].kind, Kind::not_allowed);
  EXPECT_EQ(errors[3].kind, Kind::duplicate_key);
  EXPECT_EQ(config, defaults());
}

TEST(ConfigValidate, GIVEN_more_errors_than_the_list_holds_WHEN_applied_THEN_rest_counted) {
  GatewayConfig config;
  std::vector<std::string> keys;
  for (int i = 0; i < 20; ++i) keys.push_back("no.key_" + std::to_string(i));
  std::vector<ConfigSetting> batch;
  for (const auto& k : keys) batch.push_back({k, true});
  const ConfigErrors errors = apply_settings(config, batch);
  EXPECT_EQ(errors.size(), ConfigErrors::kCapacity);
  EXPECT_EQ(errors.omitted(), 20U - ConfigErrors::kCapacity);
  EXPECT_FALSE(errors.ok());
  EXPECT_EQ(config, defaults());
}

struct CrossCase {
  std::vector<ConfigSetting> batch;
  std::string_view key;
  std::string_view other;
};

TEST(ConfigValidate, GIVEN_change_breaking_a_cross_rule_WHEN_applied_THEN_error_names_both) {
  const CrossCase cases[] = {
      {{{"poll.response_timeout_ms", int64_t{1000}}},
       "poll.response_timeout_ms",
       "poll.live_interval_ms"},
      {{{"poll.response_timeout_ms", int64_t{800}}, {"poll.link_loss_timeout_ms", int64_t{600}}},
       "poll.link_loss_timeout_ms",
       "poll.response_timeout_ms"},
      {{{"poll.link_loss_timeout_ms", int64_t{1000}}},
       "poll.link_loss_timeout_ms",
       "poll.live_interval_ms"},
      {{{"poll.lost_probe_interval_ms", int64_t{250}}},
       "poll.lost_probe_interval_ms",
       "poll.response_timeout_ms"},
      {{{"stale.timeout_ms", int64_t{1000}}}, "stale.timeout_ms", "poll.live_interval_ms"},
      // The per-cell charge voltages default to 0 (from the BMS), which takes part in no cross
      // rule: both sides are set by the owner here.
      {{{"charge.absorption_cell_mv", int64_t{3450}}, {"charge.float_cell_mv", int64_t{3460}}},
       "charge.float_cell_mv",
       "charge.absorption_cell_mv"},
      {{{"charge.absorption_cell_mv", int64_t{3510}}, {"charge.max_cell_target_mv", int64_t{3500}}},
       "charge.max_cell_target_mv",
       "charge.absorption_cell_mv"},
      {{{"charge.rebulk_min_cell_mv", int64_t{3375}}, {"charge.float_cell_mv", int64_t{3375}}},
       "charge.rebulk_min_cell_mv",
       "charge.float_cell_mv"},
      {{{"charge.cvl_floor_cell_mv", int64_t{3400}}, {"charge.float_cell_mv", int64_t{3375}}},
       "charge.cvl_floor_cell_mv",
       "charge.float_cell_mv"},
      {{{"charge.dvl_cell_mv", int64_t{3300}}, {"charge.cvl_floor_cell_mv", int64_t{3300}}},
       "charge.dvl_cell_mv",
       "charge.cvl_floor_cell_mv"},
      {{{"alert.cell_high_alarm_margin_mv", int64_t{60}}},
       "alert.cell_high_warning_margin_mv",
       "alert.cell_high_alarm_margin_mv"},
      {{{"alert.cell_low_alarm_margin_mv", int64_t{110}}},
       "alert.cell_low_warning_margin_mv",
       "alert.cell_low_alarm_margin_mv"},
      {{{"alert.pack_high_alarm_margin_cell_mv", int64_t{60}}},
       "alert.pack_high_warning_margin_cell_mv",
       "alert.pack_high_alarm_margin_cell_mv"},
      {{{"alert.pack_low_alarm_margin_cell_mv", int64_t{110}}},
       "alert.pack_low_warning_margin_cell_mv",
       "alert.pack_low_alarm_margin_cell_mv"},
      {{{"alert.temp_high_alarm_margin_c", int64_t{11}}},
       "alert.temp_high_warning_margin_c",
       "alert.temp_high_alarm_margin_c"},
      {{{"alert.temp_low_alarm_c", int64_t{-9}}},
       "alert.temp_low_warning_c",
       "alert.temp_low_alarm_c"},
      {{{"alert.charge_temp_high_warning_c", int64_t{51}}},
       "alert.charge_temp_high_warning_c",
       "alert.charge_temp_high_alarm_c"},
      {{{"alert.charge_temp_low_alarm_margin_c", int64_t{4}}},
       "alert.charge_temp_low_warning_margin_c",
       "alert.charge_temp_low_alarm_margin_c"},
      {{{"alert.current_alarm_pct", int64_t{79}}},
       "alert.current_warning_pct",
       "alert.current_alarm_pct"},
      {{{"alert.imbalance_warning_mv", int64_t{201}}},
       "alert.imbalance_warning_mv",
       "alert.imbalance_alarm_mv"},
      {{{"alert.soc_low_alarm_pct", int64_t{25}}},
       "alert.soc_low_warning_pct",
       "alert.soc_low_alarm_pct"},
  };
  ASSERT_EQ(std::size(cases), cross_rules().size()) << "one case per rule";
  for (const auto& c : cases) {
    GatewayConfig config;
    const ConfigErrors errors = apply_settings(config, c.batch);
    bool found = false;
    for (const auto& e : errors) {
      EXPECT_EQ(e.kind, Kind::inconsistent);
      found |= e.key.view() == c.key && e.other_key == c.other;
    }
    EXPECT_TRUE(found) << c.key << " vs " << c.other;
    EXPECT_EQ(config, defaults());
  }
}

TEST(ConfigValidate, GIVEN_a_charge_voltage_from_the_bms_WHEN_the_other_side_is_set_THEN_accepted) {
  GatewayConfig config;
  // absorption stays 0 (from the BMS): a float the owner sets is not compared with it.
  const std::vector<ConfigSetting> set_float{{"charge.float_cell_mv", std::int64_t{4000}}};
  EXPECT_TRUE(apply_settings(config, set_float).ok());
  EXPECT_EQ(config.charge_float_cell_mv, 4000);
  // 0 is accepted although it is below the range, and only for these keys.
  const std::vector<ConfigSetting> back_to_auto{{"charge.float_cell_mv", std::int64_t{0}}};
  EXPECT_TRUE(apply_settings(config, back_to_auto).ok());
  const std::vector<ConfigSetting> zero_current{{"charge.ccl_max_a", std::int64_t{0}}};
  const ConfigErrors bad = apply_settings(config, zero_current);
  ASSERT_EQ(bad.size(), 1U);
  EXPECT_EQ(bad[0].kind, Kind::out_of_range);
}

TEST(ConfigValidate, GIVEN_related_keys_changed_together_WHEN_applied_THEN_order_does_not_matter) {
  GatewayConfig config;
  // Alone, a 1500 ms timeout breaks "response < live interval"; with the new interval it holds.
  const ConfigSetting batch[] = {{"poll.response_timeout_ms", int64_t{1500}},
                                 {"poll.live_interval_ms", int64_t{2000}}};
  EXPECT_TRUE(apply_settings(config, batch).ok());
  EXPECT_EQ(config.poll_response_timeout_ms, 1500);
  const ConfigErrors cross = check_consistency(config);
  ASSERT_TRUE(cross.ok());
}

TEST(ConfigDiff, GIVEN_equal_configs_WHEN_diffed_THEN_empty) {
  EXPECT_TRUE(diff(defaults(), defaults()).empty());
  EXPECT_FALSE(diff(defaults(), defaults()).needs_restart());
}

TEST(ConfigDiff, GIVEN_live_and_restart_changes_WHEN_diffed_THEN_keys_in_table_order) {
  GatewayConfig after;
  ASSERT_TRUE(set(after, "poll.live_interval_ms", int64_t{500}).ok());
  ConfigDiff live_only = diff(defaults(), after);
  ASSERT_EQ(live_only.changed().size(), 1U);
  EXPECT_EQ(live_only.changed()[0]->key, "poll.live_interval_ms");
  EXPECT_FALSE(live_only.needs_restart());

  ASSERT_TRUE(set(after, "log.level", std::string_view("debug")).ok());
  ASSERT_TRUE(set(after, "can.backend", std::string_view("log:-")).ok());
  const ConfigDiff both = diff(defaults(), after);
  ASSERT_EQ(both.changed().size(), 3U);
  EXPECT_EQ(both.changed()[0]->key, "poll.live_interval_ms");
  EXPECT_EQ(both.changed()[1]->key, "can.backend");
  EXPECT_EQ(both.changed()[2]->key, "log.level");
  EXPECT_TRUE(both.needs_restart());
}

}  // namespace
}  // namespace tbgw::config
