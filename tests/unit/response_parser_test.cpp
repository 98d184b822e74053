// ResponseParser: framing by command byte, arbitrary chunking, resynchronisation, counters.
#include "core/tinybms/response_parser.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "core/tinybms/response_builder.hpp"
#include "unit/tinybms_codec_vectors.hpp"

namespace tbgw::tinybms {
namespace {

using Bytes = std::vector<std::uint8_t>;
using test::hex;

// An event with its spans copied out (spans die at the next push).
struct Seen {
  ParseEvent::Kind kind;
  Command command;
  ParseError error;
  std::uint8_t command_raw;
  Bytes raw;
  Bytes payload;
  std::uint8_t acked_command;
  NackError nack_error;
  std::uint8_t nack_error_raw;
};

Seen copy(const ParseEvent& e) {
  return {e.kind,
          e.frame.command,
          e.error,
          e.command_raw,
          Bytes(e.frame.raw.begin(), e.frame.raw.end()),
          Bytes(e.frame.payload.begin(), e.frame.payload.end()),
          e.frame.acked_command,
          e.frame.nack_error,
          e.frame.nack_error_raw};
}

// The canonical loop of response_parser.hpp, checking its contract on every call.
void drain(ResponseParser& p, std::span<const std::uint8_t> in, std::vector<Seen>& out) {
  for (;;) {
    const auto r = p.push(in);
    ASSERT_LE(r.consumed, in.size());
    in = in.subspan(r.consumed);
    if (!r.event) {
      ASSERT_TRUE(in.empty()) << "no event, yet input left over";
      return;
    }
    out.push_back(copy(*r.event));
  }
}

std::vector<Seen> feed_chunks(ResponseParser& p, const Bytes& stream,
                              const std::vector<std::size_t>& cuts) {
  std::vector<Seen> out;
  std::size_t at = 0;
  for (std::size_t cut : cuts) {
    drain(p, std::span(stream).subspan(at, cut - at), out);
    at = cut;
  }
  drain(p, std::span(stream).subspan(at), out);
  return out;
}

std::vector<Seen> feed(ResponseParser& p, const Bytes& stream) {
  return feed_chunks(p, stream, {});
}

std::vector<Seen> frames_only(const std::vector<Seen>& events) {
  std::vector<Seen> out;
  for (const auto& e : events) {
    if (e.kind == ParseEvent::Kind::frame) out.push_back(e);
  }
  return out;
}

Bytes to_bytes(const FrameBytes& f) {
  return Bytes(f.bytes().begin(), f.bytes().end());
}

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

void expect_invariant(const ResponseParser& p, std::uint64_t frame_bytes, std::size_t buffered) {
  const auto& c = p.counters();
  EXPECT_EQ(c.bytes_in, frame_bytes + c.garbage_bytes + buffered);
}

// ---- Spec vectors -----------------------------------------------------------------------------

TEST(ResponseParser, GivenEverySpecResponseVector_WhenPushedWhole_ThenOneFrameWithSameBytes) {
  for (const auto& v : test::kResponseVectors) {
    SCOPED_TRACE(v.name);
    ResponseParser p;
    const auto events = feed(p, hex(v.bytes));
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].kind, ParseEvent::Kind::frame);
    EXPECT_EQ(events[0].raw, hex(v.bytes));
    EXPECT_FALSE(p.mid_frame());
    EXPECT_EQ(p.counters().frames_ok, 1U);
    EXPECT_EQ(p.counters().garbage_bytes, 0U);
  }
}

TEST(ResponseParser, GivenEverySpecResponseVector_WhenSplitAtEveryBoundary_ThenSameFrame) {
  for (const auto& v : test::kResponseVectors) {
    const Bytes frame = hex(v.bytes);
    for (std::size_t cut = 0; cut <= frame.size(); ++cut) {
      SCOPED_TRACE(std::string(v.name) + " cut " + std::to_string(cut));
      ResponseParser p;
      const auto events = feed_chunks(p, frame, {cut});
      ASSERT_EQ(events.size(), 1U);
      EXPECT_EQ(events[0].raw, frame);
      EXPECT_FALSE(p.mid_frame());
    }
  }
}

