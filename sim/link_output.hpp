// LinkOutput: the simulated BMS's UART transmitter, paced at the configured baud rate.
//
// A pseudo-terminal has no baud rate, so the simulator paces its own bytes: a UART frame of
// 8N1 is 10 bits, so byte k of a reply that starts at t0 has finished at
// t0 + (k + 1) * 10 / baud seconds (115200 baud: 86.8 us per byte, a 117-byte reply ~10.2 ms).
// take() hands out the bytes finished by `now`; with millisecond time the pacing is exact at
// millisecond boundaries. Replies queue one after another: a reply never starts before the
// previous one has finished, as on one wire. Single-threaded; one allocation per queued reply.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <vector>

#include "core/util/time.hpp"

namespace tbgw::sim {

class LinkOutput {
 public:
  explicit LinkOutput(int baud) : baud_(baud > 0 ? baud : 1) {}

  // Queues `bytes`; the first byte starts at `earliest_ms` or when the previous reply ends.
  void enqueue(std::span<const std::uint8_t> bytes, Millis earliest_ms);

  // Copies up to out.size() bytes finished by `now` into `out`; returns how many.
  std::size_t take(Millis now, std::span<std::uint8_t> out);

  // When the next byte finishes (<= now if one is ready already); nullopt when idle.
  std::optional<Millis> next_due() const;

  void clear() { queue_.clear(); }
  bool empty() const { return queue_.empty(); }
  // Bytes queued and not yet taken.
  std::size_t pending() const;

 private:
  struct Segment {
    std::vector<std::uint8_t> bytes;
    Millis start_ms = 0;
    std::size_t sent = 0;
  };

  std::size_t finished_by(const Segment& s, Millis now) const;
  Millis byte_done_ms(const Segment& s, std::size_t k) const;

  int baud_;
  std::deque<Segment> queue_;
};

}  // namespace tbgw::sim
