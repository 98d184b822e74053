// BmsSettings: decoding the real unit's settings, pack-level helpers, write validation,
// low-byte read-modify-write, change reports.
#include "core/tinybms/bms_settings.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <optional>

namespace {

using namespace tbgw::tinybms;

constexpr tbgw::Millis kNow = 1000;

// Registers 300-343 of the spec's real unit (14S Li-ion); values the capture does not show are
// plausible defaults, marked "default".
RegisterBank real_unit_settings() {
  std::array<std::uint16_t, 44> w{};
  auto at = [&w](std::uint16_t a) -> std::uint16_t& { return w[a - 300]; };
  at(300) = 4150;  // default
  at(301) = 3000;
  at(303) = 3200;
  at(304) = 1000;
  at(305) = 120;   // default (Rev D)
  at(306) = 6600;  // 66 Ah
  at(307) = 14;
  at(308) = 15;
  at(310) = 5;       // default (Rev D)
  at(311) = 10;      // default (Rev D)
  at(312) = 0x86A0;  // 100000 pulses (0x000186A0), CDAB
  at(313) = 0x0001;
  at(314) = 2;  // km
  at(315) = 4200;
  at(316) = 2900;
  at(317) = 60;
  at(318) = 20;
  at(319) = 60;
  at(320) = 1;
  at(321) = 90;    // default (Rev D)
  at(322) = 1000;  // default (Rev D)
  at(323) = 0xFFFF;
  at(328) = 0xFFFF;
  at(329) = 0x0005;  // invert sensor + restart level (Rev D)
  at(330) = 0x0A01;  // CC/CV, 10 s OC timeout (Rev D high byte)
  at(331) = 0xAB00;  // FET; undefined high byte kept by the BMS
  at(332) = 5;
  at(333) = 1;
  at(334) = 0;
  at(335) = 1;
  at(336) = 0;
  at(337) = 0;
  at(338) = 3;  // 1 s
  at(339) = 0;
  at(340) = 0;
  at(341) = 0;
  at(342) = 0;  // broadcast off
  at(343) = 0;
  RegisterBank bank;
  EXPECT_TRUE(bank.store(300, w, kNow));
  return bank;
}

TEST(BmsSettings, GIVEN_real_unit_WHEN_decoded_THEN_per_cell_fields_and_pack_helpers) {
  const auto r = decode_settings(real_unit_settings(), true);
  ASSERT_TRUE(r.ok()) << to_string(r.error().error) << " at " << r.error().address;
  const BmsSettings& s = *r;
  EXPECT_EQ(s.over_voltage_cutoff_cell_mv, 4200);
  EXPECT_EQ(s.series_cells, 14);
  EXPECT_FLOAT_EQ(s.pack_over_voltage_v(), 58.8F);  // 4200 mV x 14, never 4.2 V
  EXPECT_FLOAT_EQ(s.pack_under_voltage_v(), 40.6F);
  EXPECT_FLOAT_EQ(s.pack_fully_charged_v(), 58.1F);
  EXPECT_FLOAT_EQ(s.pack_fully_discharged_v(), 42.0F);
  EXPECT_FLOAT_EQ(s.capacity_ah, 66.0F);
  EXPECT_EQ(s.fully_discharged_cell_mv, 3000);
  EXPECT_EQ(s.early_balancing_cell_mv, 3200);
  EXPECT_EQ(s.charge_finished_current_ma, 1000);
  EXPECT_EQ(s.allowed_disbalance_mv, 15);
  EXPECT_EQ(s.under_voltage_cutoff_cell_mv, 2900);
  EXPECT_EQ(s.discharge_over_current_a, 60);
  EXPECT_EQ(s.charge_over_current_a, 20);
  EXPECT_EQ(s.over_heat_cutoff_c, 60);
  EXPECT_EQ(s.low_temp_charge_cutoff_c, 1);
  EXPECT_EQ(s.pulses_per_unit, 100000U);
  EXPECT_EQ(s.distance_unit, 2);
  EXPECT_EQ(s.charger_type, 1);
  EXPECT_EQ(s.load_switch_type, 0);  // the high byte 0xAB is not part of the value
  EXPECT_EQ(s.automatic_recovery_s, 5);
  EXPECT_EQ(s.precharge_duration_ms(), 1000U);
  EXPECT_EQ(s.broadcast_period_ms(), 0U);
  EXPECT_TRUE(s.rev_d_available);
  EXPECT_EQ(s.peak_discharge_cutoff_a, 120);
  EXPECT_EQ(s.charger_startup_delay_s, 5);
  EXPECT_EQ(s.charger_disable_delay_s, 10);
  EXPECT_EQ(s.charge_restart_level_pct, 90);
  EXPECT_EQ(s.max_cycles, 1000);
  EXPECT_TRUE(s.invert_external_current_sensor);
  EXPECT_FALSE(s.disable_switch_diagnostics);
  EXPECT_TRUE(s.charger_restart_level_enabled);
  EXPECT_EQ(s.discharge_over_current_timeout_s, 10);
}

TEST(BmsSettings, GIVEN_pre_rev_d_firmware_WHEN_decoded_THEN_rev_d_fields_unavailable) {
  RegisterBank bank = real_unit_settings();
  for (std::uint16_t a : {305, 310, 311, 321, 322, 329}) bank.invalidate(a, 1);
  const auto r = decode_settings(bank, false);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->rev_d_available);
  EXPECT_EQ(r->peak_discharge_cutoff_a, 0);
  EXPECT_EQ(r->discharge_over_current_timeout_s, 0);  // 330 high byte ignored
  EXPECT_EQ(r->charger_type, 1);                      // 330 low byte still decoded
  EXPECT_FALSE(r->invert_external_current_sensor);
  EXPECT_FLOAT_EQ(r->pack_over_voltage_v(), 58.8F);
  const auto with_rev_d = decode_settings(bank, true);
  ASSERT_FALSE(with_rev_d.ok());
  EXPECT_EQ(with_rev_d.error().error, SettingsError::missing_register);
  EXPECT_EQ(with_rev_d.error().address, 305);
}

