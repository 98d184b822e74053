// The candump -L lines the gateway writes (platform/linux/can_log.hpp), read by canplayer,
// python-can and the tests. The gateway reads no candump text, so what is fuzzed here is the
// writer, with the frame, the time and the interface name (from the configuration) as input:
// the line must stay inside its fixed buffer and keep the grammar a reader relies on.
//
// Input: 8 bytes of unix microseconds, 2 of id, 1 dlc, 8 data bytes, then the interface name.
// Properties: the line ends with its only '\n' (when the name has none) and stays under the
// buffer; for a time >= 0 it starts "(<seconds>.<6 digits>) "; its tail is
// "<3 hex id>#<2 hex digits per byte>", which — written as the slcan line "t<id><dlc><data>" —
// parses back (platform/linux/can_slcan_codec.hpp) to the frame sent, id masked to 11 bits and
// dlc clamped to 8.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "platform/linux/can_log.hpp"
#include "platform/linux/can_slcan_codec.hpp"

namespace {

using namespace tbgw;
constexpr std::size_t kHeader = 8 + 2 + 1 + 8;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < kHeader) return 0;
  std::int64_t unix_us = 0;
  std::memcpy(&unix_us, data, sizeof unix_us);
  victron::CanFrame frame;
  frame.id = static_cast<std::uint32_t>(data[8] | (data[9] << 8));
  frame.dlc = data[10];
  std::copy(data + 11, data + 19, frame.data.begin());
  const std::string_view name(reinterpret_cast<const char*>(data + kHeader), size - kHeader);

  const platform::CandumpLine line = platform::format_candump_line(frame, unix_us, name);
  const std::string_view text = line.view();
  TBGW_FUZZ_CHECK(line.len < line.text.size() && !text.empty() && text.back() == '\n');
  if (name.substr(0, platform::CandumpLine::kMaxInterfaceName).find('\n') ==
      std::string_view::npos) {
    TBGW_FUZZ_CHECK(text.find('\n') == text.size() - 1);
  }
  if (unix_us >= 0) {
    char prefix[40];
    std::snprintf(prefix, sizeof prefix, "(%lld.%06lld) ",
                  static_cast<long long>(unix_us / 1'000'000),
                  static_cast<long long>(unix_us % 1'000'000));
    TBGW_FUZZ_CHECK(text.starts_with(prefix));
  }

  const unsigned dlc = std::min<unsigned>(frame.dlc, 8);
  const std::size_t tail_len = 3 + 1 + 2 * dlc;
  TBGW_FUZZ_CHECK(text.size() > tail_len + 1);
  const std::string_view tail = text.substr(text.size() - 1 - tail_len, tail_len);
  TBGW_FUZZ_CHECK(tail[3] == '#' && text[text.size() - 2 - tail_len] == ' ');
  const std::string slcan_line = "t" + std::string(tail.substr(0, 3)) +
                                 static_cast<char>('0' + dlc) + std::string(tail.substr(4));
  const auto parsed = platform::slcan::parse_line(slcan_line);
  TBGW_FUZZ_CHECK(parsed.kind == platform::slcan::LineKind::data_frame);
  TBGW_FUZZ_CHECK(parsed.frame.id == (frame.id & victron::CanFrame::kMaxStandardId));
  TBGW_FUZZ_CHECK(parsed.frame.dlc == dlc);
  TBGW_FUZZ_CHECK(
      std::equal(frame.data.begin(), frame.data.begin() + dlc, parsed.frame.data.begin()));
  return 0;
}
