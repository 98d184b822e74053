// decode_snapshot: the real 14S unit, other pack sizes, cell-count cross-checks, plausibility.
#include "core/tinybms/snapshot_decoder.hpp"

#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace {

using namespace tbgw::tinybms;
using tbgw::Millis;
using tbgw::msg::BatterySnapshot;
using tbgw::msg::OnlineStatus;

constexpr Millis kNow = 123'456;

void put_u32(RegisterBank& bank, std::uint16_t lo, std::uint32_t v, Millis t = kNow) {
  const std::array<std::uint16_t, 2> w{static_cast<std::uint16_t>(v & 0xFFFFU),
                                       static_cast<std::uint16_t>(v >> 16)};
  ASSERT_TRUE(bank.store(lo, w, t));
}
void put_float(RegisterBank& bank, std::uint16_t lo, float v) {
  put_u32(bank, lo, std::bit_cast<std::uint32_t>(v));
}
void put(RegisterBank& bank, std::uint16_t a, std::uint16_t v) {
  ASSERT_TRUE(bank.store(a, v, kNow));
}

// The real unit of the spec (clarkni5/tinybms capture): 14S Li-ion, idle.
constexpr std::array<std::uint16_t, 14> kRealCells{39800, 39810, 39820, 39830, 39840, 39850, 39860,
                                                   39870, 39880, 39890, 39900, 39900, 39890, 39880};

RegisterBank real_14s_unit() {
  RegisterBank bank;
  std::array<std::uint16_t, 56> live{};  // 0-55, reserved words read 0
  for (std::size_t i = 0; i < kRealCells.size(); ++i) live[2 + i] = kRealCells[i];
  live[32] = 0x5678;  // lifetime 0x00015678 s
  live[33] = 0x0001;
  live[34] = 0xFFFF;  // time left: the BMS's "infinite" while idle
  live[35] = 0xFFFF;
  live[36] = 0x1EB8;  // 55.78 V
  live[37] = 0x425F;
  live[38] = 0;  // 0.0 A
  live[39] = 0;
  live[40] = 3980;
  live[41] = 3990;
  live[42] = 0x8000;  // -32768: no external sensor
  live[43] = 0x8000;
  live[46] = 0xF208;  // 83.554824 %
  live[47] = 0x04FA;
  live[48] = 97;    // 9.7 degC
  live[50] = 0x97;  // idle
  live[53] = 14;
  EXPECT_TRUE(bank.store(0, live, kNow));
  return bank;
}

// An N-cell pack whose pack cell n reads 3000 + n mV on channel 16-N+n.
RegisterBank pack_of(std::uint16_t cells) {
  RegisterBank bank = real_14s_unit();
  for (std::uint16_t ch = 0; ch < 16; ++ch) put(bank, ch, 0);
  for (std::uint16_t n = 1; n <= cells; ++n) {
    put(bank, static_cast<std::uint16_t>(16 - cells + n - 1),
        static_cast<std::uint16_t>((3000 + n) * 10));
  }
  put(bank, 53, cells);
  put_float(bank, 36, static_cast<float>(cells) * 3.0F);
  return bank;
}

TEST(SnapshotDecoder, GIVEN_real_14s_unit_WHEN_decoded_THEN_every_field_matches_capture) {
  const auto r = decode_snapshot(real_14s_unit(), 14, kNow);
  ASSERT_TRUE(r.ok()) << to_string(r.error().error) << " at " << r.error().address;
  const BatterySnapshot& s = *r;
  EXPECT_EQ(s.stamp_ms, kNow);
  EXPECT_EQ(s.cell_count, 14);
  for (std::size_t n = 0; n < 14; ++n) {
    EXPECT_FLOAT_EQ(s.cell_mv[n], static_cast<float>(kRealCells[n]) / 10.0F) << "cell " << n + 1;
  }
  EXPECT_FLOAT_EQ(s.cell_mv[0], 3980.0F);  // pack cell 1 is register 2, not register 0
  EXPECT_EQ(s.cell_mv[14], 0.0F);
  EXPECT_EQ(s.cell_mv[15], 0.0F);
  EXPECT_EQ(s.min_cell_mv, 3980);
  EXPECT_EQ(s.max_cell_mv, 3990);
  EXPECT_FLOAT_EQ(s.pack_voltage_v, 55.78F);
  EXPECT_EQ(s.pack_current_a, 0.0F);
  EXPECT_NEAR(s.soc_pct, 83.554824, 1e-9);
  EXPECT_FALSE(s.soh_valid);
  EXPECT_TRUE(s.temp_present[BatterySnapshot::kTempInternal]);
  EXPECT_FLOAT_EQ(s.temps_c[BatterySnapshot::kTempInternal], 9.7F);
  EXPECT_FALSE(s.temp_present[BatterySnapshot::kTempExternal1]);
  EXPECT_FALSE(s.temp_present[BatterySnapshot::kTempExternal2]);
  EXPECT_EQ(s.online_status, OnlineStatus::idle);
  EXPECT_EQ(s.online_status_raw, 0x97);
  EXPECT_EQ(s.balancing_needed_mask, 0);
  EXPECT_EQ(s.balancing_active_mask, 0);
  EXPECT_EQ(s.detected_cells, 14);
  EXPECT_EQ(s.configured_cells, 14);
  EXPECT_FALSE(s.cell_count_mismatch);
  EXPECT_EQ(s.bms_lifetime_s, 0x00015678U);
  EXPECT_EQ(s.time_left_s, 0xFFFFFFFFU);
}

