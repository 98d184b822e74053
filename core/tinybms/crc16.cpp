// Compile-time proof that the table-driven CRC matches the spec's vectors (spec "Vectors" and
// "More CRC vectors"); the same vectors run again in tests/unit/crc16_test.cpp.
#include "core/tinybms/crc16.hpp"

#include <array>
#include <cstdint>

namespace tbgw::tinybms {
namespace {

template <std::size_t N>
constexpr std::uint16_t crc_of(const std::array<std::uint8_t, N>& bytes) {
  return crc16_modbus(std::span<const std::uint8_t>(bytes.data(), bytes.size()));
}

// The standard check value of CRC-16/MODBUS: ASCII "123456789".
static_assert(crc_of(std::array<std::uint8_t, 9>{'1', '2', '3', '4', '5', '6', '7', '8', '9'}) ==
              0x4B37);
// Temperatures request `AA 1B 3F 1B`: CRC 0x1B3F, sent LSB first.
static_assert(crc_of(std::array<std::uint8_t, 2>{0xAA, 0x1B}) == 0x1B3F);
// A whole valid frame, CRC included, gives 0 (Modbus read, cells 5-9).
static_assert(crc_of(std::array<std::uint8_t, 8>{0xAA, 0x03, 0x00, 0x05, 0x00, 0x05, 0x8C, 0x13}) ==
              0);

}  // namespace
}  // namespace tbgw::tinybms
