// Request length rule, RequestFrame accessors and validation; see request_parser.hpp.
#include "core/tinybms/request_parser.hpp"

#include <cassert>

namespace tbgw::tinybms {
namespace {

std::uint16_t le16(std::span<const std::uint8_t> b, std::size_t at) {
  return static_cast<std::uint16_t>(b[at] | (b[at + 1] << 8));
}

std::uint16_t be16(std::span<const std::uint8_t> b, std::size_t at) {
  return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}

// PL of 0x0B/0x0D requests: bit 7 = packet id (undocumented), bit 6 undefined.
FrameLength packet_pl(std::uint8_t pl, unsigned multiple, std::uint16_t overhead) {
  if ((pl & 0x80U) != 0) return FrameLength::fail(ParseError::multi_packet_unsupported, 3);
  if ((pl & 0x40U) != 0 || pl % multiple != 0) return FrameLength::fail(ParseError::bad_length, 3);
  return FrameLength::total(static_cast<std::uint16_t>(overhead + pl));
}

tbgw::Result<void, CodecError> check_count(std::size_t count, std::size_t max) {
  if (count == 0) return tbgw::Err(CodecError::zero_registers);
  if (count > max) return tbgw::Err(CodecError::too_many_registers);
  return {};
}

tbgw::Result<void, CodecError> check_block(const RequestFrame& f, std::size_t max, bool write) {
  if (auto r = check_count(f.count(), max); !r) return r;
  const std::uint32_t last = f.first_reg() + static_cast<std::uint32_t>(f.count()) - 1;
  if (last > 0xFFFF) return tbgw::Err(CodecError::address_overflow);
  if (write && (!is_writable_register(f.first_reg()) || !is_writable_register(last))) {
    return tbgw::Err(CodecError::not_writable);
  }
  return {};
}

}  // namespace

FrameLength request_frame_length(std::span<const std::uint8_t> head) {
  const auto cmd = static_cast<Command>(head[1]);
  if (is_simple_command(cmd)) return FrameLength::total(4);
  switch (cmd) {
    case Command::reset:
      return FrameLength::total(5);
    case Command::modbus_read:
      return FrameLength::total(8);
    case Command::read_block:
      return FrameLength::total(7);
    case Command::settings_values:
      return FrameLength::total(7);
    case Command::read_individual:
      if (head.size() < 3) return FrameLength::need(3);
      if ((head[2] & 1U) != 0) return FrameLength::fail(ParseError::bad_length, 3);
      return FrameLength::total(static_cast<std::uint16_t>(5 + head[2]));
    case Command::write_block:
      if (head.size() < 3) return FrameLength::need(3);
      return packet_pl(head[2], 2, 7);
    case Command::write_individual:
      if (head.size() < 3) return FrameLength::need(3);
      return packet_pl(head[2], 4, 5);
    case Command::modbus_write: {
      if (head.size() < 7) return FrameLength::need(7);
      const std::uint8_t pl = head[6];
      if (pl > 2 * kMaxModbusWriteRegisters || pl % 2 != 0) {
        return FrameLength::fail(ParseError::bad_length, 7);
      }
      return FrameLength::total(static_cast<std::uint16_t>(9 + pl));
    }
    default:
      return FrameLength::fail(ParseError::unknown_command, 2);
  }
}

std::uint16_t RequestFrame::first_reg() const {
  switch (command) {
    case Command::modbus_read:
    case Command::modbus_write:
      return be16(body, 0);
    case Command::read_block:
    case Command::write_block:
      return le16(body, 1);
    default:
      assert(false && "first_reg() of a request without an address");
      return 0;
  }
}

std::size_t RequestFrame::count() const {
  switch (command) {
    case Command::modbus_read:
    case Command::modbus_write:
      return be16(body, 2);
    case Command::read_block:
      return body[0];
    case Command::settings_values:
      return body[2];
    case Command::write_block:
    case Command::read_individual:
      return body[0] / 2U;
    case Command::write_individual:
      return body[0] / 4U;
    default:
      return 0;
  }
}

std::uint16_t RequestFrame::value(std::size_t i) const {
  assert(i < count());
  if (command == Command::modbus_write) return be16(body, 5 + 2 * i);
  assert(command == Command::write_block);
  return le16(body, 3 + 2 * i);
}

std::uint16_t RequestFrame::address(std::size_t i) const {
  assert(command == Command::read_individual && i < count());
  return le16(body, 1 + 2 * i);
}

RegisterWrite RequestFrame::pair(std::size_t i) const {
  assert(command == Command::write_individual && i < count());
  return RegisterWrite{le16(body, 1 + 4 * i), le16(body, 3 + 4 * i)};
}

std::uint8_t RequestFrame::option() const {
  assert(command == Command::reset || command == Command::settings_values);
  return body[0];
}

tbgw::Result<void, CodecError> validate_request(const RequestFrame& f) {
  switch (f.command) {
    case Command::modbus_read:
      return check_block(f, kMaxModbusReadRegisters, false);
    case Command::modbus_write:
      if (f.body[4] != 2 * f.count()) return tbgw::Err(CodecError::length_mismatch);
      return check_block(f, kMaxModbusWriteRegisters, true);
    case Command::read_block:
      return check_block(f, kMaxReadBlockRegisters, false);
    case Command::write_block:
      return check_block(f, kMaxWriteBlockRegisters, true);
    case Command::read_individual:
      return check_count(f.count(), kMaxReadIndividualRegisters);
    case Command::write_individual: {
      if (auto r = check_count(f.count(), kMaxWriteIndividualRegisters); !r) return r;
      for (std::size_t i = 0; i < f.count(); ++i) {
        if (!is_writable_register(f.pair(i).address)) return tbgw::Err(CodecError::not_writable);
      }
      return {};
    }
    case Command::reset: {
      const std::uint8_t opt = f.option();
      if (opt != 1 && opt != 2 && opt != 5) return tbgw::Err(CodecError::invalid_option);
      return {};
    }
    case Command::settings_values:
      if (f.option() < 1 || f.option() > 4) return tbgw::Err(CodecError::invalid_option);
      return check_count(f.count(), kMaxSettingsValues);
    default:
      return {};
  }
}

RequestFrame make_request_frame(std::span<const std::uint8_t> raw) {
  RequestFrame f;
  f.raw = raw;
  f.command = static_cast<Command>(raw[1]);
  f.body = raw.subspan(2, raw.size() - 2 - kCrcBytes);
  return f;
}

}  // namespace tbgw::tinybms
