// RequestParser (simulator side): request framing, typed accessors, validation, errors that
// the simulator answers with a NACK.
#include "core/tinybms/request_parser.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/tinybms/request_builder.hpp"
#include "unit/tinybms_codec_vectors.hpp"

namespace tbgw::tinybms {
namespace {

using Bytes = std::vector<std::uint8_t>;
using test::hex;

// A request with its bytes copied out, plus what the accessors returned while it was valid.
struct Seen {
  RequestEvent::Kind kind;
  Command command;
  ParseError error;
  std::uint8_t command_raw;
  Bytes raw;
  Bytes body;
};

std::vector<Seen> feed(RequestParser& p, std::span<const std::uint8_t> in,
                       std::vector<RequestFrame>* frames_for_accessors = nullptr) {
  std::vector<Seen> out;
  for (;;) {
    const auto r = p.push(in);
    in = in.subspan(r.consumed);
    if (!r.event) {
      EXPECT_TRUE(in.empty());
      return out;
    }
    const auto& e = *r.event;
    out.push_back({e.kind, e.frame.command, e.error, e.command_raw,
                   Bytes(e.frame.raw.begin(), e.frame.raw.end()),
                   Bytes(e.frame.body.begin(), e.frame.body.end())});
    if (frames_for_accessors != nullptr) frames_for_accessors->push_back(e.frame);
  }
}

Bytes to_bytes(const BuildResult& r) {
  EXPECT_TRUE(r.ok());
  return r.ok() ? Bytes(r->bytes().begin(), r->bytes().end()) : Bytes{};
}

// Parses one request and runs `check` on the frame while its spans are still valid.
template <class Check>
void with_frame(const Bytes& request, Check check) {
  RequestParser p;
  const auto r = p.push(request);
  ASSERT_TRUE(r.event.has_value());
  ASSERT_EQ(r.event->kind, RequestEvent::Kind::frame);
  EXPECT_EQ(r.consumed, request.size());
  check(r.event->frame);
}

TEST(RequestParser, GivenEverySpecRequestVector_WhenParsedWholeAndBytewise_ThenOneFrame) {
  for (const auto& v : test::kRequestVectors) {
    SCOPED_TRACE(v.name);
    const Bytes req = hex(v.bytes);
    RequestParser whole;
    const auto events = feed(whole, req);
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].kind, RequestEvent::Kind::frame);
    EXPECT_EQ(events[0].raw, req);
    RequestParser bytewise;
    std::size_t n = 0;
    for (std::size_t i = 0; i < req.size(); ++i) {
      n += feed(bytewise, std::span(req).subspan(i, 1)).size();
    }
    EXPECT_EQ(n, 1U);
  }
}

TEST(RequestParser, GivenAllSpecRequestsBackToBack_WhenSplitAtEveryBoundary_ThenAllInOrder) {
  Bytes stream;
  for (const auto& v : test::kRequestVectors) {
    const Bytes b = hex(v.bytes);
    stream.insert(stream.end(), b.begin(), b.end());
  }
  for (std::size_t cut = 0; cut <= stream.size(); cut += 7) {
    RequestParser p;
    auto events = feed(p, std::span(stream).first(cut));
    const auto rest = feed(p, std::span(stream).subspan(cut));
    events.insert(events.end(), rest.begin(), rest.end());
    ASSERT_EQ(events.size(), std::size(test::kRequestVectors)) << "cut " << cut;
    for (std::size_t i = 0; i < events.size(); ++i) {
      EXPECT_EQ(events[i].raw, hex(test::kRequestVectors[i].bytes));
    }
  }
}

TEST(RequestParser, GivenModbusRead_WhenParsed_ThenFirstRegAndCount) {
  with_frame(hex("AA 03 00 05 00 05 8C 13"), [](const RequestFrame& f) {
    EXPECT_EQ(f.command, Command::modbus_read);
    EXPECT_EQ(f.first_reg(), 5);
    EXPECT_EQ(f.count(), 5U);
    EXPECT_TRUE(validate_request(f).ok());
  });
}

TEST(RequestParser, GivenModbusWriteVector_WhenParsed_ThenBigEndianValues) {
  with_frame(hex("AA 10 01 3B 00 02 04 10 68 09 C4 19 61"), [](const RequestFrame& f) {
    EXPECT_EQ(f.command, Command::modbus_write);
    EXPECT_EQ(f.first_reg(), 315);
    ASSERT_EQ(f.count(), 2U);
    EXPECT_EQ(f.value(0), 4200);
    EXPECT_EQ(f.value(1), 2500);
    EXPECT_TRUE(validate_request(f).ok());
  });
}

