// ResponseParser: turns the byte stream from a TinyBMS into checked reply frames (gateway side).
// The framing, its resynchronisation, the usage loop and the bounds are FrameParser's
// (frame_scanner.hpp); this file has what is particular to replies.
//
// Lengths (spec table "reply byte 2"): NACK 6, ACK 5, 0x10 8, 0x14/0x15/0x19/0x1A 8,
// 0x16/0x17/0x18 6, 0x20 16, 0x03/0x07/0x09/0x11/0x12/0x1B-0x1F 5 + PL. A PL of 0x07/0x09 with
// bit 7 set is a packet id of an undocumented multi-packet answer: it is reported as
// multi_packet_unsupported (the request builders never ask for more than one packet). Bit 6
// set (undefined), or an odd PL where the payload is 16-bit words (0x03, 0x07, 0x09, 0x1C,
// 0x1D), is bad_length. Both are decided at the PL byte, so a false candidate dies early.
#pragma once

#include <cstdint>
#include <span>

#include "core/tinybms/commands.hpp"
#include "core/tinybms/frame_scanner.hpp"

namespace tbgw::tinybms {

// A reply frame whose CRC checked. For ACK and NACK, `acked_command` is the command the reply
// answers (byte 2); for a NACK, `nack_error_raw` is the ERR byte and `nack_error` its meaning.
// `payload` is the data between the command byte (or the PL byte, when there is one) and the
// CRC: for ACK the echoed command, for NACK the echoed command and ERR, for 0x10 the four echo
// bytes. For frames other than ACK/NACK, acked_command and nack_error_raw are 0.
struct ResponseFrame {
  Command command = Command::nack;
  std::span<const std::uint8_t> raw;      // the whole frame, 0xAA to CRC
  std::span<const std::uint8_t> payload;  // data bytes, after PL, before the CRC
  std::uint8_t acked_command = 0;
  NackError nack_error = NackError::command_error;
  std::uint8_t nack_error_raw = 0;
};

// The length rule of replies (spec table "reply byte 2 → total length"); exposed for tests.
FrameLength response_frame_length(std::span<const std::uint8_t> head);
// A checked reply's bytes as a ResponseFrame.
ResponseFrame make_response_frame(std::span<const std::uint8_t> raw);

using ParseEvent = FrameEvent<ResponseFrame>;
using ResponseParser = FrameParser<ResponseFrame, &response_frame_length, &make_response_frame>;

}  // namespace tbgw::tinybms
