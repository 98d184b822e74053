// The reply length rule and the typed reply frame. See response_parser.hpp.
#include "core/tinybms/response_parser.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "core/tinybms/crc16.hpp"

namespace tbgw::tinybms {

// ---------------------------------------------------------------------------------------------
// Reply length rule (spec "Frame rules", table "reply byte 2 → total length")

FrameLength response_frame_length(std::span<const std::uint8_t> head) {
  const auto need_pl = [&]() { return head.size() < 3; };
  switch (static_cast<Command>(head[1])) {
    case Command::nack:
      return FrameLength::total(kNackBytes);
    case Command::ack:
      return FrameLength::total(kAckBytes);
    case Command::modbus_write:
      return FrameLength::total(8);  // AA 10 addrH addrL 00 RL crc
    case Command::pack_voltage:
    case Command::pack_current:
    case Command::lifetime_counter:
    case Command::estimated_soc:
      return FrameLength::total(8);
    case Command::max_cell_voltage:
    case Command::min_cell_voltage:
    case Command::online_status:
      return FrameLength::total(6);
    case Command::speed_distance_time:
      return FrameLength::total(16);
    case Command::read_block:
    case Command::read_individual: {
      if (need_pl()) return FrameLength::need(3);
      const std::uint8_t pl = head[2];
      if ((pl & 0x80U) != 0) return FrameLength::fail(ParseError::multi_packet_unsupported, 3);
      if ((pl & 0x40U) != 0 || (pl & 1U) != 0) return FrameLength::fail(ParseError::bad_length, 3);
      return FrameLength::total(static_cast<std::uint16_t>(5 + pl));
    }
    case Command::modbus_read:
    case Command::cell_voltages:
    case Command::settings_values: {
      // Arrays of 16-bit words: an odd PL cannot be a real reply.
      if (need_pl()) return FrameLength::need(3);
      if ((head[2] & 1U) != 0) return FrameLength::fail(ParseError::bad_length, 3);
      return FrameLength::total(static_cast<std::uint16_t>(5 + head[2]));
    }
    case Command::newest_events:
    case Command::all_events:
    case Command::temperatures:
    case Command::version:
    case Command::extended_version:
      if (need_pl()) return FrameLength::need(3);
      return FrameLength::total(static_cast<std::uint16_t>(5 + head[2]));
    default:
      return FrameLength::fail(ParseError::unknown_command, 2);
  }
}

// ---------------------------------------------------------------------------------------------
// ---------------------------------------------------------------------------------------------
// Reply frames

namespace {

bool has_length_byte(Command c) {
  switch (c) {
    case Command::modbus_read:
    case Command::read_block:
    case Command::read_individual:
    case Command::newest_events:
    case Command::all_events:
    case Command::temperatures:
    case Command::cell_voltages:
    case Command::settings_values:
    case Command::version:
    case Command::extended_version:
      return true;
    default:
      return false;
  }
}

}  // namespace

ResponseFrame make_response_frame(std::span<const std::uint8_t> raw) {
  ResponseFrame f;
  f.raw = raw;
  f.command = static_cast<Command>(raw[1]);
  const std::size_t header = has_length_byte(f.command) ? 3 : 2;
  f.payload = raw.subspan(header, raw.size() - header - kCrcBytes);
  if (f.command == Command::ack || f.command == Command::nack) f.acked_command = raw[2];
  if (f.command == Command::nack) {
    f.nack_error_raw = raw[3];
    f.nack_error = nack_error_from_byte(raw[3]);
  }
  return f;
}

}  // namespace tbgw::tinybms
