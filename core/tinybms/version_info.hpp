// VersionInfo: the TinyBMS version registers 500-509, decoded.
//
// Theory of operation. The poller reads 500-509 once after the link comes up (one 0x03 block,
// kVersionRegisters) and whenever the BMS may have been replaced. Bytes are split as the Rev D
// document lays them out (500: hardware low, hardware changes high; 501: public firmware low,
// high byte bit 0 power type and bits 1-2 current sensor; 503: bootloader low, profile high).
//
// The serial number (504-509, 96 bits) is shown as 24 upper-case hex digits, the six words in
// address order, each most significant nibble first: 504 first, exactly as read. The
// document defines neither a byte order nor a text form, so no ASCII is guessed (one public
// gateway decodes ASCII from reg 506) and nothing is reordered: the same unit always gives the
// same string, and the raw words are kept beside it.
//
// Bounds: fixed-size value type (the text lives in a char array), no allocation.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "core/tinybms/register_bank.hpp"
#include "core/tinybms/registers.hpp"
#include "core/util/result.hpp"

namespace tbgw::tinybms {

inline constexpr AddressRange kVersionRegisters{500, 509};

enum class PowerType : std::uint8_t { low_power = 0, high_power = 1 };

enum class CurrentSensor : std::uint8_t {
  internal_resistor = 0,
  internal_hall = 1,
  external = 2,
  unknown = 3,  // code 3 is not defined by the document
};

constexpr const char* to_string(PowerType p) {
  return p == PowerType::high_power ? "high_power" : "low_power";
}

constexpr const char* to_string(CurrentSensor c) {
  switch (c) {
    case CurrentSensor::internal_resistor:
      return "internal_resistor";
    case CurrentSensor::internal_hall:
      return "internal_hall";
    case CurrentSensor::external:
      return "external";
    case CurrentSensor::unknown:
      return "unknown";
  }
  return "unknown";
}

struct VersionInfo {
  static constexpr std::size_t kSerialWords = 6;
  static constexpr std::size_t kSerialHexChars = kSerialWords * 4;  // 24

  std::uint8_t hw_version = 0;                                      // 500 low byte
  std::uint8_t hw_changes = 0;                                      // 500 high byte
  std::uint8_t fw_public = 0;                                       // 501 low byte
  PowerType power_type = PowerType::low_power;                      // 501 high byte bit 0
  CurrentSensor current_sensor = CurrentSensor::internal_resistor;  // 501 high byte bits 1-2
  std::uint16_t fw_internal = 0;                                    // 502
  std::uint8_t bootloader = 0;                                      // 503 low byte
  std::uint8_t profile = 0;                                         // 503 high byte
  std::array<std::uint16_t, kSerialWords> serial_words{};           // 504-509 as read
  std::array<char, kSerialHexChars + 1> serial_hex{};               // NUL-terminated

  std::string_view serial() const { return {serial_hex.data(), kSerialHexChars}; }
};

static_assert(std::is_trivially_copyable_v<VersionInfo>);

enum class VersionError : std::uint8_t {
  missing_register = 1,  // a register of 500-509 is not valid in the bank
};

constexpr const char* to_string(VersionError e) {
  return e == VersionError::missing_register ? "missing_register" : "unknown";
}

using VersionFailure = RegisterFault<VersionError>;

Result<VersionInfo, VersionFailure> decode_version(const RegisterBank& bank);

}  // namespace tbgw::tinybms
