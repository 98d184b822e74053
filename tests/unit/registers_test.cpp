// The register catalogue: table invariants, lookups, reserved ranges, Rev D markers.
#include "core/tinybms/registers.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace {

using namespace tbgw::tinybms;

TEST(Registers, GIVEN_catalogue_WHEN_iterated_THEN_addresses_strictly_ascending) {
  const auto all = all_registers();
  ASSERT_FALSE(all.empty());
  for (std::size_t i = 1; i < all.size(); ++i) {
    EXPECT_LT(all[i - 1].address, all[i].address) << "entry " << i;
  }
}

TEST(Registers, GIVEN_catalogue_WHEN_iterated_THEN_names_unique_and_snake_case) {
  std::set<std::string> seen;
  for (const auto& r : all_registers()) {
    EXPECT_TRUE(seen.insert(std::string(r.name)).second) << "duplicate name " << r.name;
    for (char c : r.name) {
      EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')
          << "name " << r.name << " at " << r.address;
    }
    EXPECT_FALSE(r.description.empty()) << r.name;
  }
}

TEST(Registers, GIVEN_catalogue_WHEN_counted_THEN_every_defined_register_present) {
  // 16 cells + 23 live + 16 statistics + 98 event words + 38 settings + 10 version.
  EXPECT_EQ(all_registers().size(), 201U);
}

TEST(Registers, GIVEN_writable_entry_THEN_has_a_range_and_lies_in_settings_band) {
  for (const auto& r : all_registers()) {
    if (!r.writable()) {
      EXPECT_EQ(r.range_kind, RangeKind::none) << r.name;
      continue;
    }
    EXPECT_TRUE(kSettingsBand.contains(r.address)) << r.name;
    EXPECT_NE(r.range_kind, RangeKind::none) << r.name;
    EXPECT_LE(r.range.min, r.range.max) << r.name;
    if (r.type == RegType::u8_low || r.type == RegType::u8_pair) {
      EXPECT_GE(r.range.min, 0) << r.name;
      EXPECT_LE(r.range.max, 255) << r.name;
    }
  }
}

TEST(Registers, GIVEN_reserved_ranges_WHEN_looked_up_THEN_not_in_table_as_data) {
  const AddressRange reserved[] = {{16, 31},   {49, 49},   {56, 99},   {110, 110}, {115, 115},
                                   {118, 199}, {298, 299}, {302, 302}, {309, 309}, {324, 327},
                                   {344, 399}, {400, 499}, {510, 511}};
  for (const auto& range : reserved) {
    for (std::uint16_t a = range.first; a <= range.last; ++a) {
      EXPECT_EQ(find_register(a), nullptr) << a;
      EXPECT_TRUE(is_reserved(a)) << a;
      EXPECT_FALSE(is_writable(a)) << a;
      EXPECT_EQ(group_of(a), RegisterGroup::reserved) << a;
    }
  }
}

TEST(Registers, GIVEN_every_event_address_WHEN_looked_up_THEN_found_as_event_slot_word) {
  for (std::uint16_t a = 200; a <= 297; ++a) {
    const RegisterInfo* r = find_register(a);
    ASSERT_NE(r, nullptr) << a;
    EXPECT_EQ(r->group, RegisterGroup::events);
    EXPECT_EQ(r->type, a % 2 == 0 ? RegType::event_lo : RegType::event_hi) << a;
    EXPECT_EQ(r->access, Access::read_only);
  }
  EXPECT_EQ(find_register(200)->name, "event_00_timestamp_lo");
  EXPECT_EQ(find_register(203)->name, "event_01_timestamp_hi_id");
  EXPECT_EQ(find_register(297)->name, "event_48_timestamp_hi_id");
}

struct Expected {
  std::uint16_t address;
  const char* name;
  RegType type;
  RegisterGroup group;
  const char* unit;
  double scale;
};