TEST(SnapshotDecoder,
     GIVEN_pack_sizes_WHEN_decoded_THEN_pack_cell_n_from_channel_16_minus_N_plus_n) {
  for (std::uint16_t cells : {4, 8, 13, 14, 15, 16}) {
    const auto r = decode_snapshot(pack_of(cells), cells, kNow);
    ASSERT_TRUE(r.ok()) << cells << "S: " << to_string(r.error().error);
    EXPECT_EQ(r->cell_count, cells);
    for (std::uint16_t n = 1; n <= 16; ++n) {
      const float expected = n <= cells ? static_cast<float>(3000 + n) : 0.0F;
      EXPECT_FLOAT_EQ(r->cell_mv[n - 1], expected) << cells << "S cell " << n;
    }
  }
}

struct BitsCase {
  std::uint16_t cells;
  std::uint16_t channel_bits;
  std::uint16_t cell_bits;
};

TEST(SnapshotDecoder, GIVEN_balancing_channel_bits_WHEN_decoded_THEN_mapped_to_pack_cells) {
  const BitsCase table[] = {
      {16, 0x0001, 0x0001},                        // channel 1 = cell 1
      {16, 0x8000, 0x8000}, {14, 0x0004, 0x0001},  // channel 3 = 14S cell 1
      {14, 0x8000, 0x2000},                        // channel 16 = 14S cell 14
      {14, 0x0003, 0x0000},                        // unused channels 1-2 dropped
      {4, 0x1000, 0x0001},                         // channel 13 = 4S cell 1
      {4, 0xF000, 0x000F},  {4, 0x0FFF, 0x0000},
  };
  for (const auto& c : table) {
    EXPECT_EQ(channel_bits_to_cell_bits(c.channel_bits, c.cells), c.cell_bits) << c.cells;
    RegisterBank bank = pack_of(c.cells);
    put(bank, 51, c.channel_bits);
    put(bank, 52, c.channel_bits);
    const auto r = decode_snapshot(bank, 0, kNow);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->balancing_needed_mask, c.cell_bits);
    EXPECT_EQ(r->balancing_active_mask, c.cell_bits);
  }
}

struct CountCase {
  std::uint16_t detected;    // reg 53
  std::uint16_t configured;  // reg 307 (0 = not read)
  std::uint8_t cells;        // N used
  bool mismatch;
};

TEST(SnapshotDecoder, GIVEN_detected_and_configured_counts_WHEN_decoded_THEN_N_and_mismatch_flag) {
  const CountCase table[] = {
      {14, 14, 14, false}, {14, 0, 14, false}, {14, 16, 14, true}, {16, 14, 16, true},
      {0, 14, 14, true},   {17, 16, 16, true}, {3, 4, 4, true},    {14, 20, 14, true},
  };
  for (const auto& c : table) {
    RegisterBank bank = pack_of(16);
    put(bank, 53, c.detected);
    const auto r = decode_snapshot(bank, c.configured, kNow);
    ASSERT_TRUE(r.ok()) << c.detected << "/" << c.configured;
    EXPECT_EQ(r->cell_count, c.cells) << c.detected << "/" << c.configured;
    EXPECT_EQ(r->cell_count_mismatch, c.mismatch) << c.detected << "/" << c.configured;
    EXPECT_EQ(r->detected_cells, c.detected);
    EXPECT_EQ(r->configured_cells, c.configured);
  }
}

TEST(SnapshotDecoder, GIVEN_no_valid_cell_count_WHEN_decoded_THEN_cell_count_unknown) {
  for (const auto& [detected, configured] :
       {std::pair<std::uint16_t, std::uint16_t>{0, 0}, {3, 0}, {17, 3}, {0xFFFF, 17}}) {
    RegisterBank bank = real_14s_unit();
    put(bank, 53, detected);
    const auto r = decode_snapshot(bank, configured, kNow);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().error, SnapshotError::cell_count_unknown);
    EXPECT_EQ(r.error().address, 53);
  }
}

