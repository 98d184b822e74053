// Randomised robustness of the parsers: random bytes, mutated valid frames (bit flips,
// truncation, duplication, insertion) and garbage, pushed in random chunk sizes. Seeds are
// fixed and printed on failure; TBGW_FUZZ_SEED=<n> runs one more seed.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "core/tinybms/crc16.hpp"
#include "core/tinybms/request_parser.hpp"
#include "core/tinybms/response_builder.hpp"
#include "core/tinybms/response_parser.hpp"

namespace tbgw::tinybms {
namespace {

using Bytes = std::vector<std::uint8_t>;

std::vector<std::uint32_t> seeds() {
  std::vector<std::uint32_t> s{1, 20240607, 0xC0FFEE};
  if (const char* env = std::getenv("TBGW_FUZZ_SEED")) {
    s.push_back(static_cast<std::uint32_t>(std::strtoul(env, nullptr, 0)));
  }
  return s;
}

struct Outcome {
  std::vector<Bytes> frames;
  std::size_t errors = 0;
  std::uint64_t frame_bytes = 0;
};

// Pushes `stream` in random chunks (0..max_chunk bytes) through `parser`, checking the push
// contract and every event; at the end, resyncs until nothing is buffered, then resets.
template <class Parser, class CheckFrame>
Outcome run(Parser& parser, const Bytes& stream, std::mt19937& rng, std::size_t max_chunk,
            CheckFrame check_frame) {
  Outcome out;
  std::uniform_int_distribution<std::size_t> chunk(0, max_chunk);
  const auto drain = [&](std::span<const std::uint8_t> in) {
    for (;;) {
      const auto r = parser.push(in);
      EXPECT_LE(r.consumed, in.size());
      in = in.subspan(r.consumed);
      if (!r.event) {
        EXPECT_TRUE(in.empty()) << "no event, yet input left over";
        return;
      }
      const auto& e = *r.event;
      const auto raw = e.frame.raw;
      if (e.kind == decltype(e.kind)::frame) {
        check_frame(e.frame);
        out.frames.emplace_back(raw.begin(), raw.end());
        out.frame_bytes += raw.size();
      } else {
        ++out.errors;
        EXPECT_GE(raw.size(), 2U);
        EXPECT_EQ(raw[0], kPreamble);
        EXPECT_EQ(e.command_raw, raw[1]);
      }
    }
  };
  std::size_t at = 0;
  while (at < stream.size()) {
    const std::size_t n = std::min(chunk(rng), stream.size() - at);
    drain(std::span(stream).subspan(at, n));
    at += n;
  }
  while (parser.mid_frame()) {
    parser.resync();
    drain({});
  }
  parser.reset();
  const auto& c = parser.counters();
  EXPECT_EQ(c.bytes_in, stream.size());
  EXPECT_EQ(c.bytes_in, out.frame_bytes + c.garbage_bytes);
  EXPECT_EQ(c.frames_ok, out.frames.size());
  EXPECT_EQ(c.crc_errors + c.unknown_commands + c.bad_lengths + c.multi_packet, out.errors);
  return out;
}

void check_response(const ResponseFrame& f) {
  ASSERT_GE(f.raw.size(), 4U);
  EXPECT_EQ(crc16_modbus(f.raw), 0);
  const FrameLength len = response_frame_length(f.raw);
  ASSERT_EQ(len.kind, FrameLength::Kind::total);
  EXPECT_EQ(len.bytes, f.raw.size());
  EXPECT_GE(f.payload.data(), f.raw.data());
  EXPECT_LE(f.payload.data() + f.payload.size(), f.raw.data() + f.raw.size() - 2);
}

void check_request(const RequestFrame& f) {
  ASSERT_GE(f.raw.size(), 4U);
  EXPECT_EQ(crc16_modbus(f.raw), 0);
  const FrameLength len = request_frame_length(f.raw);
  ASSERT_EQ(len.kind, FrameLength::Kind::total);
  EXPECT_EQ(len.bytes, f.raw.size());
  (void)validate_request(f);  // must not crash on any framed request
}

// ---- Generators -------------------------------------------------------------------------------

std::uint8_t byte(std::mt19937& rng) {
  return static_cast<std::uint8_t>(rng() & 0xFFU);
}

std::size_t below(std::mt19937& rng, std::size_t n) {
  return rng() % n;
}

Bytes random_bytes(std::mt19937& rng, std::size_t n, bool allow_preamble) {
  Bytes out(n);
  for (auto& b : out) {
    do {
      b = byte(rng);
    } while (!allow_preamble && b == kPreamble);
  }
  return out;
}

// A valid reply of a random layout with random contents.
Bytes random_reply(std::mt19937& rng) {
  std::array<std::uint16_t, 127> words{};
  for (auto& w : words) w = static_cast<std::uint16_t>(rng());
  std::array<RegisterWrite, 15> pairs{};
  for (auto& p : pairs) p = {static_cast<std::uint16_t>(rng()), static_cast<std::uint16_t>(rng())};
  const Bytes data = random_bytes(rng, 255, true);
  const auto payload = [&](std::size_t n) { return std::span<const std::uint8_t>(data).first(n); };
  const auto w = std::span<const std::uint16_t>(words);
  FrameBytes f;
  switch (below(rng, 12)) {
    case 0:
      f = *build_modbus_read_response(w.first(1 + below(rng, 127)));
      break;
    case 1:
      f = *build_read_block_response(w.first(1 + below(rng, 31)));
      break;
    case 2:
      f = *build_read_individual_response(
          std::span<const RegisterWrite>(pairs).first(1 + below(rng, 15)));
      break;
    case 3:
      f = build_modbus_write_response(static_cast<std::uint16_t>(rng()), byte(rng));
      break;
    case 4:
      f = build_ack(static_cast<Command>(byte(rng)));
      break;
    case 5:
      f = build_nack(byte(rng), below(rng, 2) ? NackError::crc_error : NackError::command_error);
      break;
    case 6: {
      static constexpr Command kFixed[] = {Command::pack_voltage, Command::pack_current,
                                           Command::lifetime_counter, Command::estimated_soc};
      f = *build_payload_response(kFixed[below(rng, 4)], payload(4));
      break;
    }
    case 7: {
      static constexpr Command kFixed[] = {Command::max_cell_voltage, Command::min_cell_voltage,
                                           Command::online_status};
      f = *build_payload_response(kFixed[below(rng, 3)], payload(2));
      break;
    }
    case 8:
      f = *build_payload_response(Command::speed_distance_time, payload(12));
      break;
    case 9:
      f = *build_payload_response(below(rng, 2) ? Command::newest_events : Command::all_events,
                                  payload(4 + 4 * below(rng, 63)));
      break;
    case 10:
      f = *build_payload_response(below(rng, 2) ? Command::cell_voltages : Command::settings_values,
                                  payload(2 * below(rng, 101)));
      break;
    default: {
      const std::size_t kind = below(rng, 3);
      f = kind == 0   ? *build_payload_response(Command::temperatures, payload(6))
          : kind == 1 ? *build_payload_response(Command::version, payload(5))
                      : *build_payload_response(Command::extended_version, payload(7));
      break;
    }
  }
  return Bytes(f.bytes().begin(), f.bytes().end());
}

struct Stream {
  Bytes bytes;
  std::vector<Bytes> valid;  // every frame that went in intact, in order (all distinct but
                             // for the deliberate duplicates)
  std::size_t garbage = 0;
};

// Valid replies separated by garbage; with `mutate`, some frames are damaged on the way.
Stream make_stream(std::mt19937& rng, std::size_t min_bytes, bool mutate, bool garbage_has_aa) {
  Stream s;
  const auto add = [&](const Bytes& b) { s.bytes.insert(s.bytes.end(), b.begin(), b.end()); };
  std::set<std::string> used;
  while (s.bytes.size() < min_bytes) {
    const Bytes gap = random_bytes(rng, below(rng, 4) == 0 ? below(rng, 40) : 0, garbage_has_aa);
    s.garbage += gap.size();
    add(gap);
    // Every generated frame is unique, so a frame rebuilt from a damaged one is recognisable.
    Bytes frame = random_reply(rng);
    while (!used.insert(std::string(frame.begin(), frame.end())).second) frame = random_reply(rng);
    const std::size_t what = mutate ? below(rng, 8) : 7;
    switch (what) {
      case 0: {  // bit flips in one or two distinct bytes (never cancelling out)
        const std::size_t first = below(rng, frame.size());
        frame[first] ^= static_cast<std::uint8_t>(1 + below(rng, 255));
        if (below(rng, 2) == 0 && frame.size() > 1) {
          const std::size_t second = (first + 1 + below(rng, frame.size() - 1)) % frame.size();
          frame[second] ^= static_cast<std::uint8_t>(1 + below(rng, 255));
        }
        add(frame);
        break;
      }
      case 1:  // truncation
        frame.resize(1 + below(rng, frame.size() - 1));
        add(frame);
        break;
      case 2: {  // insertion of one byte inside the frame
        // Not 0xAA: `AA AA <frame>` is a stray preamble before an intact frame, not damage.
        const std::uint8_t inserted = random_bytes(rng, 1, false)[0];
        frame.insert(frame.begin() + static_cast<std::ptrdiff_t>(1 + below(rng, frame.size() - 1)),
                     inserted);
        add(frame);
        break;
      }
      case 3:  // duplication: both copies are valid frames
        add(frame);
        add(frame);
        s.valid.push_back(frame);
        s.valid.push_back(frame);
        break;
      default:
        add(frame);
        s.valid.push_back(frame);
        break;
    }
  }
  return s;
}

// ---- Tests ------------------------------------------------------------------------------------

TEST(ParserFuzz, GivenRandomBytes_WhenParsedInRandomChunks_ThenOnlyValidFramesReported) {
  for (std::uint32_t seed : seeds()) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937 rng(seed);
    const Bytes stream = random_bytes(rng, 256 * 1024, true);
    ResponseParser p;
    run(p, stream, rng, 64, check_response);
  }
}

TEST(ParserFuzz, GivenPreambleHeavyBytes_WhenParsed_ThenOnlyValidFramesReported) {
  // Mostly 0xAA and command bytes, so that candidates start everywhere.
  static constexpr std::uint8_t kAlphabet[] = {0xAA, 0xAA, 0x00, 0x01, 0x03, 0x07, 0x09, 0x10,
                                               0x11, 0x14, 0x16, 0x1B, 0x1C, 0x20, 0x02, 0xFE};
  for (std::uint32_t seed : seeds()) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937 rng(seed);
    Bytes stream(200 * 1024);
    for (auto& b : stream) b = below(rng, 4) == 0 ? byte(rng) : kAlphabet[below(rng, 16)];
    ResponseParser responses;
    run(responses, stream, rng, 300, check_response);
    RequestParser requests;
    run(requests, stream, rng, 300, check_request);
  }
}