TEST(Registers, GIVEN_known_addresses_WHEN_looked_up_THEN_entry_matches_spec) {
  const Expected table[] = {
      {0, "channel_01_voltage", RegType::u16, RegisterGroup::live, "mV", 0.1},
      {15, "channel_16_voltage", RegType::u16, RegisterGroup::live, "mV", 0.1},
      {32, "lifetime_counter", RegType::u32_lo, RegisterGroup::live, "s", 1},
      {36, "pack_voltage", RegType::float32_lo, RegisterGroup::live, "V", 1},
      {37, "pack_voltage_hi", RegType::float32_hi, RegisterGroup::live, "V", 1},
      {38, "pack_current", RegType::float32_lo, RegisterGroup::live, "A", 1},
      {40, "min_cell_voltage", RegType::u16, RegisterGroup::live, "mV", 1},
      {42, "external_temp_1", RegType::i16, RegisterGroup::live, "°C", 0.1},
      {45, "state_of_health", RegType::u16, RegisterGroup::live, "%", 0.002},
      {46, "state_of_charge", RegType::u32_lo, RegisterGroup::live, "%", 1e-6},
      {50, "online_status", RegType::u16, RegisterGroup::live, "", 1},
      {51, "balancing_decision_bits", RegType::bits16, RegisterGroup::live, "", 1},
      {53, "detected_cells", RegType::u16, RegisterGroup::live, "", 1},
      {102, "max_discharge_current", RegType::u16, RegisterGroup::statistics, "A", 0.1},
      {104, "max_cell_voltage_difference", RegType::u16, RegisterGroup::statistics, "mV", 0.1},
      {113, "pack_temperature_min_max", RegType::i8_pair, RegisterGroup::statistics, "°C", 1},
      {300, "fully_charged_voltage_per_cell", RegType::u16, RegisterGroup::settings, "mV", 1},
      {306, "battery_capacity", RegType::u16, RegisterGroup::settings, "Ah", 0.01},
      {312, "pulses_per_unit", RegType::u32_lo, RegisterGroup::settings, "", 1},
      {315, "over_voltage_cutoff_per_cell", RegType::u16, RegisterGroup::settings, "mV", 1},
      {319, "over_heat_cutoff", RegType::i16, RegisterGroup::settings, "°C", 1},
      {330, "charger_type_and_discharge_oc_timeout", RegType::u8_pair, RegisterGroup::settings, "",
       1},
      {343, "broadcast_protocol", RegType::u8_low, RegisterGroup::settings, "", 1},
      {502, "firmware_internal_version", RegType::u16, RegisterGroup::version, "", 1},
      {509, "serial_number_word_5", RegType::u16, RegisterGroup::version, "", 1},
  };
  for (const auto& e : table) {
    const RegisterInfo* r = find_register(e.address);
    ASSERT_NE(r, nullptr) << e.address;
    EXPECT_EQ(r->name, e.name) << e.address;
    EXPECT_EQ(r->type, e.type) << e.address;
    EXPECT_EQ(r->group, e.group) << e.address;
    EXPECT_EQ(r->unit, e.unit) << e.address;
    EXPECT_DOUBLE_EQ(r->scale, e.scale) << e.address;
    EXPECT_EQ(find_register(std::string_view(e.name)), r) << e.name;
  }
}

TEST(Registers, GIVEN_every_entry_WHEN_found_by_name_THEN_same_entry) {
  for (const auto& r : all_registers()) EXPECT_EQ(find_register(r.name), &r) << r.name;
  EXPECT_EQ(find_register(std::string_view("no_such_register")), nullptr);
  EXPECT_EQ(find_register(std::string_view("")), nullptr);
}

struct RangeCase {
  std::uint16_t address;
  std::int32_t min;
  std::int32_t max;
  RangeKind kind;
};

