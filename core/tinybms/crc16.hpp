// CRC-16/MODBUS, the checksum that ends every TinyBMS frame.
//
// Parameters (spec "Frame rules"): reflected polynomial 0xA001 (0x8005 unreflected), initial
// value 0xFFFF, no final XOR, computed over every byte before the CRC, preamble included. The
// CRC goes on the wire LSB first. Running the CRC over a whole valid frame, CRC bytes included,
// gives 0 — the parsers use that form of the check.
//
// Table-driven, one table lookup per byte; the 512-byte table is built at compile time, so
// everything here is constexpr and the spec's vectors are checked by static_assert in crc16.cpp.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace tbgw::tinybms {

inline constexpr std::uint16_t kCrc16Init = 0xFFFF;

namespace detail {

constexpr std::array<std::uint16_t, 256> make_crc16_table() {
  std::array<std::uint16_t, 256> table{};
  for (std::size_t i = 0; i < table.size(); ++i) {
    auto crc = static_cast<std::uint16_t>(i);
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 1U) != 0 ? static_cast<std::uint16_t>((crc >> 1) ^ 0xA001U)
                            : static_cast<std::uint16_t>(crc >> 1);
    }
    table[i] = crc;
  }
  return table;
}

inline constexpr std::array<std::uint16_t, 256> kCrc16Table = make_crc16_table();

}  // namespace detail

// Incremental form, for data that arrives in pieces. A default-constructed Crc16 is at the
// initial value; value() may be read at any point without disturbing the running state.
class Crc16 {
 public:
  constexpr void update(std::uint8_t byte) {
    crc_ = static_cast<std::uint16_t>((crc_ >> 8) ^ detail::kCrc16Table[(crc_ ^ byte) & 0xFFU]);
  }
  constexpr void update(std::span<const std::uint8_t> bytes) {
    for (std::uint8_t b : bytes) update(b);
  }
  constexpr std::uint16_t value() const { return crc_; }
  constexpr void reset() { crc_ = kCrc16Init; }

 private:
  std::uint16_t crc_ = kCrc16Init;
};

// CRC of a whole buffer. Over a complete frame including its two CRC bytes the result is 0.
constexpr std::uint16_t crc16_modbus(std::span<const std::uint8_t> bytes) {
  Crc16 crc;
  crc.update(bytes);
  return crc.value();
}

// True when `frame` (at least 3 bytes: something, then the CRC LSB first) carries a valid CRC.
constexpr bool frame_crc_ok(std::span<const std::uint8_t> frame) {
  return frame.size() >= 3 && crc16_modbus(frame) == 0;
}

}  // namespace tbgw::tinybms
