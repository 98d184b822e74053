// RequestParser: turns the byte stream from a TinyBMS client into checked requests (simulator
// side), the mirror of ResponseParser.
//
// It is the same FrameParser as ResponseParser (frame_scanner.hpp: theory of operation, usage
// loop, bounds); only the length rule and the typed frame differ. Request lengths:
//   0x02: 5   0x03: 8   0x07: 7   0x1D: 7   simple commands: 4
//   0x09: 5 + PL (PL even)        0x0D: 5 + PL (PL a multiple of 4, bits 6-7 clear)
//   0x0B: 7 + PL (PL = value bytes only, see request_builder.hpp; even, bits 6-7 clear)
//   0x10: 9 + PL (PL even, <= 200; read from byte 6)
// ACK/NACK and unknown command bytes are `unknown_command` errors: the simulator answers them
// with NACK 0x00. A CRC mismatch is an error event carrying the command byte, so the simulator
// can answer NACK 0x01 for it as the real BMS does. Because the bytes behind a rejected 0xAA
// are scanned again, one damaged request can yield more than one error event (a data byte
// 0xAA inside it starts another candidate); a responder that wants one NACK per bad request
// answers the first error and ignores further errors until the line has been quiet.
//
// A RequestFrame only guarantees framing and CRC. validate_request() checks the contents
// against the protocol's limits (counts, PL agreeing with RL, writable range, options); the
// typed accessors assume the frame has the command they are named for.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/tinybms/codec_error.hpp"
#include "core/tinybms/commands.hpp"
#include "core/tinybms/frame_bytes.hpp"
#include "core/tinybms/frame_scanner.hpp"
#include "core/util/result.hpp"

namespace tbgw::tinybms {

struct RequestFrame {
  Command command = Command::nack;
  std::span<const std::uint8_t> raw;   // the whole frame, 0xAA to CRC
  std::span<const std::uint8_t> body;  // bytes after the command byte, before the CRC

  // 0x03, 0x10 (big-endian), 0x07, 0x0B (little-endian).
  std::uint16_t first_reg() const;
  // Registers asked for: 0x03/0x10 the RL word, 0x07 RL, 0x1D RL, 0x0B values (PL / 2),
  // 0x09 addresses (PL / 2), 0x0D pairs (PL / 4). 0 for other commands.
  std::size_t count() const;
  // Value i (< count()) of a 0x10 (big-endian) or 0x0B (little-endian) write.
  std::uint16_t value(std::size_t i) const;
  // Address i (< count()) of a 0x09 read.
  std::uint16_t address(std::size_t i) const;
  // Pair i (< count()) of a 0x0D write.
  RegisterWrite pair(std::size_t i) const;
  // OPT byte of 0x02 (ResetOption) and 0x1D (SettingsValueKind).
  std::uint8_t option() const;
};

// Checks a framed request against the protocol's limits: zero_registers, too_many_registers,
// address_overflow, not_writable, invalid_option, length_mismatch (0x10 PL != 2 x RL).
tbgw::Result<void, CodecError> validate_request(const RequestFrame& frame);

// The length rule of requests (table above); exposed for tests.
FrameLength request_frame_length(std::span<const std::uint8_t> head);
// A checked request's bytes as a RequestFrame.
RequestFrame make_request_frame(std::span<const std::uint8_t> raw);

// For errors, command_raw is the command a NACK should echo.
using RequestEvent = FrameEvent<RequestFrame>;
using RequestParser = FrameParser<RequestFrame, &request_frame_length, &make_request_frame>;

}  // namespace tbgw::tinybms
