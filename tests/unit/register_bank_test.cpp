// RegisterBank: raw storage, validity, CDAB 32-bit values, stamps.
#include "core/tinybms/register_bank.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>

namespace {

using tbgw::tinybms::RegisterBank;

TEST(RegisterBank, GIVEN_empty_bank_WHEN_read_THEN_every_address_absent) {
  RegisterBank bank;
  for (std::uint16_t a = 0; a < RegisterBank::kSize; ++a) {
    EXPECT_FALSE(bank.valid(a));
    EXPECT_FALSE(bank.get(a).has_value());
  }
  EXPECT_FALSE(bank.get(600).has_value());
}

TEST(RegisterBank, GIVEN_stored_block_WHEN_read_THEN_words_at_consecutive_addresses) {
  RegisterBank bank;
  const std::array<std::uint16_t, 3> words{0x1111, 0x2222, 0x3333};
  ASSERT_TRUE(bank.store(100, words, 5));
  EXPECT_EQ(bank.get(100), 0x1111);
  EXPECT_EQ(bank.get(101), 0x2222);
  EXPECT_EQ(bank.get(102), 0x3333);
  EXPECT_FALSE(bank.get(99).has_value());
  EXPECT_FALSE(bank.get(103).has_value());
}

TEST(RegisterBank, GIVEN_real_capture_pack_voltage_WHEN_read_as_float_THEN_55_78_V) {
  // clarkni5/tinybms capture, 14S pack: reg 36 = 0x1EB8, reg 37 = 0x425F (CDAB).
  RegisterBank bank;
  const std::array<std::uint16_t, 2> words{0x1EB8, 0x425F};
  ASSERT_TRUE(bank.store(36, words, 0));
  EXPECT_EQ(bank.get_u32(36), 0x425F1EB8U);
  ASSERT_TRUE(bank.get_float(36).has_value());
  EXPECT_FLOAT_EQ(*bank.get_float(36), 55.78F);
}

TEST(RegisterBank, GIVEN_real_capture_soc_WHEN_read_as_u32_THEN_83_554824_pct) {
  RegisterBank bank;
  const std::array<std::uint16_t, 2> words{0xF208, 0x04FA};
  ASSERT_TRUE(bank.store(46, words, 0));
  ASSERT_TRUE(bank.get_u32(46).has_value());
  EXPECT_EQ(*bank.get_u32(46), 83'554'824U);
  EXPECT_DOUBLE_EQ(static_cast<double>(*bank.get_u32(46)) / 1e6, 83.554824);
}

TEST(RegisterBank, GIVEN_only_one_word_of_a_pair_WHEN_read_as_u32_THEN_absent) {
  RegisterBank bank;
  ASSERT_TRUE(bank.store(36, std::uint16_t{0x1EB8}, 0));
  EXPECT_FALSE(bank.get_u32(36).has_value());
  EXPECT_FALSE(bank.get_float(36).has_value());
  EXPECT_FALSE(bank.get_u32(35).has_value());
  EXPECT_FALSE(bank.get_u32(511).has_value());  // no address 512
}

TEST(RegisterBank, GIVEN_nan_bits_WHEN_read_as_float_THEN_nan_is_reported_not_hidden) {
  RegisterBank bank;
  const std::array<std::uint16_t, 2> words{0x0000, 0x7FC0};  // quiet NaN
  ASSERT_TRUE(bank.store(36, words, 0));
  ASSERT_TRUE(bank.get_float(36).has_value());
  EXPECT_TRUE(std::isnan(*bank.get_float(36)));
}

TEST(RegisterBank, GIVEN_absent_sensor_value_WHEN_read_as_i16_THEN_minus_32768) {
  RegisterBank bank;
  ASSERT_TRUE(bank.store(42, std::uint16_t{0x8000}, 0));
  EXPECT_EQ(bank.get_i16(42), std::int16_t{-32768});
}

struct StoreCase {
  std::uint16_t first;
  std::size_t count;
  bool accepted;
};

TEST(RegisterBank, GIVEN_block_past_address_511_WHEN_stored_THEN_refused_and_nothing_stored) {
  const StoreCase table[] = {
      {0, 512, true},  {500, 12, true}, {511, 1, true},  {510, 3, false},
      {511, 2, false}, {512, 1, false}, {0, 513, false}, {600, 0, false},
  };
  for (const auto& c : table) {
    RegisterBank bank;
    std::array<std::uint16_t, 513> words{};
    const bool ok = bank.store(c.first, std::span(words.data(), c.count), 7);
    EXPECT_EQ(ok, c.accepted) << c.first << "+" << c.count;
    if (!ok) {
      for (std::uint16_t a = 0; a < RegisterBank::kSize; ++a) ASSERT_FALSE(bank.valid(a));
    }
  }
}

TEST(RegisterBank, GIVEN_stored_range_WHEN_part_invalidated_THEN_only_that_part_absent) {
  RegisterBank bank;
  const std::array<std::uint16_t, 10> words{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  ASSERT_TRUE(bank.store(300, words, 1));
  bank.invalidate(303, 2);
  EXPECT_TRUE(bank.valid(302));
  EXPECT_FALSE(bank.valid(303));
  EXPECT_FALSE(bank.valid(304));
  EXPECT_TRUE(bank.valid(305));
  EXPECT_TRUE(bank.all_valid(305, 5));
  EXPECT_FALSE(bank.all_valid(300, 10));
  bank.invalidate(500, 1000);  // clipped at 511, no crash
  bank.invalidate_all();
  EXPECT_FALSE(bank.valid(300));
}

TEST(RegisterBank, GIVEN_blocks_stored_at_different_times_THEN_stamps_per_address) {
  RegisterBank bank;
  const std::array<std::uint16_t, 4> a{1, 2, 3, 4};
  ASSERT_TRUE(bank.store(0, a, 1000));
  ASSERT_TRUE(bank.store(2, std::span(a.data(), 2), 2500));
  EXPECT_EQ(bank.stamp(0), 1000);
  EXPECT_EQ(bank.stamp(2), 2500);
  EXPECT_EQ(bank.stamp(3), 2500);
  EXPECT_FALSE(bank.stamp(4).has_value());
  EXPECT_EQ(bank.oldest_stamp(0, 4), 1000);
  EXPECT_EQ(bank.oldest_stamp(2, 2), 2500);
  EXPECT_FALSE(bank.oldest_stamp(0, 5).has_value());
  EXPECT_FALSE(bank.oldest_stamp(0, 0).has_value());
}

TEST(RegisterBank, GIVEN_rewritten_register_WHEN_read_THEN_latest_value_and_stamp) {
  RegisterBank bank;
  ASSERT_TRUE(bank.store(50, std::uint16_t{0x97}, 10));
  ASSERT_TRUE(bank.store(50, std::uint16_t{0x91}, 20));
  EXPECT_EQ(bank.get(50), 0x91);
  EXPECT_EQ(bank.stamp(50), 20);
}

}  // namespace
