// The bytes an slcan USB adapter sends the gateway (platform/linux/can_slcan_codec.hpp): the
// LineSplitter, parse_line() on every line, and the GX-side frame decoder (core/victron/
// frame_decoder.hpp) on every frame read, as SlcanBackend::on_bytes() feeds them.
//
// Properties: a line never exceeds kMaxLine; a data frame has an 11-bit id and a dlc <= 8;
// encode_frame() of it is the line itself (up to hex case and the optional 4-digit
// timestamp), and parses back to the same frame; describe() stays inside its buffer.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/victron/frame_decoder.hpp"
#include "fuzz/fuzz_check.hpp"
#include "platform/linux/can_slcan_codec.hpp"

namespace {

using namespace tbgw;
namespace slcan = tbgw::platform::slcan;

bool same_frame(const victron::CanFrame& a, const victron::CanFrame& b) {
  return a.id == b.id && a.dlc == b.dlc &&
         std::equal(a.data.begin(), a.data.begin() + a.dlc, b.data.begin());
}

void check_line(std::string_view line) {
  TBGW_FUZZ_CHECK(line.size() <= slcan::kMaxLine);
  const slcan::ParsedLine parsed = slcan::parse_line(line);
  if (parsed.kind != slcan::LineKind::data_frame) return;
  const victron::CanFrame& f = parsed.frame;
  TBGW_FUZZ_CHECK(f.id <= victron::CanFrame::kMaxStandardId && f.dlc <= 8);

  slcan::TxLine tx{};
  const std::size_t n = slcan::encode_frame(f, tx);
  TBGW_FUZZ_CHECK(n >= 6 && n <= tx.size() && tx[n - 1] == '\r');
  const std::string_view encoded(tx.data(), n - 1);
  std::string upper(line.substr(0, encoded.size()));
  std::transform(upper.begin(), upper.end(), upper.begin(), [](char c) {
    return static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  });
  upper[0] = 't';
  TBGW_FUZZ_CHECK(encoded == upper);
  const slcan::ParsedLine again = slcan::parse_line(encoded);
  TBGW_FUZZ_CHECK(again.kind == slcan::LineKind::data_frame && same_frame(again.frame, f));

  (void)victron::decode(f);
  const victron::FrameText text = victron::describe(f);
  TBGW_FUZZ_CHECK(text.size <= victron::FrameText::kCapacity && text.chars[text.size] == '\0');
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  slcan::LineSplitter splitter;
  for (std::size_t i = 0; i < size; ++i) {
    if (splitter.feed(static_cast<char>(data[i])) == slcan::LineSplitter::Event::line) {
      check_line(splitter.line());
    }
  }
  return 0;
}
