// charge.*, alert.* and stale.* keys: the schema's defaults are ChargeParams{} and
// AlarmThresholds{}, changes reach the structs, and the schema accepts exactly the settings whose
// ChargeParams and AlarmThresholds validate (ranges and cross rules mirror validate()).
#include "core/config/to_charge_params.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string_view>
#include <vector>

#include "core/config/config_schema.hpp"
#include "core/config/config_validate.hpp"
#include "core/config/to_alert_thresholds.hpp"

namespace tbgw::config {
namespace {

using std::int64_t;

bool is_mapped_group(std::string_view key) {
  return key.starts_with("charge.") || key.starts_with("alert.") || key.starts_with("stale.");
}

// The structs accept the configuration (AlertThresholds validates AlarmThresholds too).
bool params_valid(const GatewayConfig& c) {
  return to_charge_params(c).validate().ok() && alerts::validate(to_alert_thresholds(c)).ok();
}

TEST(ConfigCharge, GIVEN_defaults_WHEN_converted_THEN_charge_params_are_their_own_defaults) {
  const control::ChargeParams p = to_charge_params(defaults());
  const control::ChargeParams e{};
  EXPECT_TRUE(p.validate().ok());
  EXPECT_EQ(p.absorption_cell_mv, e.absorption_cell_mv);
  EXPECT_EQ(p.float_cell_mv, e.float_cell_mv);
  EXPECT_EQ(p.absorption_max_ms, e.absorption_max_ms);
  EXPECT_EQ(p.tail_current_c, e.tail_current_c);
  EXPECT_EQ(p.rebulk_soc_pct, e.rebulk_soc_pct);
  EXPECT_EQ(p.rebulk_min_cell_mv, e.rebulk_min_cell_mv);
  EXPECT_EQ(p.max_cell_target_mv, e.max_cell_target_mv);
  EXPECT_EQ(p.ovp_margin_mv, e.ovp_margin_mv);
  EXPECT_EQ(p.cvl_floor_cell_mv, e.cvl_floor_cell_mv);
  EXPECT_EQ(p.cvl_rise_cell_mv_per_min, e.cvl_rise_cell_mv_per_min);
  EXPECT_EQ(p.cvl_fall_cell_mv_per_min, e.cvl_fall_cell_mv_per_min);
  EXPECT_EQ(p.limit_step_interval_ms, e.limit_step_interval_ms);
  EXPECT_EQ(p.current_recovery_pct_per_min, e.current_recovery_pct_per_min);
  EXPECT_EQ(p.ccl_max_a, e.ccl_max_a);
  EXPECT_EQ(p.dcl_max_a, e.dcl_max_a);
  EXPECT_EQ(p.bms_current_fraction, e.bms_current_fraction);
  EXPECT_EQ(p.cold_charge_margin_c, e.cold_charge_margin_c);
  EXPECT_EQ(p.hot_charge_margin_c, e.hot_charge_margin_c);
  EXPECT_EQ(p.discharge_min_temp_c, e.discharge_min_temp_c);
  EXPECT_EQ(p.dvl_cell_mv, e.dvl_cell_mv);
  EXPECT_EQ(p.stale_policy, e.stale_policy);
  EXPECT_EQ(p.stale_timeout_ms, e.stale_timeout_ms);
  EXPECT_EQ(p.hold_max_ms, e.hold_max_ms);
}

TEST(ConfigCharge, GIVEN_defaults_WHEN_converted_THEN_alarm_thresholds_are_their_own_defaults) {
  const victron::AlarmThresholds t = to_alarm_thresholds(defaults());
  const victron::AlarmThresholds e{};
  EXPECT_TRUE(victron::validate(t).ok());
  EXPECT_EQ(t.cell_high_warning_margin_mv, e.cell_high_warning_margin_mv);
  EXPECT_EQ(t.cell_high_alarm_margin_mv, e.cell_high_alarm_margin_mv);
  EXPECT_EQ(t.cell_low_warning_margin_mv, e.cell_low_warning_margin_mv);
  EXPECT_EQ(t.cell_low_alarm_margin_mv, e.cell_low_alarm_margin_mv);
  EXPECT_EQ(t.pack_high_warning_margin_mv, e.pack_high_warning_margin_mv);
  EXPECT_EQ(t.pack_high_alarm_margin_mv, e.pack_high_alarm_margin_mv);
  EXPECT_EQ(t.pack_low_warning_margin_mv, e.pack_low_warning_margin_mv);
  EXPECT_EQ(t.pack_low_alarm_margin_mv, e.pack_low_alarm_margin_mv);
  EXPECT_EQ(t.temp_high_warning_margin_c, e.temp_high_warning_margin_c);
  EXPECT_EQ(t.temp_high_alarm_margin_c, e.temp_high_alarm_margin_c);
  EXPECT_EQ(t.temp_low_warning_c, e.temp_low_warning_c);
  EXPECT_EQ(t.temp_low_alarm_c, e.temp_low_alarm_c);
  EXPECT_EQ(t.charge_temp_high_warning_c, e.charge_temp_high_warning_c);
  EXPECT_EQ(t.charge_temp_high_alarm_c, e.charge_temp_high_alarm_c);
  EXPECT_EQ(t.charge_temp_low_warning_margin_c, e.charge_temp_low_warning_margin_c);
  EXPECT_EQ(t.charge_temp_low_alarm_margin_c, e.charge_temp_low_alarm_margin_c);
  EXPECT_EQ(t.current_warning_pct, e.current_warning_pct);
  EXPECT_EQ(t.current_alarm_pct, e.current_alarm_pct);
  EXPECT_EQ(t.imbalance_warning_mv, e.imbalance_warning_mv);
  EXPECT_EQ(t.imbalance_alarm_mv, e.imbalance_alarm_mv);
}

TEST(ConfigCharge, GIVEN_changed_keys_WHEN_converted_THEN_params_and_thresholds_follow) {
  GatewayConfig c;
  const ConfigSetting batch[] = {{"charge.absorption_cell_mv", int64_t{3550}},
                                 {"charge.max_cell_target_mv", int64_t{3600}},
                                 {"charge.ccl_max_a", 55.5},
                                 {"charge.tail_current_c", int64_t{0}},
                                 {"stale.policy", std::string_view("hold_safe")},
                                 {"stale.timeout_ms", int64_t{8000}},
                                 {"stale.hold_max_ms", int64_t{600'000}},
                                 {"alert.imbalance_warning_mv", int64_t{80}},
                                 {"alert.temp_low_alarm_c", int64_t{-25}}};
  ASSERT_TRUE(apply_settings(c, batch).ok());
  const control::ChargeParams p = to_charge_params(c);
  EXPECT_EQ(p.absorption_cell_mv, 3550.0F);
  EXPECT_EQ(p.max_cell_target_mv, 3600.0F);
  EXPECT_EQ(p.ccl_max_a, 55.5F);
  EXPECT_EQ(p.tail_current_c, 0.0F);
  EXPECT_EQ(p.stale_policy, control::StalePolicy::hold_safe);
  EXPECT_EQ(p.stale_timeout_ms, 8000);
  EXPECT_EQ(p.hold_max_ms, 600'000);
  EXPECT_TRUE(p.validate().ok());
  const victron::AlarmThresholds t = to_alarm_thresholds(c);
  EXPECT_EQ(t.imbalance_warning_mv, 80.0F);
  EXPECT_EQ(t.temp_low_alarm_c, -25.0F);
}

TEST(ConfigCharge, GIVEN_float_equal_to_absorption_WHEN_set_THEN_accepted) {
  GatewayConfig c;
  ASSERT_TRUE(set(c, "charge.float_cell_mv", int64_t{3450}).ok());
  EXPECT_TRUE(to_charge_params(c).validate().ok());
}

TEST(ConfigCharge, GIVEN_each_key_alone_at_its_bounds_WHEN_accepted_THEN_params_validate) {
  for (const ConfigKey& k : schema()) {
    if (!is_mapped_group(k.key)) continue;
    if (k.type != ConfigType::integer && k.type != ConfigType::real) continue;
    for (const double bound : {k.min, k.max}) {
      GatewayConfig c;
      const ConfigValue v = k.type == ConfigType::integer ? ConfigValue{static_cast<int64_t>(bound)}
                                                          : ConfigValue{bound};
      if (set(c, k.key, v).ok()) {
        EXPECT_TRUE(params_valid(c)) << k.key << " = " << bound;
      }
    }
  }
}

// Random in-range values for 1-4 keys at a time, written without validation: the schema
// (ranges and cross rules) and the structs' own validate() must agree on every one.
TEST(ConfigCharge, GIVEN_random_settings_WHEN_checked_THEN_schema_accepts_exactly_valid_params) {
  constexpr std::uint32_t kSeed = 20240605;
  SCOPED_TRACE(testing::Message() << "seed " << kSeed);
  std::mt19937 rng(kSeed);
  std::vector<const ConfigKey*> keys;
  for (const ConfigKey& k : schema()) {
    const bool numeric = k.type == ConfigType::integer || k.type == ConfigType::real;
    // stale.timeout_ms also has a rule against poll.live_interval_ms, which no struct checks.
    if (numeric && is_mapped_group(k.key) && k.key != "stale.timeout_ms") keys.push_back(&k);
  }
  std::uniform_int_distribution<std::size_t> pick(0, keys.size() - 1);
  std::uniform_int_distribution<int> how_many(1, 4);
  int accepted = 0;
  int refused = 0;
  for (int round = 0; round < 5'000; ++round) {
    GatewayConfig c;
    for (int n = how_many(rng); n > 0; --n) {
      const ConfigKey& k = *keys[pick(rng)];
      if (k.type == ConfigType::integer) {
        std::uniform_int_distribution<int64_t> value(static_cast<int64_t>(k.min),
                                                     static_cast<int64_t>(k.max));
        k.set(c, ConfigValue{value(rng)});
      } else {
        std::uniform_real_distribution<double> value(k.min, k.max);
        k.set(c, ConfigValue{value(rng)});
      }
    }
    const bool schema_ok = validate(c).ok();
    ASSERT_EQ(schema_ok, params_valid(c)) << "round " << round;
    (schema_ok ? accepted : refused) += 1;
  }
  EXPECT_GT(accepted, 500);
  EXPECT_GT(refused, 500);
}

}  // namespace
}  // namespace tbgw::config