TEST(ResponseParser, GivenEverySpecResponseVector_WhenFedOneByteAtATime_ThenFrameOnLastByte) {
  for (const auto& v : test::kResponseVectors) {
    SCOPED_TRACE(v.name);
    const Bytes frame = hex(v.bytes);
    ResponseParser p;
    for (std::size_t i = 0; i < frame.size(); ++i) {
      const auto r = p.push(std::span(frame).subspan(i, 1));
      EXPECT_EQ(r.consumed, 1U);
      EXPECT_EQ(r.event.has_value(), i + 1 == frame.size()) << "byte " << i;
      if (i + 1 < frame.size()) {
        EXPECT_TRUE(p.mid_frame());
      }
    }
    EXPECT_FALSE(p.mid_frame());
  }
}

TEST(ResponseParser, GivenModbusReadReply_WhenParsed_ThenPayloadIsTheWordsAfterPl) {
  ResponseParser p;
  const auto e = feed(p, hex(test::kResponseVectors[0].bytes));
  ASSERT_EQ(e.size(), 1U);
  EXPECT_EQ(e[0].command, Command::modbus_read);
  EXPECT_EQ(e[0].payload, hex("97 40 97 40 97 2C 97 2C 97 2C"));
}

TEST(ResponseParser, GivenModbusWriteEcho_WhenParsed_ThenPayloadIsTheFourEchoBytes) {
  ResponseParser p;
  const auto e = feed(p, hex("AA 10 01 3B 00 02 28 22"));
  ASSERT_EQ(e.size(), 1U);
  EXPECT_EQ(e[0].command, Command::modbus_write);
  EXPECT_EQ(e[0].payload, hex("01 3B 00 02"));
}

TEST(ResponseParser, GivenAck_WhenParsed_ThenAckedCommandIsTheEcho) {
  ResponseParser p;
  const auto e = feed(p, hex("AA 01 0B 11 B7"));
  ASSERT_EQ(e.size(), 1U);
  EXPECT_EQ(e[0].command, Command::ack);
  EXPECT_EQ(e[0].acked_command, 0x0B);
  EXPECT_EQ(e[0].payload, hex("0B"));
}

TEST(ResponseParser, GivenNackCrcError_WhenParsed_ThenCommandAndErrorAreDecoded) {
  ResponseParser p;
  const auto e = feed(p, hex("AA 00 03 01 E0 CC"));
  ASSERT_EQ(e.size(), 1U);
  EXPECT_EQ(e[0].command, Command::nack);
  EXPECT_EQ(e[0].acked_command, 0x03);
  EXPECT_EQ(e[0].nack_error, NackError::crc_error);
  EXPECT_EQ(e[0].nack_error_raw, 0x01);
}

TEST(ResponseParser, GivenNackWithUnlistedError_WhenParsed_ThenUnknownWithRawByte) {
  ResponseParser p;
  const auto e = feed(p, to_bytes(build_nack(Command::modbus_read, NackError::unknown)));
  ASSERT_EQ(e.size(), 1U);
  EXPECT_EQ(e[0].nack_error, NackError::unknown);
  EXPECT_EQ(e[0].nack_error_raw, 0xFF);
}

// ---- Every reply layout: the length table -----------------------------------------------------

Bytes built(const BuildResult& r) {
  EXPECT_TRUE(r.ok());
  return r.ok() ? to_bytes(*r) : Bytes{};
}

