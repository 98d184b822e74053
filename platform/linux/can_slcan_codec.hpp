// The Lawicel / slcan ASCII protocol (CANable, USBtin, CANUSB, Linux slcand), without I/O.
//
// Host -> adapter commands end in CR: "C" close the channel, "S6" 500 kbit/s, "O" open it,
// "tIIILDD..." send a standard frame (3 hex digits of id, 1 digit of length, 2 hex digits per
// byte, uppercase). The adapter answers CR for OK, BELL (0x07) for an error, "z" CR after a
// transmitted standard frame (USBtin, CANUSB; the CANable firmware answers nothing), and sends
// every received frame as a "t..." line, with 4 more hex digits when timestamps are on ("Z1").
// Lines are split on CR (LF tolerated); a BELL may arrive without a CR.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

#include "core/victron/can_frame.hpp"

namespace tbgw::platform::slcan {

// "C\rS6\rO\r": close (in case a previous program left it open), 500 kbit/s, open.
inline constexpr std::string_view kInitSequence = "C\rS6\rO\r";
inline constexpr std::string_view kCloseCommand = "C\r";

// Longest line we accept: 'T' + 8 id + 1 dlc + 16 data + 4 timestamp = 30; room to spare.
inline constexpr std::size_t kMaxLine = 40;
// Longest line we send: 't' + 3 id + 1 dlc + 16 data + CR = 22.
inline constexpr std::size_t kMaxTxLine = 22;

using TxLine = std::array<char, kMaxTxLine>;

// Writes "tIIILDD..\r" for `frame` into `out`; returns the length. Ids above 0x7FF are masked to
// 11 bits and a dlc above 8 is clamped (CanFrame is classic CAN; the caller validates).
std::size_t encode_frame(const victron::CanFrame& frame, TxLine& out);

enum class LineKind {
  data_frame,  // a standard data frame: `frame` is set
  ignored,     // extended or remote frames, timestamps of unknown size: not ours
  reply,       // "", "z", "Z", version/serial/status replies: acknowledgements
  malformed,   // bad hex, wrong length: counted
};

struct ParsedLine {
  LineKind kind = LineKind::malformed;
  victron::CanFrame frame;
};

// Parses one line without its terminator.
ParsedLine parse_line(std::string_view line);

// Splits the adapter's byte stream into lines and BELLs. Bounded: a line longer than kMaxLine
// is dropped whole (reported as malformed) instead of growing a buffer.
class LineSplitter {
 public:
  enum class Event { none, line, bell, overflow };
  // Feeds one byte; returns what it completed. After Event::line, line() is valid until the
  // next call.
  Event feed(char c);
  std::string_view line() const { return std::string_view(buf_.data(), done_len_); }

 private:
  std::array<char, kMaxLine> buf_{};
  std::size_t len_ = 0;
  std::size_t done_len_ = 0;
  bool overflowed_ = false;
};

}  // namespace tbgw::platform::slcan