TEST(ParserFuzz, GivenValidFramesBetweenGarbageWithoutPreamble_WhenParsed_ThenAllRecovered) {
  for (std::uint32_t seed : seeds()) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937 rng(seed);
    const Stream s = make_stream(rng, 200 * 1024, false, false);
    for (std::size_t max_chunk : {1U, 7U, 64U, 1024U}) {
      SCOPED_TRACE("max chunk " + std::to_string(max_chunk));
      ResponseParser p;
      const Outcome o = run(p, s.bytes, rng, max_chunk, check_response);
      EXPECT_EQ(o.errors, 0U);
      ASSERT_EQ(o.frames.size(), s.valid.size());
      EXPECT_TRUE(o.frames == s.valid);
      EXPECT_EQ(p.counters().garbage_bytes, s.garbage);
    }
  }
}

TEST(ParserFuzz, GivenMutatedFramesAndGarbage_WhenParsed_ThenIntactFramesRecovered) {
  for (std::uint32_t seed : seeds()) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937 rng(seed);
    const Stream s = make_stream(rng, 200 * 1024, true, true);
    ResponseParser p;
    const Outcome o = run(p, s.bytes, rng, 128, check_response);
    // Every intact frame must come out, in order. Extra frames are allowed: damage can rebuild
    // a frame that exists in the byte stream (a frame cut by one byte, completed by a garbage
    // byte equal to its missing CRC byte), and these pass the CRC legitimately. An intact frame
    // can only be lost to a false candidate whose CRC matches by chance (2^-16 per candidate),
    // which then shows up as a frame that was never sent.
    const auto key = [](const Bytes& b) { return std::string(b.begin(), b.end()); };
    std::set<std::string> sent;
    for (const auto& f : s.valid) sent.insert(key(f));
    std::size_t strangers = 0;
    for (const auto& f : o.frames) strangers += sent.count(key(f)) == 0 ? 1 : 0;
    // Match reported frames to sent ones in order, looking a few frames ahead so that one
    // lost frame does not hide the rest.
    std::size_t next = 0;
    std::size_t matched = 0;
    for (const auto& f : o.frames) {
      for (std::size_t j = next; j < std::min(next + 64, s.valid.size()); ++j) {
        if (f == s.valid[j]) {
          ++matched;
          next = j + 1;
          break;
        }
      }
    }
    if (strangers == 0) {
      EXPECT_EQ(matched, s.valid.size()) << "intact frames lost";
    } else {
      EXPECT_GE(matched + 64 * strangers, s.valid.size()) << strangers << " rebuilt frames";
    }
    EXPECT_LE(o.frames.size(), s.valid.size() + 16) << "too many rebuilt frames";
    EXPECT_GT(o.errors, 0U);
  }
}

}  // namespace
}  // namespace tbgw::tinybms
