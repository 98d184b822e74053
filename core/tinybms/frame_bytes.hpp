// FrameBytes: one encoded frame in fixed storage, ready to write to the UART.
//
// Builders return frames by value so that no caller ever sizes a buffer by hand; the largest
// frame is kMaxFrameBytes (260) bytes, so a FrameBytes is small enough to live on the stack of
// an MCU task and is trivially copyable.
#pragma once

#include <array>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "core/tinybms/commands.hpp"
#include "core/tinybms/crc16.hpp"

namespace tbgw::tinybms {

struct FrameBytes {
  std::array<std::uint8_t, kMaxFrameBytes> data{};
  std::size_t size = 0;

  std::span<const std::uint8_t> bytes() const { return {data.data(), size}; }

  // Writers used by the builders. The builders check lengths before writing, so running past
  // the capacity is a programming error: it is caught by the assert in debug builds and the
  // byte is dropped otherwise (never a write out of bounds).
  constexpr void append(std::uint8_t b) {
    assert(size < data.size());
    if (size < data.size()) data[size++] = b;
  }
  constexpr void append_le16(std::uint16_t v) {
    append(static_cast<std::uint8_t>(v & 0xFFU));
    append(static_cast<std::uint8_t>(v >> 8));
  }
  constexpr void append_be16(std::uint16_t v) {
    append(static_cast<std::uint8_t>(v >> 8));
    append(static_cast<std::uint8_t>(v & 0xFFU));
  }
  // Appends the CRC of everything written so far, LSB first; the frame is then complete.
  constexpr void append_crc() { append_le16(crc16_modbus({data.data(), size})); }
};

static_assert(std::is_trivially_copyable_v<FrameBytes>);

// One register and its 16-bit value: the element of 0x0D requests and 0x09 replies.
struct RegisterWrite {
  std::uint16_t address = 0;
  std::uint16_t value = 0;

  friend constexpr bool operator==(const RegisterWrite&, const RegisterWrite&) = default;
};

static_assert(std::is_trivially_copyable_v<RegisterWrite>);

}  // namespace tbgw::tinybms
