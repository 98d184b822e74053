// The charge profile follows the BMS's own settings for every chemistry the TinyBMS supports
// (core/control/charge_profile.hpp).
#include "core/control/charge_profile.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "charge_fixtures.hpp"

namespace tbgw::control {
namespace {

using test::factory_settings;
using test::li_ion_unit_settings;
using test::lto_settings;

std::string str(const ChargeProfile::Text& t) {
  return std::string(reason_text(t));
}

TEST(ChargeProfile,
     GIVEN_lifepo4_factory_settings_WHEN_derived_THEN_the_values_lifepo4_always_had) {
  const ChargeProfile p = derive_profile(factory_settings(), ChargeParams{});
  EXPECT_EQ(p.chemistry, Chemistry::lfp);
  const ChargeParams& e = p.effective;
  EXPECT_FLOAT_EQ(e.absorption_cell_mv, 3450.0F);
  EXPECT_FLOAT_EQ(e.float_cell_mv, 3375.0F);
  EXPECT_FLOAT_EQ(e.max_cell_target_mv, 3500.0F);
  EXPECT_FLOAT_EQ(e.cvl_floor_cell_mv, 3300.0F);
  EXPECT_FLOAT_EQ(e.rebulk_min_cell_mv, 3200.0F);
  EXPECT_FLOAT_EQ(e.dvl_cell_mv, 2900.0F);
  EXPECT_FLOAT_EQ(e.hold_min_cell_mv, 3250.0F);
  EXPECT_FLOAT_EQ(e.hold_max_cell_mv, 3350.0F);
  // The tables of ChargeParams' comments, point for point.
  const ChargeParams legacy;
  const DerateTable ccl_cell =
      make_table({{3400.0F, 1.0F}, {3450.0F, 0.5F}, {3500.0F, 0.1F}, {3550.0F, 0.0F}});
  for (float mv = 3300.0F; mv <= 3600.0F; mv += 5.0F) {
    EXPECT_FLOAT_EQ(e.ccl_by_max_cell_mv.at(mv), ccl_cell.at(mv)) << mv;
    EXPECT_FLOAT_EQ(e.dcl_by_min_cell_mv.at(mv - 600.0F),
                    legacy.dcl_by_min_cell_mv.at(mv - 600.0F));
  }
  for (float c = -30.0F; c <= 70.0F; c += 0.5F) {
    EXPECT_FLOAT_EQ(e.ccl_by_temp_c.at(c), legacy.ccl_by_temp_c.at(c)) << c;
    EXPECT_FLOAT_EQ(e.dcl_by_temp_c.at(c), legacy.dcl_by_temp_c.at(c)) << c;
  }
  EXPECT_EQ(p.clamp_count, 0U);
  EXPECT_EQ(str(p.describe()),
            "charge profile: LiFePO4 from the BMS (fully charged 3.550 V/cell): absorption "
            "3.450 V/cell x 16 = 55.20 V");
}

TEST(ChargeProfile,
     GIVEN_the_real_14s_li_ion_unit_WHEN_derived_THEN_it_absorbs_below_fully_charged) {
  const ChargeProfile p = derive_profile(li_ion_unit_settings(), ChargeParams{});
  EXPECT_EQ(p.chemistry, Chemistry::li_ion);
  const ChargeParams& e = p.effective;
  EXPECT_FLOAT_EQ(e.absorption_cell_mv, 4100.0F);
  EXPECT_FLOAT_EQ(e.max_cell_target_mv, 4100.0F);  // 315 - 100 mV
  EXPECT_FLOAT_EQ(e.float_cell_mv, 4000.0F);
  EXPECT_LT(e.dvl_cell_mv, e.cvl_floor_cell_mv);
  EXPECT_GE(e.dvl_cell_mv, 2950.0F);
  // The pack of the capture, 3.98 V a cell, is not derated by the cell table.
  EXPECT_FLOAT_EQ(e.ccl_by_max_cell_mv.at(3990.0F), 1.0F);
  EXPECT_EQ(str(p.describe()),
            "charge profile: Li-ion from the BMS (fully charged 4.150 V/cell): absorption "
            "4.100 V/cell x 14 = 57.40 V");
  EXPECT_TRUE(e.validate().ok());
}

TEST(ChargeProfile, GIVEN_an_lto_pack_WHEN_derived_THEN_dvl_sits_below_cvl_and_it_charges_cold) {
  const ChargeProfile p = derive_profile(lto_settings(), ChargeParams{});
  EXPECT_EQ(p.chemistry, Chemistry::lto);
  const ChargeParams& e = p.effective;
  EXPECT_FLOAT_EQ(e.absorption_cell_mv, 2650.0F);
  EXPECT_FLOAT_EQ(e.max_cell_target_mv, 2700.0F);
  EXPECT_LT(e.dvl_cell_mv * 16.0F, e.cvl_floor_cell_mv * 16.0F);
  EXPECT_GE(e.dvl_cell_mv, 1850.0F);
  EXPECT_GT(e.ccl_by_temp_c.at(-10.0F), 0.0F);  // reg 320 = -20 degC
  EXPECT_TRUE(e.validate().ok());
}

TEST(ChargeProfile,
     GIVEN_a_lifepo4_value_on_a_li_ion_pack_WHEN_derived_THEN_it_is_clamped_and_named) {
  ChargeParams owner;
  owner.absorption_cell_mv = 3450.0F;  // left in the file from a LiFePO4 pack
  const ChargeProfile p = derive_profile(li_ion_unit_settings(), owner);
  ASSERT_EQ(p.clamp_count, 1U);
  EXPECT_EQ(p.clamps[0].field, "absorption_cell_mv");
  EXPECT_FLOAT_EQ(p.clamps[0].configured_mv, 3450.0F);
  EXPECT_FLOAT_EQ(p.clamps[0].used_mv, 3900.0F);
  EXPECT_FLOAT_EQ(p.effective.absorption_cell_mv, 3900.0F);
  EXPECT_EQ(str(ChargeProfile::describe(p.clamps[0])),
            "absorption_cell_mv 3450 mV is outside the BMS envelope 3900-4100 mV: 3900 mV is used");
  EXPECT_NE(str(p.describe()).find("(configured 3.450, clamped)"), std::string::npos);
  EXPECT_TRUE(p.effective.validate().ok());
}

TEST(ChargeProfile, GIVEN_an_owner_value_inside_the_envelope_WHEN_derived_THEN_it_is_used_as_is) {
  ChargeParams owner;
  owner.absorption_cell_mv = 3500.0F;
  owner.float_cell_mv = 3350.0F;
  const ChargeProfile p = derive_profile(factory_settings(), owner);
  EXPECT_EQ(p.clamp_count, 0U);
  EXPECT_FLOAT_EQ(p.effective.absorption_cell_mv, 3500.0F);
  EXPECT_FLOAT_EQ(p.effective.float_cell_mv, 3350.0F);
}

TEST(ChargeProfile, GIVEN_an_absorption_above_the_cutoff_WHEN_derived_THEN_it_stays_under_315) {
  ChargeParams owner;
  owner.absorption_cell_mv = 3640.0F;
  const ChargeProfile p = derive_profile(factory_settings(), owner);
  ASSERT_EQ(p.clamp_count, 1U);
  EXPECT_FLOAT_EQ(p.effective.absorption_cell_mv, 3550.0F);  // min(300, 315 - 100 mV)
}

// Property: whatever the BMS's settings (inside the TinyBMS's ranges and with a usable window)
// and whatever the owner configured, the profile keeps the order the engine needs.
TEST(ChargeProfile, GIVEN_random_settings_and_owner_values_WHEN_derived_THEN_the_chain_holds) {
  constexpr std::uint32_t kSeed = 20261207;
  std::mt19937 rng(kSeed);
  SCOPED_TRACE(::testing::Message() << "seed " << kSeed);
  std::uniform_int_distribution<int> uv(800, 3500);
  std::uniform_int_distribution<int> ov(1200, 4500);
  std::uniform_int_distribution<int> cells(4, 16);
  std::uniform_int_distribution<int> temp(-40, 10);
  std::uniform_int_distribution<int> heat(20, 90);
  std::uniform_int_distribution<int> owner(0, 4500);
  std::bernoulli_distribution configured(0.3);
  int checked = 0;
  for (int i = 0; i < 5000; ++i) {
    tinybms::BmsSettings s = factory_settings(cells(rng));
    s.under_voltage_cutoff_cell_mv = static_cast<std::uint16_t>(uv(rng));
    s.over_voltage_cutoff_cell_mv = static_cast<std::uint16_t>(ov(rng));
    s.fully_charged_cell_mv =
        static_cast<std::uint16_t>(std::uniform_int_distribution<int>(1200, 4500)(rng));
    s.fully_discharged_cell_mv =
        static_cast<std::uint16_t>(std::uniform_int_distribution<int>(1000, 3500)(rng));
    s.low_temp_charge_cutoff_c = static_cast<std::int16_t>(temp(rng));
    s.over_heat_cutoff_c = static_cast<std::int16_t>(heat(rng));
    ChargeParams p;
    // make_facts refuses a window where DVL could not sit below the CVL cap.
    if (!(s.under_voltage_cutoff_cell_mv + p.dvl_margin_above_uv_mv <
          s.over_voltage_cutoff_cell_mv - p.ovp_margin_mv)) {
      continue;
    }
    auto maybe = [&]() { return configured(rng) ? static_cast<float>(owner(rng)) : 0.0F; };
    p.absorption_cell_mv = maybe();
    p.float_cell_mv = maybe();
    p.max_cell_target_mv = maybe();
    p.cvl_floor_cell_mv = maybe();
    p.rebulk_min_cell_mv = maybe();
    p.dvl_cell_mv = maybe();
    const ChargeProfile prof = derive_profile(s, p);
    const ChargeParams& e = prof.effective;
    const float ceiling = s.over_voltage_cutoff_cell_mv - p.ovp_margin_mv;
    const float dvl_min = s.under_voltage_cutoff_cell_mv + p.dvl_margin_above_uv_mv;
    ASSERT_TRUE(e.validate().ok()) << i << " " << e.validate().issues[0].field;
    ASSERT_GE(e.dvl_cell_mv, dvl_min) << i;
    ASSERT_LT(e.dvl_cell_mv, e.cvl_floor_cell_mv) << i;
    ASSERT_LE(e.cvl_floor_cell_mv, e.float_cell_mv) << i;
    ASSERT_LE(e.float_cell_mv, e.absorption_cell_mv) << i;
    ASSERT_LE(e.absorption_cell_mv, e.max_cell_target_mv) << i;
    ASSERT_LE(e.max_cell_target_mv, ceiling) << i;
    ASSERT_LT(e.rebulk_min_cell_mv, e.float_cell_mv) << i;
    ASSERT_LE(e.hold_max_cell_mv, e.absorption_cell_mv) << i;
    for (std::size_t c = 0; c < prof.clamp_count; ++c) {
      ASSERT_GE(prof.clamps[c].used_mv, prof.clamps[c].low_mv) << i;
      ASSERT_LE(prof.clamps[c].used_mv, prof.clamps[c].high_mv) << i;
    }
    ++checked;
  }
  EXPECT_GT(checked, 1000);
}

}  // namespace
}  // namespace tbgw::control