TEST(ResponseParser, GivenEveryReplyLayout_WhenParsed_ThenLengthFollowsTheTable) {
  const std::array<std::uint8_t, 12> data{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  const auto first = [&](std::size_t n) { return std::span<const std::uint8_t>(data).first(n); };
  static constexpr std::uint16_t kWords[] = {1, 2, 3};
  static constexpr RegisterWrite kPairs[] = {{36, 1}, {37, 2}};
  struct Case {
    const char* name;
    Bytes frame;
    std::size_t length;
  };
  const Case cases[] = {
      {"0x14", built(build_payload_response(Command::pack_voltage, first(4))), 8},
      {"0x15", built(build_payload_response(Command::pack_current, first(4))), 8},
      {"0x16", built(build_payload_response(Command::max_cell_voltage, first(2))), 6},
      {"0x17", built(build_payload_response(Command::min_cell_voltage, first(2))), 6},
      {"0x18", built(build_payload_response(Command::online_status, first(2))), 6},
      {"0x19", built(build_payload_response(Command::lifetime_counter, first(4))), 8},
      {"0x1A", built(build_payload_response(Command::estimated_soc, first(4))), 8},
      {"0x20", built(build_payload_response(Command::speed_distance_time, first(12))), 16},
      {"0x11", built(build_payload_response(Command::newest_events, first(8))), 13},
      {"0x12", built(build_payload_response(Command::all_events, first(4))), 9},
      {"0x1B", built(build_payload_response(Command::temperatures, first(6))), 11},
      {"0x1C", built(build_payload_response(Command::cell_voltages, first(8))), 13},
      {"0x1D", built(build_payload_response(Command::settings_values, first(2))), 7},
      {"0x1E", built(build_payload_response(Command::version, first(5))), 10},
      {"0x1F", built(build_payload_response(Command::extended_version, first(7))), 12},
      {"0x03", built(build_modbus_read_response(kWords)), 11},
      {"0x07", built(build_read_block_response(kWords)), 11},
      {"0x09 pairs", built(build_read_individual_response(kPairs)), 13},
      {"0x09 values", built(build_read_individual_values_response(kWords)), 11},
      {"0x10", to_bytes(build_modbus_write_response(300, 2)), 8},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    ASSERT_EQ(c.frame.size(), c.length);
    // Followed by another frame: the parser must stop exactly at the table's length.
    ResponseParser p;
    const auto events = feed(p, cat({c.frame, hex("AA 01 0B 11 B7")}));
    ASSERT_EQ(events.size(), 2U);
    EXPECT_EQ(events[0].raw, c.frame);
    EXPECT_EQ(events[1].command, Command::ack);
  }
}

// ---- Streams ----------------------------------------------------------------------------------

Bytes all_vectors() {
  Bytes out;
  for (const auto& v : test::kResponseVectors) {
    const Bytes b = hex(v.bytes);
    out.insert(out.end(), b.begin(), b.end());
  }
  return out;
}

TEST(ResponseParser, GivenSeveralFramesInOnePush_WhenDrained_ThenAllInOrder) {
  ResponseParser p;
  const auto events = feed(p, all_vectors());
  ASSERT_EQ(events.size(), std::size(test::kResponseVectors));
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].raw, hex(test::kResponseVectors[i].bytes));
  }
  expect_invariant(p, all_vectors().size(), 0);
}

TEST(ResponseParser, GivenSeveralFrames_WhenSplitAtEveryBoundary_ThenAllInOrder) {
  const Bytes stream = all_vectors();
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    ResponseParser p;
    const auto events = feed_chunks(p, stream, {cut});
    ASSERT_EQ(events.size(), std::size(test::kResponseVectors)) << "cut " << cut;
  }
}

TEST(ResponseParser, GivenGarbageBeforeAndBetweenFrames_WhenParsed_ThenFramesAndGarbageCounted) {
  const Bytes junk = hex("00 FF 42 0D 0A 55");  // no 0xAA
  const Bytes ack = hex("AA 01 0B 11 B7");
  const Bytes temps = hex(test::kResponseVectors[2].bytes);
  const Bytes stream = cat({junk, ack, junk, junk, temps, junk});
  ResponseParser p;
  const auto events = feed(p, stream);
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0].raw, ack);
  EXPECT_EQ(events[1].raw, temps);
  EXPECT_EQ(p.counters().garbage_bytes, 4 * junk.size());
  EXPECT_EQ(p.counters().resyncs, 0U);
  expect_invariant(p, ack.size() + temps.size(), 0);
}