TEST(BmsSettings, GIVEN_settings_register_missing_WHEN_decoded_THEN_named_in_error) {
  for (std::uint16_t a : {300, 301, 303, 306, 307, 312, 313, 315, 320, 330, 331, 343}) {
    RegisterBank bank = real_unit_settings();
    bank.invalidate(a, 1);
    const auto r = decode_settings(bank, true);
    ASSERT_FALSE(r.ok()) << a;
    EXPECT_EQ(r.error().error, SettingsError::missing_register);
    EXPECT_EQ(r.error().address, a);
  }
  for (std::uint16_t a : {302, 309, 323, 324, 328}) {  // reserved, or write-only setters
    RegisterBank bank = real_unit_settings();
    bank.invalidate(a, 1);
    EXPECT_TRUE(decode_settings(bank, true).ok()) << a;
  }
}

TEST(BmsSettings, GIVEN_series_cells_out_of_range_WHEN_decoded_THEN_refused) {
  for (std::uint16_t cells : {0, 3, 17, 0xFFFF}) {
    RegisterBank bank = real_unit_settings();
    ASSERT_TRUE(bank.store(307, cells, kNow));
    const auto r = decode_settings(bank, true);
    ASSERT_FALSE(r.ok()) << cells;
    EXPECT_EQ(r.error().error, SettingsError::series_cells_out_of_range);
    EXPECT_EQ(r.error().address, 307);
  }
}

TEST(BmsSettings, GIVEN_code_settings_WHEN_converted_THEN_durations_in_ms) {
  const std::pair<std::uint8_t, std::optional<std::uint32_t>> precharge[] = {
      {0, 100}, {2, 500}, {7, 5000}, {8, std::nullopt}};
  const std::pair<std::uint8_t, std::optional<std::uint32_t>> broadcast[] = {
      {0, 0}, {1, 100}, {4, 1000}, {7, 10000}, {8, std::nullopt}};
  for (const auto& [code, ms] : precharge) {
    BmsSettings s;
    s.precharge_duration_code = code;
    EXPECT_EQ(s.precharge_duration_ms(), ms) << int{code};
  }
  for (const auto& [code, ms] : broadcast) {
    BmsSettings s;
    s.broadcast_time_code = code;
    EXPECT_EQ(s.broadcast_period_ms(), ms) << int{code};
  }
}

