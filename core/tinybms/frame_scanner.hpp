// FrameScanner and FrameParser: the resynchronising framer of the TinyBMS link, shared by both
// directions (ResponseParser on the gateway side, RequestParser in the simulator).
//
// Theory of operation. TinyBMS frames carry no common length field: a frame is `0xAA`, a command
// byte, and a length that follows from that command byte (and, for some commands, from the PL
// byte after it) — spec "Frame rules". The scanner keeps the bytes of one candidate frame in a
// fixed buffer, starting at a 0xAA. Once the candidate is as long as its direction's LengthRule
// says, the CRC decides: a good CRC yields a frame; anything else yields an error and a
// resynchronisation: the candidate's leading 0xAA is dropped and the bytes already buffered are
// scanned again for the next 0xAA, so a valid frame hidden inside a bad one (a reply that
// arrived behind a stray 0xAA of broadcast junk, say) is still found. Bytes outside any
// candidate are skipped as garbage without being copied.
//
// FrameParser<Frame, Length, Make> is the whole parser of one direction: the scanner with that
// direction's length rule, and Make to turn a checked frame's bytes into the typed Frame. The two
// directions differ only in those two functions, so they are one template with two names
// (response_parser.hpp, request_parser.hpp).
//
// Usage (h11 style): push() consumes input until one event completes, then returns it together
// with how many input bytes it consumed; call push() again with the rest. After an error the
// rescan may complete another event from buffered bytes alone, so keep calling — with an empty
// span if the input is used up — until push() returns no event:
//
//     for (;;) {
//       auto r = parser.push(in);
//       in = in.subspan(r.consumed);
//       if (!r.event) break;        // all of `in` was consumed; wait for more bytes
//       handle(*r.event);
//     }
//
// push() returns no event only when it consumed all of `in`. The spans inside an event point
// into the parser's buffer and stay valid until the next call into the parser.
//
// The poller calls reset() before it sends a request (stale bytes are not an answer) and after
// a timeout. resync() is the gentler form: it gives up the current partial candidate like a
// CRC failure would, and rescans what was buffered behind its 0xAA (follow it with push({})).
// A complete reply can sit behind a false candidate that is still waiting for bytes (a stray
// `AA 03 FE` claims 259 bytes); on a timeout, `while (mid_frame()) { resync(); drain; }`
// salvages such a reply before reset().
//
// Bounds. Storage is one kMaxFrameBytes (260-byte) buffer; no allocation, no callbacks. Every
// buffer position is the start of at most one candidate, and a candidate costs one CRC pass
// over at most 260 bytes, so the work per input byte is bounded by a constant (typically one
// memcpy/memchr step per byte; a CRC pass per frame). Single-threaded: one parser per link.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "core/tinybms/commands.hpp"

namespace tbgw::tinybms {

enum class ParseError : std::uint8_t {
  crc_mismatch,              // a complete candidate whose CRC does not check
  unknown_command,           // 0xAA followed by a byte that names no frame of this direction
  bad_length,                // a length byte the command cannot have (odd word count, bit 6)
  multi_packet_unsupported,  // 0x07/0x09/0x0B/0x0D PL with bit 7 set: packet id, undocumented
};

const char* to_string(ParseError e);

// Monotonic counters for /metrics. Invariant: bytes_in = bytes of reported frames +
// garbage_bytes + bytes still buffered (mid_frame()).
struct ParserCounters {
  std::uint64_t frames_ok = 0;
  std::uint64_t crc_errors = 0;
  std::uint64_t unknown_commands = 0;
  std::uint64_t bad_lengths = 0;
  std::uint64_t multi_packet = 0;
  std::uint64_t garbage_bytes = 0;  // bytes discarded outside valid frames (hunt, resync, reset)
  std::uint64_t resyncs = 0;        // candidates given up (one per error event, or resync())
  std::uint64_t partial_drops = 0;  // reset() calls that dropped a partial frame
  std::uint64_t bytes_in = 0;       // bytes consumed by push()
};

// The length a frame will have, decided from its first bytes.
struct FrameLength {
  enum class Kind : std::uint8_t { need_header, total, error };
  Kind kind = Kind::error;
  // need_header: bytes needed to decide; total: the whole frame, CRC included; error: the head
  // bytes that were looked at (reported as the rejected bytes).
  std::uint16_t bytes = 0;
  ParseError error = ParseError::unknown_command;

