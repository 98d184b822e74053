// Typed decoding of a ResponseFrame against the request that was sent (gateway side).
//
// The parser guarantees framing and CRC; these functions check that the frame answers the
// request — right command, right size, matching echoes — and turn its bytes into numbers.
// They know the wire layouts of the spec's "Commands" table, not what registers mean: register
// words come out raw, to be scaled by the register catalogue.
//
// A NACK answers any request: every decoder returns nack_command_error / nack_crc_error /
// nack_unknown_error for one, whatever command it echoes (frame.acked_command says which, for
// logging). Output spans are caller-provided; nothing allocates.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/tinybms/commands.hpp"
#include "core/tinybms/frame_bytes.hpp"
#include "core/tinybms/response_parser.hpp"
#include "core/util/result.hpp"

namespace tbgw::tinybms {

enum class DecodeError : std::uint8_t {
  nack_command_error,  // NACK, ERR 0x00: the BMS refused the command
  nack_crc_error,      // NACK, ERR 0x01: the BMS saw a bad CRC in our request
  nack_unknown_error,  // NACK with an ERR byte the document does not list
  wrong_command,       // a frame for another command (a stale or stray reply)
  wrong_length,        // the payload size does not fit the request or the reply layout
  echo_mismatch,       // ACK of another command, or echoed addresses/count that differ
  output_too_small,    // the caller's span cannot hold every value of the reply
};

const char* to_string(DecodeError e);

template <class T>
using DecodeResult = tbgw::Result<T, DecodeError>;

// 0x03: `expected_count` big-endian words into out_words[0..expected_count).
DecodeResult<void> decode_modbus_read(const ResponseFrame& frame, std::uint16_t expected_count,
                                      std::span<std::uint16_t> out_words);
// 0x07: `expected_count` little-endian words.
DecodeResult<void> decode_read_block(const ResponseFrame& frame, std::uint16_t expected_count,
                                     std::span<std::uint16_t> out_words);
// 0x1D: `expected_count` little-endian words.
DecodeResult<void> decode_settings_values(const ResponseFrame& frame, std::uint16_t expected_count,
                                          std::span<std::uint16_t> out_words);
// 0x09: out_values[i] = value of addresses[i]. Accepts the documented pair form (PL = 4n,
// each echoed address must match) and the values-only form (PL = 2n).
DecodeResult<void> decode_read_individual(const ResponseFrame& frame,
                                          std::span<const std::uint16_t> addresses,
                                          std::span<std::uint16_t> out_values);
// 0x10: the echo `addrH addrL 00 RL` must match the request.
DecodeResult<void> decode_modbus_write_ack(const ResponseFrame& frame, std::uint16_t first_reg,
                                           std::uint16_t count);
// ACK of `expected` (0x02, 0x0B, 0x0D).
DecodeResult<void> decode_ack(const ResponseFrame& frame, Command expected);

// Quick reads. decode_float: 0x14 (V), 0x15 (A). decode_u16: 0x16, 0x17 (mV), 0x18 (status).
// decode_u32: 0x19 (s), 0x1A (1e-6 %). `command` says which was asked.
DecodeResult<float> decode_float(const ResponseFrame& frame, Command command);
DecodeResult<std::uint16_t> decode_u16(const ResponseFrame& frame, Command command);
DecodeResult<std::uint32_t> decode_u32(const ResponseFrame& frame, Command command);

// 0x1B: raw int16 in 0.1 degC (deci-degrees Celsius); kTempAbsent = no sensor.
struct Temperatures {
  static constexpr std::int16_t kTempAbsent = -32768;
  std::int16_t internal_temp_ddegc = 0;   // BMS board (reg 48)
  std::int16_t external1_temp_ddegc = 0;  // external sensor 1 (reg 42)
  std::int16_t external2_temp_ddegc = 0;  // external sensor 2 (reg 43)
};
DecodeResult<Temperatures> decode_temperatures(const ResponseFrame& frame);

// 0x1C: raw cell words in 0.1 mV, as many as the reply holds (PL / 2); returns that count.
DecodeResult<std::size_t> decode_cells(const ResponseFrame& frame,
                                       std::span<std::uint16_t> out_cells_0p1mv);

// 0x1E / 0x1F. has_extended is true for 0x1F, which adds the last two fields.
struct Version {
  std::uint8_t hardware = 0;
  std::uint8_t hardware_changes = 0;
  std::uint8_t firmware_public = 0;
  std::uint16_t firmware_internal = 0;
  bool has_extended = false;
  std::uint8_t bootloader = 0;
  std::uint8_t register_map = 0;
};
DecodeResult<Version> decode_version(const ResponseFrame& frame, Command command);

// 0x11 / 0x12: BTSP u32, then n x (timestamp u24, id u8), little-endian.
struct BmsEvent {
  std::uint32_t timestamp_s = 0;  // 24 bits on the wire
  std::uint8_t id = 0;
};
struct EventsHeader {
  std::uint32_t bms_timestamp_s = 0;  // BTSP: the BMS clock when it answered
  std::size_t count = 0;              // events written to the output span
};
DecodeResult<EventsHeader> decode_events(const ResponseFrame& frame, Command command,
                                         std::span<BmsEvent> out_events);

// 0x20.
struct SpeedDistanceTime {
  float speed_kmh = 0.0F;
  std::uint32_t distance_left_km = 0;
  std::uint32_t time_left_s = 0;
};
DecodeResult<SpeedDistanceTime> decode_speed_distance_time(const ResponseFrame& frame);

// 32-bit values in two registers: the lower address holds the low 16 bits (Modbus "CDAB",
// spec "Frame rules"). `low_word` is the register at the lower address.
constexpr std::uint32_t u32_from_words(std::uint16_t low_word, std::uint16_t high_word) {
  return (static_cast<std::uint32_t>(high_word) << 16) | low_word;
}
float float_from_words(std::uint16_t low_word, std::uint16_t high_word);

}  // namespace tbgw::tinybms