TEST(ResponseParser, GivenAsciiBroadcastJunk_WhenFollowedByReply_ThenReplyFound) {
  const std::string text = "BPV:55.78 MINCV:3.980 MAXCV:3.990 BPC:0.00 SOC:83.55\r\n";
  const Bytes reply = hex(test::kResponseVectors[0].bytes);
  const Bytes stream = cat({Bytes(text.begin(), text.end()), reply});
  ResponseParser p;
  const auto events = feed(p, stream);
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].raw, reply);
  EXPECT_EQ(p.counters().garbage_bytes, text.size());
}

TEST(ResponseParser, GivenCorruptedFrameThenValidFrame_WhenParsed_ThenCrcErrorThenFrame) {
  Bytes bad = hex(test::kResponseVectors[0].bytes);
  bad[5] ^= 0x10;
  const Bytes good = hex(test::kResponseVectors[2].bytes);
  ResponseParser p;
  const auto events = feed(p, cat({bad, good}));
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0].kind, ParseEvent::Kind::error);
  EXPECT_EQ(events[0].error, ParseError::crc_mismatch);
  EXPECT_EQ(events[0].command_raw, 0x03);
  EXPECT_EQ(events[0].raw, bad);
  EXPECT_EQ(events[1].raw, good);
  EXPECT_EQ(p.counters().crc_errors, 1U);
  EXPECT_EQ(p.counters().resyncs, 1U);
  expect_invariant(p, good.size(), 0);
}

TEST(ResponseParser, GivenStrayPreambleBeforeFrame_WhenParsed_ThenUnknownCommandThenFrame) {
  const Bytes good = hex(test::kResponseVectors[0].bytes);
  ResponseParser p;
  const auto events = feed(p, cat({hex("AA"), good}));
  ASSERT_EQ(events.size(), 2U);
  EXPECT_EQ(events[0].error, ParseError::unknown_command);  // AA AA: 0xAA is no command
  EXPECT_EQ(events[1].raw, good);
}

TEST(ResponseParser, GivenValidFramesSwallowedByAFalseLongHeader_WhenCandidateFails_ThenAllFound) {
  // "AA 03 20" claims 37 bytes: the real replies behind it are buffered into that candidate,
  // which fails its CRC; the rescan must then return every one of them.
  const Bytes f1 = hex(test::kResponseVectors[0].bytes);  // 15
  const Bytes f2 = hex(test::kResponseVectors[1].bytes);  // 8
  const Bytes f3 = hex(test::kResponseVectors[2].bytes);  // 11
  const Bytes f4 = hex(test::kResponseVectors[3].bytes);  // 5
  const Bytes stream = cat({hex("AA 03 20"), f1, f2, f3, f4});
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    SCOPED_TRACE("cut " + std::to_string(cut));
    ResponseParser p;
    const auto frames = frames_only(feed_chunks(p, stream, {cut}));
    ASSERT_EQ(frames.size(), 4U);
    EXPECT_EQ(frames[0].raw, f1);
    EXPECT_EQ(frames[1].raw, f2);
    EXPECT_EQ(frames[2].raw, f3);
    EXPECT_EQ(frames[3].raw, f4);
    EXPECT_FALSE(p.mid_frame());
    expect_invariant(p, f1.size() + f2.size() + f3.size() + f4.size(), 0);
  }
}

TEST(ResponseParser, GivenFrameHiddenBehindIncompleteFalseHeader_WhenResync_ThenFrameFound) {
  const Bytes good = hex(test::kResponseVectors[0].bytes);
  ResponseParser p;
  auto events = feed(p, cat({hex("AA 1C FE"), good}));  // candidate wants 259 bytes
  EXPECT_TRUE(events.empty());
  EXPECT_TRUE(p.mid_frame());
  p.resync();
  events = feed(p, {});
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].raw, good);
  EXPECT_EQ(p.counters().resyncs, 1U);
}