TEST(RequestParser, GivenReadBlockVector_WhenParsed_ThenLittleEndianAddress) {
  with_frame(hex("AA 07 01 32 00 79 CC"), [](const RequestFrame& f) {
    EXPECT_EQ(f.first_reg(), 50);
    EXPECT_EQ(f.count(), 1U);
  });
}

TEST(RequestParser, GivenReadIndividualVector_WhenParsed_ThenAddressesInOrder) {
  with_frame(hex("AA 09 08 24 00 25 00 26 00 27 00 86 B7"), [](const RequestFrame& f) {
    ASSERT_EQ(f.count(), 4U);
    for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(f.address(i), 36 + i);
    EXPECT_TRUE(validate_request(f).ok());
  });
}

TEST(RequestParser, GivenBuiltWriteBlockAndWriteIndividual_WhenParsed_ThenRoundTrip) {
  static constexpr std::uint16_t kValues[] = {4200, 2500, 7};
  with_frame(to_bytes(build_write_block(315, kValues)), [](const RequestFrame& f) {
    EXPECT_EQ(f.command, Command::write_block);
    EXPECT_EQ(f.first_reg(), 315);
    ASSERT_EQ(f.count(), 3U);
    EXPECT_EQ(f.value(0), 4200);
    EXPECT_EQ(f.value(2), 7);
    EXPECT_TRUE(validate_request(f).ok());
  });
  static constexpr RegisterWrite kWrites[] = {{300, 3650}, {399, 1}};
  with_frame(to_bytes(build_write_individual(kWrites)), [](const RequestFrame& f) {
    ASSERT_EQ(f.count(), 2U);
    EXPECT_EQ(f.pair(0), (RegisterWrite{300, 3650}));
    EXPECT_EQ(f.pair(1), (RegisterWrite{399, 1}));
    EXPECT_TRUE(validate_request(f).ok());
  });
}

TEST(RequestParser, GivenResetAndSettingsValues_WhenParsed_ThenOptionAndCount) {
  with_frame(hex("AA 02 05 90 83"), [](const RequestFrame& f) {
    EXPECT_EQ(f.option(), 5);
    EXPECT_TRUE(validate_request(f).ok());
  });
  with_frame(to_bytes(build_settings_values(SettingsValueKind::default_value, 44)),
             [](const RequestFrame& f) {
               EXPECT_EQ(f.option(), 3);
               EXPECT_EQ(f.count(), 44U);
               EXPECT_TRUE(validate_request(f).ok());
             });
}

// Frames that parse (good CRC) but break the protocol's limits: built by hand.
Bytes with_crc(Bytes b) {
  const std::uint16_t crc = crc16_modbus(b);
  b.push_back(static_cast<std::uint8_t>(crc & 0xFF));
  b.push_back(static_cast<std::uint8_t>(crc >> 8));
  return b;
}

TEST(RequestParser, GivenRequestsOutsideTheLimits_WhenValidated_ThenReasonGiven) {
  struct Case {
    const char* name;
    Bytes request;
    CodecError error;
  };
  const Case cases[] = {
      {"0x03 zero", with_crc(hex("AA 03 00 00 00 00")), CodecError::zero_registers},
      {"0x03 128", with_crc(hex("AA 03 00 00 00 80")), CodecError::too_many_registers},
      {"0x03 overflow", with_crc(hex("AA 03 FF FF 00 02")), CodecError::address_overflow},
      {"0x10 PL != 2 RL", with_crc(hex("AA 10 01 2C 00 02 02 00 01")), CodecError::length_mismatch},
      {"0x10 live reg", with_crc(hex("AA 10 00 24 00 01 02 00 01")), CodecError::not_writable},
      {"0x07 32", with_crc(hex("AA 07 20 00 00")), CodecError::too_many_registers},
      {"0x09 zero", with_crc(hex("AA 09 00")), CodecError::zero_registers},
      {"0x0B below 300", with_crc(hex("AA 0B 02 2B 01 01 00")), CodecError::not_writable},
      {"0x0D reg 400", with_crc(hex("AA 0D 04 90 01 01 00")), CodecError::not_writable},
      {"0x02 option 3", with_crc(hex("AA 02 03")), CodecError::invalid_option},
      {"0x1D option 0", with_crc(hex("AA 1D 00 00 01")), CodecError::invalid_option},
      {"0x1D 101", with_crc(hex("AA 1D 04 00 65")), CodecError::too_many_registers},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    with_frame(c.request, [&](const RequestFrame& f) {
      const auto r = validate_request(f);
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.error(), c.error) << to_string(r.error());
    });
  }
}

