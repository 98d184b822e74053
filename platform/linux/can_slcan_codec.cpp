#include "platform/linux/can_slcan_codec.hpp"

#include <optional>

namespace tbgw::platform::slcan {

namespace {

constexpr char kHex[] = "0123456789ABCDEF";

std::optional<unsigned> hex_value(char c) {
  if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
  if (c >= 'A' && c <= 'F') return static_cast<unsigned>(c - 'A' + 10);
  if (c >= 'a' && c <= 'f') return static_cast<unsigned>(c - 'a' + 10);
  return std::nullopt;
}

std::optional<unsigned> hex_number(std::string_view digits) {
  unsigned v = 0;
  for (char c : digits) {
    const auto d = hex_value(c);
    if (!d) return std::nullopt;
    v = v * 16 + *d;
  }
  return v;
}

}  // namespace

std::size_t encode_frame(const victron::CanFrame& frame, TxLine& out) {
  const unsigned id = frame.id & victron::CanFrame::kMaxStandardId;
  const unsigned dlc = frame.dlc > 8 ? 8U : frame.dlc;
  std::size_t n = 0;
  out[n++] = 't';
  out[n++] = kHex[(id >> 8) & 0xF];
  out[n++] = kHex[(id >> 4) & 0xF];
  out[n++] = kHex[id & 0xF];
  out[n++] = static_cast<char>('0' + dlc);
  for (unsigned i = 0; i < dlc; ++i) {
    out[n++] = kHex[frame.data[i] >> 4];
    out[n++] = kHex[frame.data[i] & 0xF];
  }
  out[n++] = '\r';
  return n;
}

ParsedLine parse_line(std::string_view line) {
  ParsedLine out;
  if (line.empty()) {
    out.kind = LineKind::reply;  // a bare CR: OK
    return out;
  }
  switch (line.front()) {
    case 't':
      break;
    case 'T':
    case 'r':
    case 'R':
      out.kind = LineKind::ignored;
      return out;
    case 'z':
    case 'Z':
    case 'V':
    case 'v':
    case 'N':
    case 'F':
      out.kind = LineKind::reply;
      return out;
    default:
      out.kind = LineKind::malformed;
      return out;
  }
  if (line.size() < 5) return out;
  const auto id = hex_number(line.substr(1, 3));
  const auto dlc = hex_value(line[4]);
  if (!id || !dlc || *dlc > 8 || *id > victron::CanFrame::kMaxStandardId) return out;
  const std::size_t data_end = 5 + 2 * static_cast<std::size_t>(*dlc);
  // Exactly the data, or the data and a 4-digit timestamp (adapter in "Z1" mode).
  if (line.size() != data_end && line.size() != data_end + 4) return out;
  out.frame.id = *id;
  out.frame.dlc = static_cast<std::uint8_t>(*dlc);
  for (unsigned i = 0; i < *dlc; ++i) {
    const auto byte = hex_number(line.substr(5 + 2 * i, 2));
    if (!byte) return ParsedLine{};
    out.frame.data[i] = static_cast<std::uint8_t>(*byte);
  }
  if (line.size() == data_end + 4 && !hex_number(line.substr(data_end, 4))) return ParsedLine{};
  out.kind = LineKind::data_frame;
  return out;
}

LineSplitter::Event LineSplitter::feed(char c) {
  if (c == '\a') {
    len_ = 0;
    overflowed_ = false;
    return Event::bell;
  }
  if (c == '\r' || c == '\n') {
    if (overflowed_) {
      overflowed_ = false;
      len_ = 0;
      return Event::overflow;
    }
    // A CR LF pair, or LF after a line: the LF ends an empty "line" that is not a reply.
    if (c == '\n' && len_ == 0) return Event::none;
    done_len_ = len_;
    len_ = 0;
    return Event::line;
  }
  if (overflowed_) return Event::none;
  if (len_ == buf_.size()) {
    overflowed_ = true;
    return Event::none;
  }
  buf_[len_++] = c;
  return Event::none;
}

}  // namespace tbgw::platform::slcan
