// CRC-16/MODBUS against every CRC vector of the TinyBMS spec.
#include "core/tinybms/crc16.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "unit/tinybms_codec_vectors.hpp"

namespace tbgw::tinybms {
namespace {

using test::hex;

std::vector<test::Vector> all_vectors() {
  std::vector<test::Vector> v(std::begin(test::kRequestVectors), std::end(test::kRequestVectors));
  v.insert(v.end(), std::begin(test::kResponseVectors), std::end(test::kResponseVectors));
  return v;
}

TEST(Crc16, GivenAsciiCheckString_WhenComputed_ThenStandardCheckValue) {
  constexpr std::string_view kCheck = "123456789";
  std::vector<std::uint8_t> bytes(kCheck.begin(), kCheck.end());
  EXPECT_EQ(crc16_modbus(bytes), 0x4B37);
}

TEST(Crc16, GivenNoBytes_WhenComputed_ThenInitialValue) {
  EXPECT_EQ(crc16_modbus({}), 0xFFFF);
}

TEST(Crc16, GivenEverySpecVector_WhenCrcOfBytesBeforeCrc_ThenMatchesTrailerLsbFirst) {
  for (const auto& v : all_vectors()) {
    SCOPED_TRACE(v.name);
    const auto frame = hex(v.bytes);
    ASSERT_GE(frame.size(), 4U);
    const std::uint16_t expected =
        static_cast<std::uint16_t>(frame[frame.size() - 2] | (frame[frame.size() - 1] << 8));
    EXPECT_EQ(crc16_modbus(std::span(frame).first(frame.size() - 2)), expected);
  }
}

TEST(Crc16, GivenEverySpecVector_WhenCrcOfWholeFrame_ThenZero) {
  for (const auto& v : all_vectors()) {
    SCOPED_TRACE(v.name);
    const auto frame = hex(v.bytes);
    EXPECT_EQ(crc16_modbus(frame), 0);
    EXPECT_TRUE(frame_crc_ok(frame));
  }
}

TEST(Crc16, GivenOneFlippedBit_WhenWholeFrameChecked_ThenNotZero) {
  auto frame = hex(test::kResponseVectors[0].bytes);
  for (std::size_t bit = 0; bit < frame.size() * 8; ++bit) {
    auto copy = frame;
    copy[bit / 8] ^= static_cast<std::uint8_t>(1U << (bit % 8));
    EXPECT_FALSE(frame_crc_ok(copy)) << "bit " << bit;
  }
}

TEST(Crc16, GivenAnySplit_WhenFedIncrementally_ThenSameAsOneShot) {
  const auto frame = hex(test::kRequestVectors[1].bytes);
  const std::uint16_t one_shot = crc16_modbus(frame);
  for (std::size_t split = 0; split <= frame.size(); ++split) {
    Crc16 crc;
    crc.update(std::span(frame).first(split));
    for (std::size_t i = split; i < frame.size(); ++i) crc.update(frame[i]);
    EXPECT_EQ(crc.value(), one_shot) << "split " << split;
  }
}

TEST(Crc16, GivenUsedCrc_WhenReset_ThenBackToInitialValue) {
  Crc16 crc;
  crc.update(0xAA);
  crc.reset();
  EXPECT_EQ(crc.value(), kCrc16Init);
}

TEST(Crc16, GivenConstexprContext_WhenComputed_ThenUsableAtCompileTime) {
  constexpr std::uint8_t kBytes[] = {0xAA, 0x1B};
  static_assert(crc16_modbus(kBytes) == 0x1B3F);
  SUCCEED();
}

}  // namespace
}  // namespace tbgw::tinybms
