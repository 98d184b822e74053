// CanFrame: one classic CAN 2.0A frame as the core produces and consumes it.
//
// The Victron CAN-bus BMS protocol uses standard 11-bit identifiers only and 8-byte payloads
// (zero padded). Backends (SocketCAN, slcan, candump log) move these; the encoder and decoder
// in core/victron produce and read them. Flat and trivially copyable.
#pragma once

#include <array>
#include <cstdint>
#include <type_traits>

#include "core/util/time.hpp"

namespace tbgw::victron {

struct CanFrame {
  static constexpr std::uint32_t kMaxStandardId = 0x7FF;
  std::uint32_t id = 0;  // 11-bit standard identifier
  std::uint8_t dlc = 8;  // 0..8
  std::array<std::uint8_t, 8> data{};
};

static_assert(std::is_trivially_copyable_v<CanFrame>);

// A frame received from the bus with the time it arrived (for GX liveness: 0x305/0x307).
struct ReceivedCanFrame {
  CanFrame frame;
  Millis stamp_ms = 0;
};

}  // namespace tbgw::victron
