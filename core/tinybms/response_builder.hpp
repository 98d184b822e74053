// Response builders: the BMS side of the protocol, used by the simulator (and by tests).
//
// Frame level only: callers pass register words and payload bytes that are already encoded;
// nothing here knows what a register means (the simulator encodes registers from the spec
// tables on its own, so a shared encoding bug cannot pass both sides unseen). Every builder
// produces a complete frame, CRC included. Layouts (spec "Commands", "Frame rules"):
//
//   ACK   AA 01 CMD crc                 NACK  AA 00 CMD ERR crc
//   0x03  AA 03 PL words(BE) crc        0x10  AA 10 addrH addrL 00 RL crc
//   0x07  AA 07 PL words(LE) crc        0x09  AA 09 PL (addr,value)(LE)... crc
//   fixed-size quick replies (0x14-0x1A, 0x20): AA CMD data crc, no PL byte
//   PL-prefixed replies (0x11, 0x12, 0x1B-0x1F): AA CMD PL data crc
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/tinybms/codec_error.hpp"
#include "core/tinybms/commands.hpp"
#include "core/tinybms/frame_bytes.hpp"
#include "core/tinybms/request_builder.hpp"
#include "core/util/result.hpp"

namespace tbgw::tinybms {

FrameBytes build_ack(Command command);

// NACK for a raw command byte, so that a command the simulator does not know can be refused
// with the byte it actually received. NackError::unknown is sent as 0xFF.
FrameBytes build_nack(std::uint8_t command_raw, NackError error);
inline FrameBytes build_nack(Command command, NackError error) {
  return build_nack(static_cast<std::uint8_t>(command), error);
}

// 0x03 reply: 1..127 words, big-endian. PL = 2 x n.
BuildResult build_modbus_read_response(std::span<const std::uint16_t> words);

// 0x10 reply: the echo of the request's address and count.
FrameBytes build_modbus_write_response(std::uint16_t first_reg, std::uint8_t count);

// 0x07 reply: 1..31 words, little-endian, in one packet (PL = 2 x n, bit 7 clear).
BuildResult build_read_block_response(std::span<const std::uint16_t> words);

// 0x09 reply in the documented form: address/value pairs, PL = 4 x n, 1..15 pairs.
BuildResult build_read_individual_response(std::span<const RegisterWrite> pairs);

// 0x09 reply in the values-only form a public gateway expects (PL = 2 x n, 1..31 values);
// lets the simulator and the tests exercise the decoder's second form.
BuildResult build_read_individual_values_response(std::span<const std::uint16_t> values);

// Quick replies. The payload size must match the command's layout:
//   0x14, 0x15, 0x19, 0x1A: 4 bytes   0x16, 0x17, 0x18: 2 bytes   0x20: 12 bytes (no PL byte)
//   0x1B: 6   0x1E: 5   0x1F: 7   0x11, 0x12: 4 + 4n   0x1C, 0x1D: even   (PL byte <= 255)
// Any other command has its own builder (not_a_payload_command).
BuildResult build_payload_response(Command command, std::span<const std::uint8_t> payload);

}  // namespace tbgw::tinybms
