// FrameScanner: the resynchronising buffer shared by both directions. See frame_scanner.hpp for
// the theory of operation and the bounds.
#include "core/tinybms/frame_scanner.hpp"

#include <algorithm>
#include <cstring>

#include "core/tinybms/crc16.hpp"
#include "core/tinybms/frame_bytes.hpp"

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

}  // namespace tbgw::tinybms