struct WriteCase {
  std::uint16_t address;
  std::uint16_t raw;
  std::optional<std::uint16_t> current;
  std::optional<SettingError> error;  // nullopt = accepted
  std::int64_t value;                 // reported value (checked when refused)
  std::int32_t min;                   // reported range (checked when refused with a range)
  std::int32_t max;
};

constexpr std::uint16_t neg(int v) {
  return static_cast<std::uint16_t>(v);
}

TEST(BmsSettings, GIVEN_setting_writes_WHEN_validated_THEN_refusals_name_the_bound) {
  using E = SettingError;
  const std::optional<std::uint16_t> none;
  const WriteCase table[] = {
      {315, 4200, none, std::nullopt, 0, 0, 0},
      {315, 4500, none, std::nullopt, 0, 0, 0},
      {315, 4501, none, E::out_of_range, 4501, 1200, 4500},
      {315, 1199, none, E::out_of_range, 1199, 1200, 4500},
      {315, 58, none, E::out_of_range, 58, 1200, 4500},  // a pack voltage in V: refused
      {306, 9, none, E::out_of_range, 9, 10, 65500},
      {307, 17, none, E::out_of_range, 17, 4, 16},
      {319, neg(-5), none, E::out_of_range, -5, 20, 90},
      {320, neg(-40), none, std::nullopt, 0, 0, 0},
      {320, neg(-41), none, E::out_of_range, -41, -40, 10},
      {314, 0, none, E::out_of_range, 0, 1, 5},
      {329, 8, none, E::out_of_range, 8, 0, 7},
      {36, 1, none, E::not_writable, 1, 0, 0},
      {400, 1, none, E::not_writable, 1, 0, 0},
      {302, 0, none, E::reserved, 0, 0, 0},
      {344, 0, none, E::reserved, 0, 0, 0},
      {312, 5, none, E::part_of_32bit_pair, 5, 1, 100000},
      {313, 0, none, E::part_of_32bit_pair, 0, 1, 100000},
      {331, 0x0003, none, E::current_value_unknown, 3, 0, 8},
      {331, 0x1203, 0x1200, std::nullopt, 0, 0, 0},
      {331, 0x0003, 0x1200, E::high_byte_changed, 0x00, 0x12, 0x12},
      {331, 0x1209, 0x1200, E::out_of_range, 9, 0, 8},
      {337, 0x0001, 0x0000, E::code_not_allowed, 1, 0, 16},
      {337, 0x000A, 0x0000, std::nullopt, 0, 0, 0},
      {337, 0x000B, 0x0000, E::code_not_allowed, 11, 0, 16},
      {330, 0x1E01, none, std::nullopt, 0, 0, 0},
      {330, 0x1F01, none, E::high_byte_out_of_range, 31, 0, 30},
      {330, 0x0002, none, E::out_of_range, 2, 1, 1},
  };
  for (const auto& c : table) {
    const auto r = validate_setting_write(c.address, c.raw, c.current);
    ASSERT_EQ(r.ok(), !c.error.has_value()) << c.address << " raw " << c.raw;
    if (r.ok()) continue;
    EXPECT_EQ(r.error().error, *c.error) << c.address << " raw " << c.raw;
    EXPECT_EQ(r.error().address, c.address);
    EXPECT_EQ(r.error().value, c.value) << c.address << " raw " << c.raw;
    EXPECT_EQ(r.error().range.min, c.min) << c.address << " raw " << c.raw;
    EXPECT_EQ(r.error().range.max, c.max) << c.address << " raw " << c.raw;
  }
}