TEST(SnapshotDecoder, GIVEN_each_required_register_missing_WHEN_decoded_THEN_named_in_error) {
  const std::uint16_t required[] = {2,  3,  15, 32, 33, 34, 35, 36, 37, 38, 39,
                                    40, 41, 42, 43, 46, 47, 48, 50, 51, 52, 53};
  for (std::uint16_t a : required) {
    RegisterBank bank = real_14s_unit();
    bank.invalidate(a, 1);
    const auto r = decode_snapshot(bank, 14, kNow);
    ASSERT_FALSE(r.ok()) << a;
    EXPECT_EQ(r.error().error, SnapshotError::missing_register) << a;
    EXPECT_EQ(r.error().address, a);
  }
}

TEST(SnapshotDecoder, GIVEN_unused_or_unneeded_register_missing_WHEN_decoded_THEN_still_decodes) {
  // 0-1: channels unused by a 14S pack; 44, 49, 54-55: not part of the snapshot; 45 without SOH.
  for (std::uint16_t a : {0, 1, 16, 44, 45, 49, 54, 55}) {
    RegisterBank bank = real_14s_unit();
    bank.invalidate(a, 1);
    EXPECT_TRUE(decode_snapshot(bank, 14, kNow).ok()) << a;
  }
  RegisterBank bank = real_14s_unit();
  bank.invalidate(45, 1);
  const auto r = decode_snapshot(bank, 14, kNow, DecodeOptions{.has_soh = true});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().address, 45);
}

TEST(SnapshotDecoder, GIVEN_register_older_than_max_age_WHEN_decoded_THEN_stale_register) {
  RegisterBank bank = real_14s_unit();
  put_u32(bank, 46, 50'000'000, kNow - 5000);
  const DecodeOptions strict{.has_soh = false, .max_age_ms = 2000};
  const auto r = decode_snapshot(bank, 14, kNow, strict);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().error, SnapshotError::stale_register);
  EXPECT_EQ(r.error().address, 46);
  EXPECT_TRUE(decode_snapshot(bank, 14, kNow).ok());  // no age limit by default
}

struct FloatCase {
  float value;
  bool accepted;
};

TEST(SnapshotDecoder, GIVEN_pack_voltage_WHEN_decoded_THEN_only_finite_plausible_values_pass) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  const FloatCase table[] = {
      {55.78F, true}, {0.0F, true},    {69.9F, true},  {70.0F, true},  // 14 x 5 V
      {70.1F, false}, {100.0F, false}, {-0.1F, false}, {nan, false},  {inf, false}, {-inf, false},
  };
  for (const auto& c : table) {
    RegisterBank bank = real_14s_unit();
    put_float(bank, 36, c.value);
    const auto r = decode_snapshot(bank, 14, kNow);
    EXPECT_EQ(r.ok(), c.accepted) << c.value;
    if (r.ok()) {
      EXPECT_EQ(r->pack_voltage_v, c.value);
    }
    if (!r.ok()) {
      EXPECT_EQ(r.error().error, SnapshotError::implausible_pack_voltage);
      EXPECT_EQ(r.error().address, 36);
    }
  }
}

TEST(SnapshotDecoder, GIVEN_pack_current_WHEN_decoded_THEN_only_finite_plausible_values_pass) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const FloatCase table[] = {
      {0.0F, true},     {12.5F, true},    {-150.0F, true}, {2000.0F, true},
      {-2000.0F, true}, {2000.5F, false}, {-1e9F, false},  {nan, false},
  };
  for (const auto& c : table) {
    RegisterBank bank = real_14s_unit();
    put_float(bank, 38, c.value);
    const auto r = decode_snapshot(bank, 14, kNow);
    EXPECT_EQ(r.ok(), c.accepted) << c.value;
    if (r.ok()) {
      EXPECT_EQ(r->pack_current_a, c.value);
    }
    if (!r.ok()) {
      EXPECT_EQ(r.error().error, SnapshotError::implausible_pack_current);
    }
  }
}

struct SocCase {
  std::uint32_t raw;
  bool accepted;
  double pct;
};