  static constexpr FrameLength need(std::uint16_t n) { return {Kind::need_header, n, {}}; }
  static constexpr FrameLength total(std::uint16_t n) { return {Kind::total, n, {}}; }
  static constexpr FrameLength fail(ParseError e, std::uint16_t looked_at) {
    return {Kind::error, looked_at, e};
  }
};

// Maps the buffered head of a candidate (head[0] == 0xAA, head.size() >= 2) to its length.
// need_header must ask for more bytes than head holds; total must be in [4, kMaxFrameBytes].
using LengthRule = FrameLength (*)(std::span<const std::uint8_t> head);

class FrameScanner {
 public:
  enum class Outcome : std::uint8_t { need_input, frame, error };
  struct Step {
    std::size_t consumed = 0;
    Outcome outcome = Outcome::need_input;
    std::span<const std::uint8_t> raw;  // the frame, or the rejected candidate's bytes
    ParseError error = ParseError::crc_mismatch;
  };

  explicit FrameScanner(LengthRule rule) : rule_(rule) {}

  Step push(std::span<const std::uint8_t> in);
  void reset();
  void resync();
  bool mid_frame() const { return start_ < end_; }
  const ParserCounters& counters() const { return counters_; }

 private:
  Step reject(ParseError e, std::size_t len);
  void drop_front(std::size_t n);
  void compact();

  std::array<std::uint8_t, kMaxFrameBytes> buf_{};
  std::size_t start_ = 0;  // first byte of the candidate (always 0xAA while start_ < end_)
  std::size_t end_ = 0;    // one past the last buffered byte
  LengthRule rule_;
  ParserCounters counters_{};
};

// A frame of one direction, or an error. For errors, frame.raw holds the rejected bytes (at least
// the 0xAA) for logging and command_raw the byte after 0xAA (0 if none was buffered; a NACK
// echoes it); the rest of frame is default.
template <class Frame>
struct FrameEvent {
  enum class Kind : std::uint8_t { frame, error };
  Kind kind = Kind::frame;
  Frame frame;
  ParseError error = ParseError::crc_mismatch;
  std::uint8_t command_raw = 0;
};

// Frame needs a `raw` span (the whole frame); Make receives a frame whose CRC checked and whose
// length is the one Length gave.
template <class Frame, FrameLength (*Length)(std::span<const std::uint8_t>),
          Frame (*Make)(std::span<const std::uint8_t>)>
class FrameParser {
 public:
  using Event = FrameEvent<Frame>;
  struct PushResult {
    std::size_t consumed = 0;
    std::optional<Event> event;
  };

  FrameParser() : scanner_(Length) {}

  PushResult push(std::span<const std::uint8_t> in) {
    const FrameScanner::Step step = scanner_.push(in);
    PushResult result;
    result.consumed = step.consumed;
    if (step.outcome == FrameScanner::Outcome::need_input) return result;
    Event ev;
    ev.command_raw = step.raw.size() >= 2 ? step.raw[1] : 0;
    if (step.outcome == FrameScanner::Outcome::frame) {
      ev.kind = Event::Kind::frame;
      ev.frame = Make(step.raw);
    } else {
      ev.kind = Event::Kind::error;
      ev.error = step.error;
      ev.frame.raw = step.raw;
    }
    result.event = ev;
    return result;
  }
  // Drops the partial frame and every buffered byte (counted as garbage).
  void reset() { scanner_.reset(); }
  // Gives up the partial frame's leading 0xAA and rescans the bytes behind it.
  void resync() { scanner_.resync(); }
  // True while bytes of an incomplete frame are buffered.
  bool mid_frame() const { return scanner_.mid_frame(); }
  const ParserCounters& counters() const { return scanner_.counters(); }

 private:
  FrameScanner scanner_;
};

}  // namespace tbgw::tinybms
