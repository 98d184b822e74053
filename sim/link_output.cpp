// Baud-paced transmit queue; see link_output.hpp.
#include "sim/link_output.hpp"

#include <algorithm>

namespace tbgw::sim {
namespace {
constexpr std::int64_t kBitsPerByte = 10;  // start + 8 data + stop
constexpr std::int64_t kMsPerSecond = 1000;
}  // namespace

Millis LinkOutput::byte_done_ms(const Segment& s, std::size_t k) const {
  const std::int64_t bit_ms_num = static_cast<std::int64_t>(k + 1) * kBitsPerByte * kMsPerSecond;
  return s.start_ms + (bit_ms_num + baud_ - 1) / baud_;  // ceil
}

std::size_t LinkOutput::finished_by(const Segment& s, Millis now) const {
  if (now < s.start_ms) return 0;
  const std::int64_t done = (now - s.start_ms) * baud_ / (kBitsPerByte * kMsPerSecond);
  return static_cast<std::size_t>(
      std::min<std::int64_t>(done, static_cast<std::int64_t>(s.bytes.size())));
}

void LinkOutput::enqueue(std::span<const std::uint8_t> bytes, Millis earliest_ms) {
  if (bytes.empty()) return;
  Millis start = earliest_ms;
  if (!queue_.empty()) {
    const Segment& last = queue_.back();
    start = std::max(start, byte_done_ms(last, last.bytes.size() - 1));
  }
  queue_.push_back(Segment{std::vector<std::uint8_t>(bytes.begin(), bytes.end()), start, 0});
}

std::size_t LinkOutput::take(Millis now, std::span<std::uint8_t> out) {
  std::size_t written = 0;
  while (!queue_.empty() && written < out.size()) {
    Segment& s = queue_.front();
    const std::size_t ready = finished_by(s, now);
    if (ready <= s.sent) break;  // nothing new (or a clock that went backwards)
    const std::size_t n = std::min(ready - s.sent, out.size() - written);
    std::copy_n(s.bytes.begin() + static_cast<std::ptrdiff_t>(s.sent), n,
                out.begin() + static_cast<std::ptrdiff_t>(written));
    s.sent += n;
    written += n;
    if (s.sent < s.bytes.size()) break;
    queue_.pop_front();
  }
  return written;
}

std::optional<Millis> LinkOutput::next_due() const {
  if (queue_.empty()) return std::nullopt;
  const Segment& s = queue_.front();
  return byte_done_ms(s, s.sent);
}

std::size_t LinkOutput::pending() const {
  std::size_t n = 0;
  for (const Segment& s : queue_) n += s.bytes.size() - s.sent;
  return n;
}

}  // namespace tbgw::sim
