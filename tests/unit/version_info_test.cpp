// decode_version: byte fields of 500-503, flag bits of 501, the serial number as hex.
#include "core/tinybms/version_info.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>

namespace {

using namespace tbgw::tinybms;

RegisterBank version_bank(std::uint16_t reg501, std::array<std::uint16_t, 6> serial) {
  std::array<std::uint16_t, 10> w{0x0105, reg501, 242, 0x0402};
  for (std::size_t i = 0; i < serial.size(); ++i) w[4 + i] = serial[i];
  RegisterBank bank;
  EXPECT_TRUE(bank.store(500, w, 0));
  return bank;
}

TEST(VersionInfo, GIVEN_version_registers_WHEN_decoded_THEN_every_byte_field) {
  const auto r =
      decode_version(version_bank(0x0386, {0x1234, 0xABCD, 0x0000, 0xFFFF, 0x0042, 0x9E00}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->hw_version, 0x05);
  EXPECT_EQ(r->hw_changes, 0x01);
  EXPECT_EQ(r->fw_public, 0x86);
  EXPECT_EQ(r->power_type, PowerType::high_power);
  EXPECT_EQ(r->current_sensor, CurrentSensor::internal_hall);
  EXPECT_EQ(r->fw_internal, 242);  // the real unit's internal firmware
  EXPECT_EQ(r->bootloader, 2);
  EXPECT_EQ(r->profile, 4);
  EXPECT_EQ(r->serial(), "1234ABCD0000FFFF00429E00");
  EXPECT_EQ(r->serial().size(), 24U);
  EXPECT_EQ(r->serial_hex[24], '\0');
  EXPECT_EQ(r->serial_words[5], 0x9E00);
}

struct FlagCase {
  std::uint8_t high_byte;
  PowerType power;
  CurrentSensor sensor;
};

TEST(VersionInfo, GIVEN_501_high_byte_WHEN_decoded_THEN_power_type_and_current_sensor) {
  const FlagCase table[] = {
      {0x00, PowerType::low_power, CurrentSensor::internal_resistor},
      {0x01, PowerType::high_power, CurrentSensor::internal_resistor},
      {0x02, PowerType::low_power, CurrentSensor::internal_hall},
      {0x04, PowerType::low_power, CurrentSensor::external},
      {0x05, PowerType::high_power, CurrentSensor::external},
      {0x06, PowerType::low_power, CurrentSensor::unknown},
      {0xF8, PowerType::low_power, CurrentSensor::internal_resistor},  // reserved bits ignored
  };
  for (const auto& c : table) {
    const auto r =
        decode_version(version_bank(static_cast<std::uint16_t>(c.high_byte << 8 | 0x10), {}));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->power_type, c.power) << int{c.high_byte};
    EXPECT_EQ(r->current_sensor, c.sensor) << int{c.high_byte};
    EXPECT_EQ(r->fw_public, 0x10);
  }
}

TEST(VersionInfo, GIVEN_serial_words_that_look_like_ascii_WHEN_decoded_THEN_hex_not_text) {
  const auto r = decode_version(version_bank(0, {0x4142, 0x4344, 0x3031, 0x3233, 0x2020, 0}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->serial(),
            "41424344303132332020"
            "0000");
}

TEST(VersionInfo, GIVEN_a_version_register_missing_WHEN_decoded_THEN_named_in_error) {
  for (std::uint16_t a = 500; a <= 509; ++a) {
    RegisterBank bank = version_bank(0, {});
    bank.invalidate(a, 1);
    const auto r = decode_version(bank);
    ASSERT_FALSE(r.ok()) << a;
    EXPECT_EQ(r.error().error, VersionError::missing_register);
    EXPECT_EQ(r.error().address, a);
  }
}

}  // namespace