TEST(SnapshotDecoder, GIVEN_soc_raw_WHEN_decoded_THEN_scaled_1e_minus_6_pct) {
  const SocCase table[] = {
      {750'000, true, 0.75},  // the disagreement table's trap: 750,000 is 0.75 %, not 75 %
      {75'000'000, true, 75.0},   {83'554'824, true, 83.554824}, {0, true, 0.0},
      {100'000'000, true, 100.0}, {100'400'000, true, 100.0},  // within the 0.5 % margin: clamped
      {100'500'000, true, 100.0}, {100'500'001, false, 0.0},     {0xFFFFFFFF, false, 0.0},
  };
  for (const auto& c : table) {
    RegisterBank bank = real_14s_unit();
    put_u32(bank, 46, c.raw);
    const auto r = decode_snapshot(bank, 14, kNow);
    ASSERT_EQ(r.ok(), c.accepted) << c.raw;
    if (r.ok()) {
      EXPECT_NEAR(r->soc_pct, c.pct, 1e-9) << c.raw;
    }
    if (!r.ok()) {
      EXPECT_EQ(r.error().error, SnapshotError::implausible_soc);
    }
  }
}

struct SohCase {
  bool has_soh;
  std::uint16_t raw;
  bool valid;
  float pct;
};

TEST(SnapshotDecoder, GIVEN_soh_raw_WHEN_decoded_THEN_0_002_pct_and_only_when_firmware_has_it) {
  const SohCase table[] = {
      {true, 48500, true, 97.0F},  {true, 485, true, 0.97F},  // not 97 % (the public fixture)
      {true, 50000, true, 100.0F}, {true, 0, true, 0.0F},       {true, 50001, false, 0.0F},
      {true, 0xFFFF, false, 0.0F}, {false, 48500, false, 0.0F},
  };
  for (const auto& c : table) {
    RegisterBank bank = real_14s_unit();
    put(bank, 45, c.raw);
    const auto r = decode_snapshot(bank, 14, kNow, DecodeOptions{.has_soh = c.has_soh});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->soh_valid, c.valid) << c.raw;
    EXPECT_FLOAT_EQ(r->soh_pct, c.pct) << c.raw;
  }
}

struct TempCase {
  std::uint16_t raw;
  bool present;
  float temp_c;
};

TEST(SnapshotDecoder, GIVEN_temperature_raw_WHEN_decoded_THEN_tenths_and_absent_marker) {
  const TempCase table[] = {
      {97, true, 9.7F},    {0, true, 0.0F},        {0xFF38, true, -20.0F},
      {278, true, 27.8F},  {0x8000, false, 0.0F},  {1500, true, 150.0F},
      {1501, false, 0.0F}, {0xFDA8, true, -60.0F}, {0xFDA7, false, 0.0F},
  };
  for (const auto& c : table) {
    RegisterBank bank = real_14s_unit();
    put(bank, 42, c.raw);
    put(bank, 48, c.raw);
    const auto r = decode_snapshot(bank, 14, kNow);
    ASSERT_TRUE(r.ok());
    for (std::size_t i : {BatterySnapshot::kTempInternal, BatterySnapshot::kTempExternal1}) {
      EXPECT_EQ(r->temp_present[i], c.present) << c.raw;
      EXPECT_FLOAT_EQ(r->temps_c[i], c.temp_c) << c.raw;
    }
  }
}

TEST(SnapshotDecoder, GIVEN_online_status_codes_WHEN_decoded_THEN_unknown_codes_kept_raw) {
  const std::pair<std::uint16_t, OnlineStatus> table[] = {
      {0x91, OnlineStatus::charging},    {0x92, OnlineStatus::fully_charged},
      {0x93, OnlineStatus::discharging}, {0x96, OnlineStatus::regeneration},
      {0x97, OnlineStatus::idle},        {0x9B, OnlineStatus::fault},
      {0x95, OnlineStatus::unknown},     {0x00, OnlineStatus::unknown},
      {0x94, OnlineStatus::unknown},     {0x197, OnlineStatus::unknown},
  };
  for (const auto& [raw, status] : table) {
    RegisterBank bank = real_14s_unit();
    put(bank, 50, raw);
    const auto r = decode_snapshot(bank, 14, kNow);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->online_status, status) << raw;
    EXPECT_EQ(r->online_status_raw, raw);
  }
}

TEST(SnapshotDecoder, GIVEN_live_register_list_THEN_covers_every_register_the_decoder_needs) {
  RegisterBank full = real_14s_unit();
  RegisterBank only_live;
  for (const AddressRange& range : kLiveRegisters) {
    for (std::uint16_t a = range.first; a <= range.last; ++a) put(only_live, a, *full.get(a));
  }
  const auto r = decode_snapshot(only_live, 14, kNow, DecodeOptions{.has_soh = true});
  EXPECT_TRUE(r.ok());
  std::size_t n = 0;
  for (const AddressRange& range : kLiveRegisters) n += range.size();
  EXPECT_EQ(n, 36U);
}

}  // namespace