TEST(ResponseParser, GivenPartialFrame_WhenReset_ThenDroppedAndNextFrameParsed) {
  const Bytes good = hex(test::kResponseVectors[0].bytes);
  ResponseParser p;
  EXPECT_TRUE(feed(p, Bytes(good.begin(), good.begin() + 7)).empty());
  EXPECT_TRUE(p.mid_frame());
  p.reset();
  EXPECT_FALSE(p.mid_frame());
  EXPECT_EQ(p.counters().partial_drops, 1U);
  EXPECT_EQ(p.counters().garbage_bytes, 7U);
  const auto events = feed(p, good);
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].raw, good);
  p.reset();
  EXPECT_EQ(p.counters().partial_drops, 1U);  // nothing buffered: not a drop
}

TEST(ResponseParser, GivenUnknownCommandBytes_WhenParsed_ThenErrorAndFollowingFrameFound) {
  for (unsigned cmd : {0x02U, 0x04U, 0x0BU, 0x0DU, 0x13U, 0x21U, 0x55U, 0x81U, 0xFFU}) {
    SCOPED_TRACE(cmd);
    ResponseParser p;
    const Bytes ack = hex("AA 01 0B 11 B7");
    const auto events = feed(p, cat({Bytes{0xAA, static_cast<std::uint8_t>(cmd), 0x00}, ack}));
    ASSERT_EQ(events.size(), 2U);
    EXPECT_EQ(events[0].error, ParseError::unknown_command);
    EXPECT_EQ(events[0].command_raw, cmd);
    EXPECT_EQ(events[0].raw.size(), 2U);
    EXPECT_EQ(events[1].raw, ack);
    EXPECT_EQ(p.counters().unknown_commands, 1U);
  }
}

TEST(ResponseParser, GivenImpossibleLengthBytes_WhenParsed_ThenRejectedAtTheLengthByte) {
  struct Case {
    const char* head;
    ParseError error;
  };
  const Case cases[] = {
      {"AA 07 81", ParseError::multi_packet_unsupported},
      {"AA 09 80", ParseError::multi_packet_unsupported},
      {"AA 07 41", ParseError::bad_length},
      {"AA 07 03", ParseError::bad_length},
      {"AA 03 0B", ParseError::bad_length},
      {"AA 1C 03", ParseError::bad_length},
      {"AA 1D 01", ParseError::bad_length},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.head);
    ResponseParser p;
    const auto events = feed(p, hex(c.head));
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].error, c.error);
    EXPECT_EQ(events[0].raw, hex(c.head));
    EXPECT_FALSE(p.mid_frame());
  }
}

TEST(ResponseParser, GivenLargestReply_WhenParsedAfterJunk_ThenFitsTheBuffer) {
  std::array<std::uint16_t, kMaxModbusReadRegisters> words{};
  for (std::size_t i = 0; i < words.size(); ++i) words[i] = static_cast<std::uint16_t>(i * 257);
  const Bytes reply = built(build_modbus_read_response(words));
  ASSERT_EQ(reply.size(), 5U + 254U);
  // Junk, then a false 0x1C candidate that swallows the start of the 259-byte reply: the rescan
  // must still find the reply, with the buffer compacted on the way.
  const Bytes stream = cat({hex("01 02 AA 1C 04 00 00"), reply});
  ResponseParser p;
  const auto frames = frames_only(feed_chunks(p, stream, {3, 50, 200}));
  ASSERT_EQ(frames.size(), 1U);
  EXPECT_EQ(frames[0].raw, reply);
}

TEST(ResponseParser, GivenEmptyPush_WhenNothingBuffered_ThenNoEventNothingConsumed) {
  ResponseParser p;
  const auto r = p.push({});
  EXPECT_EQ(r.consumed, 0U);
  EXPECT_FALSE(r.event.has_value());
}

TEST(ResponseParser, GivenErrors_WhenNamed_ThenToStringIsStable) {
  EXPECT_STREQ(to_string(ParseError::crc_mismatch), "crc_mismatch");
  EXPECT_STREQ(to_string(ParseError::unknown_command), "unknown_command");
  EXPECT_STREQ(to_string(ParseError::bad_length), "bad_length");
  EXPECT_STREQ(to_string(ParseError::multi_packet_unsupported), "multi_packet_unsupported");
}

}  // namespace
}  // namespace tbgw::tinybms
