// Response builders; see response_builder.hpp for the layouts and size rules.
#include "core/tinybms/response_builder.hpp"

namespace tbgw::tinybms {
namespace {

FrameBytes start(std::uint8_t command) {
  FrameBytes f;
  f.append(kPreamble);
  f.append(command);
  return f;
}

FrameBytes start(Command command) {
  return start(static_cast<std::uint8_t>(command));
}

FrameBytes finish(FrameBytes f) {
  f.append_crc();
  return f;
}

// Size of the data of a quick reply without a PL byte; 0 when the reply has a PL byte.
constexpr std::size_t fixed_payload_size(Command c) {
  switch (c) {
    case Command::pack_voltage:
    case Command::pack_current:
    case Command::lifetime_counter:
    case Command::estimated_soc:
      return 4;
    case Command::max_cell_voltage:
    case Command::min_cell_voltage:
    case Command::online_status:
      return 2;
    case Command::speed_distance_time:
      return 12;
    default:
      return 0;
  }
}

// Whether a PL-prefixed quick reply may carry `n` payload bytes.
tbgw::Result<void, CodecError> check_pl_payload(Command c, std::size_t n) {
  if (n > 255) return tbgw::Err(CodecError::payload_too_long);
  bool ok = false;
  switch (c) {
    case Command::newest_events:
    case Command::all_events:
      ok = n >= 4 && n % 4 == 0;
      break;
    case Command::temperatures:
      ok = n == 6;
      break;
    case Command::version:
      ok = n == 5;
      break;
    case Command::extended_version:
      ok = n == 7;
      break;
    case Command::cell_voltages:
    case Command::settings_values:
      ok = n % 2 == 0;
      break;
    default:
      return tbgw::Err(CodecError::not_a_payload_command);
  }
  if (!ok) return tbgw::Err(CodecError::wrong_payload_size);
  return {};
}

BuildResult words_response(Command c, std::span<const std::uint16_t> words, std::size_t max,
                           bool big_endian) {
  if (words.empty()) return tbgw::Err(CodecError::zero_registers);
  if (words.size() > max) return tbgw::Err(CodecError::too_many_registers);
  FrameBytes f = start(c);
  f.append(static_cast<std::uint8_t>(words.size() * 2));
  for (std::uint16_t w : words) big_endian ? f.append_be16(w) : f.append_le16(w);
  return finish(f);
}

}  // namespace

FrameBytes build_ack(Command command) {
  FrameBytes f = start(Command::ack);
  f.append(static_cast<std::uint8_t>(command));
  return finish(f);
}

FrameBytes build_nack(std::uint8_t command_raw, NackError error) {
  FrameBytes f = start(Command::nack);
  f.append(command_raw);
  f.append(static_cast<std::uint8_t>(error));
  return finish(f);
}

BuildResult build_modbus_read_response(std::span<const std::uint16_t> words) {
  return words_response(Command::modbus_read, words, kMaxModbusReadRegisters, true);
}

FrameBytes build_modbus_write_response(std::uint16_t first_reg, std::uint8_t count) {
  FrameBytes f = start(Command::modbus_write);
  f.append_be16(first_reg);
  f.append_be16(count);
  return finish(f);
}

BuildResult build_read_block_response(std::span<const std::uint16_t> words) {
  return words_response(Command::read_block, words, kMaxReadBlockRegisters, false);
}

BuildResult build_read_individual_response(std::span<const RegisterWrite> pairs) {
  if (pairs.empty()) return tbgw::Err(CodecError::zero_registers);
  if (pairs.size() > kMaxReadIndividualRegisters) {
    return tbgw::Err(CodecError::too_many_registers);
  }
  FrameBytes f = start(Command::read_individual);
  f.append(static_cast<std::uint8_t>(pairs.size() * 4));
  for (const RegisterWrite& p : pairs) {
    f.append_le16(p.address);
    f.append_le16(p.value);
  }
  return finish(f);
}

BuildResult build_read_individual_values_response(std::span<const std::uint16_t> values) {
  return words_response(Command::read_individual, values, kMaxPacketPayload / 2, false);
}

BuildResult build_payload_response(Command command, std::span<const std::uint8_t> payload) {
  FrameBytes f = start(command);
  if (const std::size_t fixed = fixed_payload_size(command); fixed != 0) {
    if (payload.size() != fixed) return tbgw::Err(CodecError::wrong_payload_size);
  } else {
    if (auto r = check_pl_payload(command, payload.size()); !r) return tbgw::Err(r.error());
    f.append(static_cast<std::uint8_t>(payload.size()));
  }
  for (std::uint8_t b : payload) f.append(b);
  return finish(f);
}

}  // namespace tbgw::tinybms
