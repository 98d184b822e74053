// FrameScanner (the resynchronising buffer shared by both parsers) and the reply length rule.
// See response_parser.hpp for the theory of operation and the bounds.
#include "core/tinybms/response_parser.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "core/tinybms/crc16.hpp"

namespace tbgw::tinybms {

const char* to_string(ParseError e) {
  switch (e) {
    case ParseError::crc_mismatch:
      return "crc_mismatch";
    case ParseError::unknown_command:
      return "unknown_command";
    case ParseError::bad_length:
      return "bad_length";
    case ParseError::multi_packet_unsupported:
      return "multi_packet_unsupported";
  }
  return "unknown";
}

// ---------------------------------------------------------------------------------------------
// FrameScanner

FrameScanner::Step FrameScanner::push(std::span<const std::uint8_t> in) {
  const std::uint8_t* const data = in.data();
  const std::size_t n = in.size();
  std::size_t used = 0;
  Step step;
  for (;;) {
    if (start_ == end_) {
      // No candidate: hunt for the next preamble in the input without copying the garbage.
      start_ = end_ = 0;
      if (used == n) break;
      const void* hit = std::memchr(data + used, kPreamble, n - used);
      if (hit == nullptr) {
        counters_.garbage_bytes += n - used;
        used = n;
        break;
      }
      const auto skip =
          static_cast<std::size_t>(static_cast<const std::uint8_t*>(hit) - (data + used));
      counters_.garbage_bytes += skip;
      used += skip + 1;
      buf_[end_++] = kPreamble;
    }

    const std::size_t have = end_ - start_;
    std::size_t want = 2;  // bytes the candidate needs before the next decision
    if (have >= 2) {
      const FrameLength len = rule_(std::span<const std::uint8_t>(buf_.data() + start_, have));
      if (len.kind == FrameLength::Kind::error) {
        step = reject(len.error, std::clamp<std::size_t>(len.bytes, 2, have));
        break;
      }
      want = len.bytes;
      // A rule that breaks its contract must not stall or overrun the scanner.
      const bool sane = len.kind == FrameLength::Kind::total
                            ? want >= 4 && want <= kMaxFrameBytes
                            : want > have && want <= kMaxFrameBytes;
      assert(sane);
      if (!sane) {
        step = reject(ParseError::bad_length, have);
        break;
      }
      if (len.kind == FrameLength::Kind::total && have >= want) {
        const std::span<const std::uint8_t> raw(buf_.data() + start_, want);
        if (crc16_modbus(raw) != 0) {
          step = reject(ParseError::crc_mismatch, want);
          break;
        }
        ++counters_.frames_ok;
        step.outcome = Outcome::frame;
        step.raw = raw;
        // Advance past the frame now; its bytes stay in place until the next call.
        start_ += want;
        drop_front(0);
        break;
      }
    }

    if (used == n) break;
    if (start_ + want > buf_.size()) compact();
    const std::size_t take = std::min(want - have, n - used);
    std::memcpy(buf_.data() + end_, data + used, take);
    end_ += take;
    used += take;
  }
  step.consumed = used;
  counters_.bytes_in += used;
  return step;
}

FrameScanner::Step FrameScanner::reject(ParseError e, std::size_t len) {
  switch (e) {
    case ParseError::crc_mismatch:
      ++counters_.crc_errors;
      break;
    case ParseError::unknown_command:
      ++counters_.unknown_commands;
      break;
    case ParseError::bad_length:
      ++counters_.bad_lengths;
      break;
    case ParseError::multi_packet_unsupported:
      ++counters_.multi_packet;
      break;
  }
  Step step;
  step.outcome = Outcome::error;
  step.error = e;
  step.raw = std::span<const std::uint8_t>(buf_.data() + start_, len);
  ++counters_.resyncs;
  drop_front(1);  // only the 0xAA: the bytes behind it are scanned again
  return step;
}

// Drops n bytes from the front of the buffer as garbage, then any further bytes up to the next
// preamble. Moves indices only, so spans handed out by the current call stay valid.
void FrameScanner::drop_front(std::size_t n) {
  start_ += n;
  counters_.garbage_bytes += n;
  if (start_ < end_) {
    const void* hit = std::memchr(buf_.data() + start_, kPreamble, end_ - start_);
    const std::size_t next =
        hit == nullptr
            ? end_
            : static_cast<std::size_t>(static_cast<const std::uint8_t*>(hit) - buf_.data());
    counters_.garbage_bytes += next - start_;
    start_ = next;
  }
  if (start_ == end_) start_ = end_ = 0;
}

// Moves the candidate to the front of the buffer. Only called when the candidate is incomplete,
// so it is shorter than its own length (<= kMaxFrameBytes) and the rest of it fits behind it.
void FrameScanner::compact() {
  std::memmove(buf_.data(), buf_.data() + start_, end_ - start_);
  end_ -= start_;
  start_ = 0;
}

void FrameScanner::reset() {
  if (start_ < end_) {
    counters_.garbage_bytes += end_ - start_;
    ++counters_.partial_drops;
  }
  start_ = end_ = 0;
}

void FrameScanner::resync() {
  if (start_ == end_) return;
  ++counters_.resyncs;
  drop_front(1);
}

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
// ResponseParser

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

ResponseFrame make_frame(std::span<const std::uint8_t> raw) {
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

}  // namespace

ResponseParser::ResponseParser() : scanner_(&response_frame_length) {}

ResponseParser::PushResult ResponseParser::push(std::span<const std::uint8_t> in) {
  const FrameScanner::Step step = scanner_.push(in);
  PushResult result;
  result.consumed = step.consumed;
  if (step.outcome == FrameScanner::Outcome::frame) {
    ParseEvent ev;
    ev.kind = ParseEvent::Kind::frame;
    ev.frame = make_frame(step.raw);
    ev.command_raw = step.raw[1];
    result.event = ev;
  } else if (step.outcome == FrameScanner::Outcome::error) {
    ParseEvent ev;
    ev.kind = ParseEvent::Kind::error;
    ev.error = step.error;
    ev.frame.raw = step.raw;
    ev.command_raw = step.raw.size() >= 2 ? step.raw[1] : 0;
    result.event = ev;
  }
  return result;
}

}  // namespace tbgw::tinybms
