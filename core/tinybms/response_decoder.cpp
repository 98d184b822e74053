// Typed decoding of reply frames; see response_decoder.hpp.
#include "core/tinybms/response_decoder.hpp"

#include <bit>

namespace tbgw::tinybms {
namespace {

std::uint16_t le16(std::span<const std::uint8_t> b, std::size_t at) {
  return static_cast<std::uint16_t>(b[at] | (b[at + 1] << 8));
}

std::uint16_t be16(std::span<const std::uint8_t> b, std::size_t at) {
  return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}

std::uint32_t le32(std::span<const std::uint8_t> b, std::size_t at) {
  return static_cast<std::uint32_t>(le16(b, at)) |
         (static_cast<std::uint32_t>(le16(b, at + 2)) << 16);
}

DecodeError nack_error(const ResponseFrame& f) {
  switch (f.nack_error) {
    case NackError::command_error:
      return DecodeError::nack_command_error;
    case NackError::crc_error:
      return DecodeError::nack_crc_error;
    case NackError::unknown:
      break;
  }
  return DecodeError::nack_unknown_error;
}

// The frame answers `expected`: not a NACK, not another command.
DecodeResult<void> expect(const ResponseFrame& f, Command expected) {
  if (f.command == Command::nack) return tbgw::Err(nack_error(f));
  if (f.command != expected) return tbgw::Err(DecodeError::wrong_command);
  return {};
}

// Exactly `count` 16-bit words, big- or little-endian, into `out`.
DecodeResult<void> decode_words(const ResponseFrame& f, Command expected, std::uint16_t count,
                                std::span<std::uint16_t> out, bool big_endian) {
  if (auto r = expect(f, expected); !r) return r;
  if (f.payload.size() != 2U * count) return tbgw::Err(DecodeError::wrong_length);
  if (out.size() < count) return tbgw::Err(DecodeError::output_too_small);
  for (std::size_t i = 0; i < count; ++i) {
    out[i] = big_endian ? be16(f.payload, 2 * i) : le16(f.payload, 2 * i);
  }
  return {};
}

// The frame answers `expected` and carries exactly `size` payload bytes.
DecodeResult<void> expect_sized(const ResponseFrame& f, Command expected, std::size_t size) {
  if (auto r = expect(f, expected); !r) return r;
  if (f.payload.size() != size) return tbgw::Err(DecodeError::wrong_length);
  return {};
}

}  // namespace

const char* to_string(DecodeError e) {
  switch (e) {
    case DecodeError::nack_command_error:
      return "nack_command_error";
    case DecodeError::nack_crc_error:
      return "nack_crc_error";
    case DecodeError::nack_unknown_error:
      return "nack_unknown_error";
    case DecodeError::wrong_command:
      return "wrong_command";
    case DecodeError::wrong_length:
      return "wrong_length";
    case DecodeError::echo_mismatch:
      return "echo_mismatch";
    case DecodeError::output_too_small:
      return "output_too_small";
  }
  return "unknown";
}

DecodeResult<void> decode_modbus_read(const ResponseFrame& frame, std::uint16_t expected_count,
                                      std::span<std::uint16_t> out_words) {
  return decode_words(frame, Command::modbus_read, expected_count, out_words, true);
}

DecodeResult<void> decode_read_block(const ResponseFrame& frame, std::uint16_t expected_count,
                                     std::span<std::uint16_t> out_words) {
  return decode_words(frame, Command::read_block, expected_count, out_words, false);
}

DecodeResult<void> decode_settings_values(const ResponseFrame& frame, std::uint16_t expected_count,
                                          std::span<std::uint16_t> out_words) {
  return decode_words(frame, Command::settings_values, expected_count, out_words, false);
}

DecodeResult<void> decode_read_individual(const ResponseFrame& frame,
                                          std::span<const std::uint16_t> addresses,
                                          std::span<std::uint16_t> out_values) {
  if (auto r = expect(frame, Command::read_individual); !r) return r;
  const std::size_t n = addresses.size();
  const bool pairs = frame.payload.size() == 4 * n;
  if (!pairs && frame.payload.size() != 2 * n) return tbgw::Err(DecodeError::wrong_length);
  if (out_values.size() < n) return tbgw::Err(DecodeError::output_too_small);
  if (pairs) {
    for (std::size_t i = 0; i < n; ++i) {
      if (le16(frame.payload, 4 * i) != addresses[i]) return tbgw::Err(DecodeError::echo_mismatch);
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    out_values[i] = pairs ? le16(frame.payload, 4 * i + 2) : le16(frame.payload, 2 * i);
  }
  return {};
}

DecodeResult<void> decode_modbus_write_ack(const ResponseFrame& frame, std::uint16_t first_reg,
                                           std::uint16_t count) {
  if (auto r = expect_sized(frame, Command::modbus_write, 4); !r) return r;
  if (be16(frame.payload, 0) != first_reg || be16(frame.payload, 2) != count) {
    return tbgw::Err(DecodeError::echo_mismatch);
  }
  return {};
}

DecodeResult<void> decode_ack(const ResponseFrame& frame, Command expected) {
  if (auto r = expect(frame, Command::ack); !r) return r;
  if (frame.acked_command != static_cast<std::uint8_t>(expected)) {
    return tbgw::Err(DecodeError::echo_mismatch);
  }
  return {};
}

DecodeResult<float> decode_float(const ResponseFrame& frame, Command command) {
  if (auto r = expect_sized(frame, command, 4); !r) return tbgw::Err(r.error());
  return std::bit_cast<float>(le32(frame.payload, 0));
}

DecodeResult<std::uint16_t> decode_u16(const ResponseFrame& frame, Command command) {
  if (auto r = expect_sized(frame, command, 2); !r) return tbgw::Err(r.error());
  return le16(frame.payload, 0);
}

DecodeResult<std::uint32_t> decode_u32(const ResponseFrame& frame, Command command) {
  if (auto r = expect_sized(frame, command, 4); !r) return tbgw::Err(r.error());
  return le32(frame.payload, 0);
}

DecodeResult<Temperatures> decode_temperatures(const ResponseFrame& frame) {
  if (auto r = expect_sized(frame, Command::temperatures, 6); !r) return tbgw::Err(r.error());
  Temperatures t;
  t.internal_temp_ddegc = static_cast<std::int16_t>(le16(frame.payload, 0));
  t.external1_temp_ddegc = static_cast<std::int16_t>(le16(frame.payload, 2));
  t.external2_temp_ddegc = static_cast<std::int16_t>(le16(frame.payload, 4));
  return t;
}

DecodeResult<std::size_t> decode_cells(const ResponseFrame& frame,
                                       std::span<std::uint16_t> out_cells_0p1mv) {
  if (auto r = expect(frame, Command::cell_voltages); !r) return tbgw::Err(r.error());
  if (frame.payload.size() % 2 != 0) return tbgw::Err(DecodeError::wrong_length);
  const std::size_t n = frame.payload.size() / 2;
  if (out_cells_0p1mv.size() < n) return tbgw::Err(DecodeError::output_too_small);
  for (std::size_t i = 0; i < n; ++i) out_cells_0p1mv[i] = le16(frame.payload, 2 * i);
  return n;
}

DecodeResult<Version> decode_version(const ResponseFrame& frame, Command command) {
  const bool extended = command == Command::extended_version;
  if (!extended && command != Command::version) return tbgw::Err(DecodeError::wrong_command);
  if (auto r = expect_sized(frame, command, extended ? 7 : 5); !r) return tbgw::Err(r.error());
  Version v;
  v.hardware = frame.payload[0];
  v.hardware_changes = frame.payload[1];
  v.firmware_public = frame.payload[2];
  v.firmware_internal = le16(frame.payload, 3);
  v.has_extended = extended;
  if (extended) {
    v.bootloader = frame.payload[5];
    v.register_map = frame.payload[6];
  }
  return v;
}

DecodeResult<EventsHeader> decode_events(const ResponseFrame& frame, Command command,
                                         std::span<BmsEvent> out_events) {
  if (command != Command::newest_events && command != Command::all_events) {
    return tbgw::Err(DecodeError::wrong_command);
  }
  if (auto r = expect(frame, command); !r) return tbgw::Err(r.error());
  const std::span<const std::uint8_t> p = frame.payload;
  if (p.size() < 4 || p.size() % 4 != 0) return tbgw::Err(DecodeError::wrong_length);
  EventsHeader h;
  h.bms_timestamp_s = le32(p, 0);
  h.count = (p.size() - 4) / 4;
  if (out_events.size() < h.count) return tbgw::Err(DecodeError::output_too_small);
  for (std::size_t i = 0; i < h.count; ++i) {
    const std::size_t at = 4 + 4 * i;
    out_events[i].timestamp_s = static_cast<std::uint32_t>(p[at]) |
                                (static_cast<std::uint32_t>(p[at + 1]) << 8) |
                                (static_cast<std::uint32_t>(p[at + 2]) << 16);
    out_events[i].id = p[at + 3];
  }
  return h;
}

DecodeResult<SpeedDistanceTime> decode_speed_distance_time(const ResponseFrame& frame) {
  if (auto r = expect_sized(frame, Command::speed_distance_time, 12); !r) {
    return tbgw::Err(r.error());
  }
  SpeedDistanceTime s;
  s.speed_kmh = std::bit_cast<float>(le32(frame.payload, 0));
  s.distance_left_km = le32(frame.payload, 4);
  s.time_left_s = le32(frame.payload, 8);
  return s;
}

float float_from_words(std::uint16_t low_word, std::uint16_t high_word) {
  return std::bit_cast<float>(u32_from_words(low_word, high_word));
}

}  // namespace tbgw::tinybms