TEST(BmsSettings, GIVEN_32bit_setting_WHEN_validated_as_one_value_THEN_range_of_the_pair) {
  EXPECT_TRUE(validate_setting_write_u32(312, 1).ok());
  EXPECT_TRUE(validate_setting_write_u32(312, 100000).ok());
  const std::pair<std::uint16_t, std::uint32_t> refused[] = {{312, 0}, {312, 100001}};
  for (const auto& [address, value] : refused) {
    const auto r = validate_setting_write_u32(address, value);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().error, SettingError::out_of_range);
    EXPECT_EQ(r.error().range.max, 100000);
  }
  EXPECT_EQ(validate_setting_write_u32(313, 5).error().error, SettingError::part_of_32bit_pair);
  EXPECT_EQ(validate_setting_write_u32(300, 5).error().error, SettingError::part_of_32bit_pair);
  EXPECT_EQ(validate_setting_write_u32(302, 5).error().error, SettingError::reserved);
  EXPECT_EQ(validate_setting_write_u32(36, 5).error().error, SettingError::not_writable);
}

TEST(BmsSettings, GIVEN_low_byte_register_WHEN_merged_THEN_high_byte_kept) {
  const std::array<std::array<std::uint16_t, 3>, 4> table{{
      {0xAB12, 0x05, 0xAB05},
      {0x0000, 0xFF, 0x00FF},
      {0xFFFF, 0x00, 0xFF00},
      {0x1234, 0x34, 0x1234},
  }};
  for (const auto& [current, low, expected] : table) {
    EXPECT_EQ(merge_low_byte(current, static_cast<std::uint8_t>(low)), expected);
  }
}

TEST(BmsSettings, GIVEN_a_change_WHEN_described_THEN_name_unit_and_engineering_values) {
  const SettingChange ov = describe_change(315, 4200, 4150);
  EXPECT_EQ(ov.name, "over_voltage_cutoff_per_cell");
  EXPECT_EQ(ov.unit, "mV");
  EXPECT_EQ(ov.old_raw, 4200);
  EXPECT_EQ(ov.new_raw, 4150);
  EXPECT_DOUBLE_EQ(ov.old_value, 4200.0);
  EXPECT_DOUBLE_EQ(ov.new_value, 4150.0);

  const SettingChange cap = describe_change(306, 6600, 10000);
  EXPECT_EQ(cap.unit, "Ah");
  EXPECT_DOUBLE_EQ(cap.old_value, 66.0);
  EXPECT_DOUBLE_EQ(cap.new_value, 100.0);

  const SettingChange cold = describe_change(320, 1, neg(-10));
  EXPECT_DOUBLE_EQ(cold.new_value, -10.0);

  const SettingChange unknown = describe_change(302, 1, 2);
  EXPECT_TRUE(unknown.name.empty());
}

TEST(BmsSettings, GIVEN_two_banks_WHEN_diffed_THEN_exactly_the_changed_registers_in_order) {
  const RegisterBank before = real_unit_settings();
  RegisterBank after = before;
  ASSERT_TRUE(after.store(331, std::uint16_t{0xAB03}, kNow));
  ASSERT_TRUE(after.store(315, std::uint16_t{4150}, kNow));
  ASSERT_TRUE(after.store(36, std::uint16_t{1}, kNow));  // not a setting: ignored

  std::array<SettingChange, 4> out{};
  ASSERT_EQ(diff_settings(before, after, out), 2U);
  EXPECT_EQ(out[0].address, 315);
  EXPECT_EQ(out[0].old_raw, 4200);
  EXPECT_EQ(out[0].new_raw, 4150);
  EXPECT_EQ(out[1].address, 331);
  EXPECT_EQ(out[1].name, "load_switch_type");

  std::array<SettingChange, 1> small{};
  EXPECT_EQ(diff_settings(before, after, small), 2U);  // count beyond capacity is reported
  EXPECT_EQ(small[0].address, 315);
  EXPECT_EQ(diff_settings(before, before, out), 0U);
}

}  // namespace
