// RequestParser: turns the byte stream from a TinyBMS client into checked requests (simulator
// side), the mirror of ResponseParser.
//
// It uses the same resynchronising FrameScanner (response_parser.hpp: theory of operation,
// usage loop, bounds); only the length rule differs, following the request layouts:
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
#include <optional>
#include <span>

#include "core/tinybms/codec_error.hpp"
#include "core/tinybms/commands.hpp"
#include "core/tinybms/frame_bytes.hpp"
#include "core/tinybms/response_parser.hpp"
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

// A request, or an error. For errors, frame.raw holds the rejected bytes and command_raw the
// byte after 0xAA: the command a NACK should echo.
struct RequestEvent {
  enum class Kind : std::uint8_t { frame, error };
  Kind kind = Kind::frame;
  RequestFrame frame;
  ParseError error = ParseError::crc_mismatch;
  std::uint8_t command_raw = 0;
};

class RequestParser {
 public:
  struct PushResult {
    std::size_t consumed = 0;
    std::optional<RequestEvent> event;
  };

  RequestParser();

  PushResult push(std::span<const std::uint8_t> in);
  void reset() { scanner_.reset(); }
  void resync() { scanner_.resync(); }
  bool mid_frame() const { return scanner_.mid_frame(); }
  const ParserCounters& counters() const { return scanner_.counters(); }

 private:
  FrameScanner scanner_;
};

// The length rule of requests (table above); exposed for tests.
FrameLength request_frame_length(std::span<const std::uint8_t> head);

}  // namespace tbgw::tinybms