TEST(RequestParser, GivenBadCrc_WhenParsed_ThenCrcErrorCarriesTheCommandForTheNack) {
  Bytes req = hex("AA 03 00 05 00 05 8C 13");
  req[7] ^= 0xFF;
  RequestParser p;
  const auto events = feed(p, req);
  ASSERT_GE(events.size(), 1U);
  EXPECT_EQ(events[0].kind, RequestEvent::Kind::error);
  EXPECT_EQ(events[0].error, ParseError::crc_mismatch);
  EXPECT_EQ(events[0].command_raw, 0x03);
  EXPECT_EQ(p.counters().crc_errors, 1U);
}

TEST(RequestParser, GivenUnknownOrReplyOnlyCommand_WhenParsed_ThenUnknownCommandThenNextRequest) {
  for (unsigned cmd : {0x00U, 0x01U, 0x04U, 0x13U, 0x21U, 0x7FU}) {
    SCOPED_TRACE(cmd);
    RequestParser p;
    Bytes stream = with_crc({0xAA, static_cast<std::uint8_t>(cmd)});
    const Bytes next = hex("AA 14 7F 1F");
    stream.insert(stream.end(), next.begin(), next.end());
    const auto events = feed(p, stream);
    ASSERT_GE(events.size(), 2U);
    EXPECT_EQ(events[0].error, ParseError::unknown_command);
    EXPECT_EQ(events[0].command_raw, cmd);
    EXPECT_EQ(events.back().kind, RequestEvent::Kind::frame);
    EXPECT_EQ(events.back().raw, next);
  }
}

TEST(RequestParser, GivenImpossibleLengthBytes_WhenParsed_ThenRejectedEarly) {
  struct Case {
    const char* head;
    ParseError error;
  };
  const Case cases[] = {
      {"AA 0B 82", ParseError::multi_packet_unsupported},
      {"AA 0D 84", ParseError::multi_packet_unsupported},
      {"AA 0B 03", ParseError::bad_length},
      {"AA 0D 06", ParseError::bad_length},
      {"AA 0D 44", ParseError::bad_length},
      {"AA 09 03", ParseError::bad_length},
      {"AA 10 01 2C 00 65 CA", ParseError::bad_length},  // PL 202 > 200
      {"AA 10 01 2C 00 01 03", ParseError::bad_length},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.head);
    RequestParser p;
    const auto events = feed(p, hex(c.head));
    ASSERT_GE(events.size(), 1U);
    EXPECT_EQ(events[0].error, c.error);
    EXPECT_EQ(events[0].raw, hex(c.head));
  }
}

TEST(RequestParser, GivenNoiseAndAPartialRequest_WhenReset_ThenNextRequestParsedCleanly) {
  RequestParser p;
  EXPECT_TRUE(feed(p, hex("00 11 22 AA 10 01")).empty());
  EXPECT_TRUE(p.mid_frame());
  p.reset();
  EXPECT_FALSE(p.mid_frame());
  const auto events = feed(p, hex("AA 1B 3F 1B"));
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].command, Command::temperatures);
  EXPECT_EQ(p.counters().garbage_bytes, 6U);
}

TEST(RequestParser, GivenTheLengthRule_WhenAskedAboutEveryRequest_ThenMatchesTheBuilders) {
  static constexpr std::uint16_t kTwo[] = {1, 2};
  static constexpr RegisterWrite kPair[] = {{300, 1}};
  const Bytes reqs[] = {
      to_bytes(build_modbus_read(0, 1)),
      to_bytes(build_modbus_write(300, kTwo)),
      to_bytes(build_read_block(0, 1)),
      to_bytes(build_read_individual(kTwo)),
      to_bytes(build_write_block(300, kTwo)),
      to_bytes(build_write_individual(kPair)),
      to_bytes(build_reset(ResetOption::clear_events)),
      to_bytes(build_settings_values(SettingsValueKind::max, 1)),
  };
  for (const auto& r : reqs) {
    const FrameLength len = request_frame_length(r);
    ASSERT_EQ(len.kind, FrameLength::Kind::total) << int(r[1]);
    EXPECT_EQ(len.bytes, r.size()) << int(r[1]);
  }
}

}  // namespace
}  // namespace tbgw::tinybms