TEST(Registers, GIVEN_settings_WHEN_ranges_read_THEN_match_spec_table) {
  const RangeCase table[] = {
      {300, 1200, 4500, RangeKind::documented},   {301, 1000, 3500, RangeKind::documented},
      {303, 1000, 4500, RangeKind::documented},   {304, 100, 5000, RangeKind::sensor_dependent},
      {305, 1, 65535, RangeKind::undocumented},  // 0 A refused: gateway policy, not the spec
      {306, 10, 65500, RangeKind::documented},    {307, 4, 16, RangeKind::documented},
      {308, 15, 100, RangeKind::documented},      {310, 5, 60, RangeKind::documented},
      {311, 0, 60, RangeKind::documented},        {312, 1, 100000, RangeKind::documented},
      {314, 1, 5, RangeKind::documented},         {315, 1200, 4500, RangeKind::documented},
      {316, 800, 3500, RangeKind::documented},    {317, 1, 750, RangeKind::sensor_dependent},
      {318, 1, 750, RangeKind::sensor_dependent}, {319, 20, 90, RangeKind::documented},
      {320, -40, 10, RangeKind::documented},      {321, 60, 95, RangeKind::documented},
      {322, 10, 65000, RangeKind::documented},    {323, 0, 50000, RangeKind::documented},
      {328, 0, 50000, RangeKind::documented},     {332, 1, 30, RangeKind::documented},
      {342, 0, 7, RangeKind::documented},
  };
  for (const auto& c : table) {
    const RegisterInfo* r = find_register(c.address);
    ASSERT_NE(r, nullptr) << c.address;
    EXPECT_EQ(r->range.min, c.min) << c.address;
    EXPECT_EQ(r->range.max, c.max) << c.address;
    EXPECT_EQ(r->range_kind, c.kind) << c.address;
  }
  EXPECT_EQ(find_register(330)->high_range.min, 0);
  EXPECT_EQ(find_register(330)->high_range.max, 30);
}

TEST(Registers, GIVEN_catalogue_WHEN_rev_d_markers_read_THEN_exactly_the_rev_d_additions) {
  std::set<std::uint16_t> rev_d;
  for (const auto& r : all_registers()) {
    if (r.since == MapRevision::rev_d) rev_d.insert(r.address);
  }
  const std::set<std::uint16_t> expected{45, 305, 310, 311, 321, 322, 323, 329};
  EXPECT_EQ(rev_d, expected);
  EXPECT_EQ(find_register(330)->since, MapRevision::original);
  EXPECT_EQ(find_register(330)->high_byte_since, MapRevision::rev_d);
}

TEST(Registers, GIVEN_addresses_WHEN_is_writable_asked_THEN_only_defined_settings) {
  const std::pair<std::uint16_t, bool> table[] = {
      {0, false},   {36, false},  {299, false}, {300, true},    {302, false},
      {315, true},  {323, true},  {328, true},  {343, true},    {344, false},
      {399, false}, {400, false}, {500, false}, {65535, false},
  };
  for (const auto& [address, writable] : table)
    EXPECT_EQ(is_writable(address), writable) << address;
}

struct ValueCase {
  std::uint16_t address;
  std::uint16_t raw;
  double value;
};

TEST(Registers, GIVEN_raw_words_WHEN_scaled_THEN_engineering_units) {
  const ValueCase table[] = {
      {2, 39800, 3980.0},    // 0.1 mV cell -> mV
      {40, 3980, 3980.0},    // 1 mV
      {48, 97, 9.7},         // 0.1 degC
      {42, 0xFF38, -20.0},   // -200 x 0.1
      {45, 48500, 97.0},     // 0.002 %
      {102, 510, 51.0},      // 100 mA
      {113, 0x1908, 8.0},    // low byte (min), signed
      {113, 0x19F6, -10.0},  // low byte -10
      {306, 6600, 66.0},     // 0.01 Ah
      {319, 0xFFEC, -20.0},  // i16 setting
      {331, 0xAB03, 3.0},    // low byte only
  };
  for (const auto& c : table) {
    const RegisterInfo* r = find_register(c.address);
    ASSERT_NE(r, nullptr) << c.address;
    EXPECT_NEAR(engineering_value(*r, c.raw), c.value, 1e-9) << c.address;
  }
}

}  // namespace
