// Typed decoding of replies against the request that was sent: the spec's decoded values,
// NACKs, and every mismatch the decoders must refuse.
#include "core/tinybms/response_decoder.hpp"

#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <cstdint>
#include <vector>

#include "core/tinybms/response_builder.hpp"
#include "unit/tinybms_codec_vectors.hpp"

namespace tbgw::tinybms {
namespace {

using Bytes = std::vector<std::uint8_t>;
using test::hex;

// Parses `bytes` (exactly one frame) and hands the frame to `check` while its spans are valid.
template <class Check>
void with_reply(const Bytes& bytes, Check check) {
  ResponseParser p;
  const auto r = p.push(bytes);
  ASSERT_TRUE(r.event.has_value());
  ASSERT_EQ(r.event->kind, ParseEvent::Kind::frame);
  check(r.event->frame);
}

Bytes to_bytes(const FrameBytes& f) {
  return Bytes(f.bytes().begin(), f.bytes().end());
}
Bytes to_bytes(const BuildResult& r) {
  EXPECT_TRUE(r.ok());
  return r.ok() ? to_bytes(*r) : Bytes{};
}

Bytes le32_bytes(std::uint32_t v) {
  return {static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(v >> 8),
          static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 24)};
}

// ---- The spec's decoded values ---------------------------------------------------------------

TEST(ResponseDecoder, GivenSpecCellsReply_WhenDecodedAsModbusRead_ThenCellVoltages) {
  with_reply(hex(test::kResponseVectors[0].bytes), [](const ResponseFrame& f) {
    std::array<std::uint16_t, 5> cells{};
    ASSERT_TRUE(decode_modbus_read(f, 5, cells).ok());
    const std::array<std::uint16_t, 5> expected{38720, 38720, 38700, 38700, 38700};  // 0.1 mV
    EXPECT_EQ(cells, expected);
    EXPECT_DOUBLE_EQ(cells[0] * 1e-4, 3.8720);
  });
}

TEST(ResponseDecoder, GivenSpecTemperaturesReply_WhenDecoded_ThenTenthsOfADegree) {
  with_reply(hex(test::kResponseVectors[2].bytes), [](const ResponseFrame& f) {
    const auto t = decode_temperatures(f);
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->internal_temp_ddegc, 278);
    EXPECT_EQ(t->external1_temp_ddegc, 276);
    EXPECT_EQ(t->external2_temp_ddegc, 278);
  });
}

TEST(ResponseDecoder, GivenAbsentSensors_WhenDecoded_ThenSentinelKept) {
  const Bytes payload{0x61, 0x00, 0x00, 0x80, 0x00, 0x80};  // 9.7 degC, absent, absent
  with_reply(to_bytes(build_payload_response(Command::temperatures, payload)),
             [](const ResponseFrame& f) {
               const auto t = decode_temperatures(f);
               ASSERT_TRUE(t.ok());
               EXPECT_EQ(t->internal_temp_ddegc, 97);
               EXPECT_EQ(t->external1_temp_ddegc, Temperatures::kTempAbsent);
               EXPECT_EQ(t->external2_temp_ddegc, Temperatures::kTempAbsent);
             });
}

TEST(ResponseDecoder, GivenSpecWriteEcho_WhenDecodedAgainstTheRequest_ThenAccepted) {
  with_reply(hex("AA 10 01 3B 00 02 28 22"), [](const ResponseFrame& f) {
    EXPECT_TRUE(decode_modbus_write_ack(f, 315, 2).ok());
    const auto wrong_reg = decode_modbus_write_ack(f, 316, 2);
    ASSERT_FALSE(wrong_reg.ok());
    EXPECT_EQ(wrong_reg.error(), DecodeError::echo_mismatch);
    EXPECT_EQ(decode_modbus_write_ack(f, 315, 1).error(), DecodeError::echo_mismatch);
  });
}

TEST(ResponseDecoder, GivenRealUnitCdabWords_WhenCombined_ThenPackVoltageAndSoc) {
  // clarkni5/tinybms capture: reg 36/37 = 0x1EB8/0x425F, reg 46/47 = 0xF208/0x04FA.
  EXPECT_NEAR(float_from_words(0x1EB8, 0x425F), 55.78F, 1e-4F);
  EXPECT_EQ(u32_from_words(0xF208, 0x04FA), 83554824U);
  EXPECT_NEAR(u32_from_words(0xF208, 0x04FA) * 1e-6, 83.554824, 1e-9);
}

// ---- Every decoder on a well-formed reply -----------------------------------------------------

TEST(ResponseDecoder, GivenReadBlockAndSettingsReplies_WhenDecoded_ThenLittleEndianWords) {
  static constexpr std::uint16_t kWords[] = {0x1234, 0xFFFF, 0};
  std::array<std::uint16_t, 3> out{};
  with_reply(to_bytes(build_read_block_response(kWords)), [&](const ResponseFrame& f) {
    ASSERT_TRUE(decode_read_block(f, 3, out).ok());
    EXPECT_EQ(out, (std::array<std::uint16_t, 3>{0x1234, 0xFFFF, 0}));
  });
  const Bytes payload{0x34, 0x12, 0x02, 0x00};
  with_reply(to_bytes(build_payload_response(Command::settings_values, payload)),
             [&](const ResponseFrame& f) {
               ASSERT_TRUE(decode_settings_values(f, 2, out).ok());
               EXPECT_EQ(out[0], 0x1234);
               EXPECT_EQ(out[1], 2);
             });
}

TEST(ResponseDecoder, GivenReadIndividualInBothForms_WhenDecoded_ThenValuesInRequestOrder) {
  static constexpr std::uint16_t kAddresses[] = {36, 37, 50};
  static constexpr RegisterWrite kPairs[] = {{36, 0x1EB8}, {37, 0x425F}, {50, 0x97}};
  static constexpr std::uint16_t kValues[] = {0x1EB8, 0x425F, 0x97};
  const std::array<std::uint16_t, 3> expected{0x1EB8, 0x425F, 0x97};
  for (const Bytes& reply : {to_bytes(build_read_individual_response(kPairs)),
                             to_bytes(build_read_individual_values_response(kValues))}) {
    with_reply(reply, [&](const ResponseFrame& f) {
      std::array<std::uint16_t, 3> out{};
      ASSERT_TRUE(decode_read_individual(f, kAddresses, out).ok());
      EXPECT_EQ(out, expected);
    });
  }
}

TEST(ResponseDecoder, GivenPairsEchoingOtherAddresses_WhenDecoded_ThenEchoMismatch) {
  static constexpr std::uint16_t kAddresses[] = {36, 37};
  static constexpr RegisterWrite kPairs[] = {{36, 1}, {38, 2}};
  with_reply(to_bytes(build_read_individual_response(kPairs)), [&](const ResponseFrame& f) {
    std::array<std::uint16_t, 2> out{};
    const auto r = decode_read_individual(f, kAddresses, out);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), DecodeError::echo_mismatch);
  });
}

TEST(ResponseDecoder, GivenQuickReadReplies_WhenDecoded_ThenScalars) {
  with_reply(to_bytes(build_payload_response(Command::pack_voltage,
                                             le32_bytes(std::bit_cast<std::uint32_t>(55.78F)))),
             [](const ResponseFrame& f) {
               const auto v = decode_float(f, Command::pack_voltage);
               ASSERT_TRUE(v.ok());
               EXPECT_FLOAT_EQ(*v, 55.78F);
             });
  with_reply(to_bytes(build_payload_response(Command::max_cell_voltage, Bytes{0x96, 0x0F})),
             [](const ResponseFrame& f) {
               const auto v = decode_u16(f, Command::max_cell_voltage);
               ASSERT_TRUE(v.ok());
               EXPECT_EQ(*v, 3990);
             });
  with_reply(to_bytes(build_payload_response(Command::estimated_soc, le32_bytes(83554824))),
             [](const ResponseFrame& f) {
               const auto v = decode_u32(f, Command::estimated_soc);
               ASSERT_TRUE(v.ok());
               EXPECT_EQ(*v, 83554824U);
             });
}

TEST(ResponseDecoder, GivenCellsReply_WhenDecoded_ThenCountAndRawWords) {
  const Bytes payload{0x78, 0x9B, 0xDC, 0x9B};  // 39800, 39900 (0.1 mV)
  with_reply(to_bytes(build_payload_response(Command::cell_voltages, payload)),
             [](const ResponseFrame& f) {
               std::array<std::uint16_t, 16> cells{};
               const auto n = decode_cells(f, cells);
               ASSERT_TRUE(n.ok());
               EXPECT_EQ(*n, 2U);
               EXPECT_EQ(cells[0], 39800);
               EXPECT_EQ(cells[1], 39900);
               std::array<std::uint16_t, 1> small{};
               EXPECT_EQ(decode_cells(f, small).error(), DecodeError::output_too_small);
             });
}

TEST(ResponseDecoder, GivenVersionReplies_WhenDecoded_ThenFields) {
  const Bytes basic{3, 1, 6, 0xF2, 0x00};
  with_reply(to_bytes(build_payload_response(Command::version, basic)), [](const ResponseFrame& f) {
    const auto v = decode_version(f, Command::version);
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(v->hardware, 3);
    EXPECT_EQ(v->hardware_changes, 1);
    EXPECT_EQ(v->firmware_public, 6);
    EXPECT_EQ(v->firmware_internal, 242);
    EXPECT_FALSE(v->has_extended);
    EXPECT_EQ(decode_version(f, Command::extended_version).error(), DecodeError::wrong_command);
  });
  const Bytes extended{3, 1, 6, 0xF2, 0x00, 2, 4};
  with_reply(to_bytes(build_payload_response(Command::extended_version, extended)),
             [](const ResponseFrame& f) {
               const auto v = decode_version(f, Command::extended_version);
               ASSERT_TRUE(v.ok());
               EXPECT_TRUE(v->has_extended);
               EXPECT_EQ(v->bootloader, 2);
               EXPECT_EQ(v->register_map, 4);
             });
}

TEST(ResponseDecoder, GivenEventsReply_WhenDecoded_ThenTimestampAndEvents) {
  Bytes payload = le32_bytes(100000);
  const Bytes events{0x10, 0x27, 0x00, 0x64, 0xFF, 0xFF, 0xFF, 0x61};  // 10000 s 0x64; max 0x61
  payload.insert(payload.end(), events.begin(), events.end());
  with_reply(to_bytes(build_payload_response(Command::newest_events, payload)),
             [](const ResponseFrame& f) {
               std::array<BmsEvent, 49> out{};
               const auto h = decode_events(f, Command::newest_events, out);
               ASSERT_TRUE(h.ok());
               EXPECT_EQ(h->bms_timestamp_s, 100000U);
               ASSERT_EQ(h->count, 2U);
               EXPECT_EQ(out[0].timestamp_s, 10000U);
               EXPECT_EQ(out[0].id, 0x64);
               EXPECT_EQ(out[1].timestamp_s, 0xFFFFFFU);
               EXPECT_EQ(out[1].id, 0x61);
               EXPECT_EQ(decode_events(f, Command::all_events, out).error(),
                         DecodeError::wrong_command);
               std::array<BmsEvent, 1> small{};
               EXPECT_EQ(decode_events(f, Command::newest_events, small).error(),
                         DecodeError::output_too_small);
             });
}

TEST(ResponseDecoder, GivenSpeedDistanceTimeReply_WhenDecoded_ThenFields) {
  Bytes payload = le32_bytes(std::bit_cast<std::uint32_t>(12.5F));
  for (std::uint32_t v : {42U, 3600U}) {
    const Bytes b = le32_bytes(v);
    payload.insert(payload.end(), b.begin(), b.end());
  }
  with_reply(to_bytes(build_payload_response(Command::speed_distance_time, payload)),
             [](const ResponseFrame& f) {
               const auto s = decode_speed_distance_time(f);
               ASSERT_TRUE(s.ok());
               EXPECT_FLOAT_EQ(s->speed_kmh, 12.5F);
               EXPECT_EQ(s->distance_left_km, 42U);
               EXPECT_EQ(s->time_left_s, 3600U);
             });
}

TEST(ResponseDecoder, GivenAckOfWriteBlock_WhenDecoded_ThenOnlyThatCommandAccepted) {
  with_reply(hex("AA 01 0B 11 B7"), [](const ResponseFrame& f) {
    EXPECT_TRUE(decode_ack(f, Command::write_block).ok());
    EXPECT_EQ(decode_ack(f, Command::write_individual).error(), DecodeError::echo_mismatch);
    std::array<std::uint16_t, 1> out{};
    EXPECT_EQ(decode_modbus_read(f, 1, out).error(), DecodeError::wrong_command);
  });
}

// ---- NACKs and mismatches ---------------------------------------------------------------------

TEST(ResponseDecoder, GivenNackToAnyRequest_WhenDecoded_ThenNackErrorWhateverTheDecoder) {
  struct Case {
    Bytes reply;
    DecodeError error;
  };
  const Case cases[] = {
      {hex("AA 00 03 01 E0 CC"), DecodeError::nack_crc_error},
      {to_bytes(build_nack(Command::modbus_read, NackError::command_error)),
       DecodeError::nack_command_error},
      {to_bytes(build_nack(0x42, NackError::unknown)), DecodeError::nack_unknown_error},
  };
  for (const auto& c : cases) {
    with_reply(c.reply, [&](const ResponseFrame& f) {
      std::array<std::uint16_t, 4> words{};
      static constexpr std::uint16_t kAddr[] = {36};
      std::array<BmsEvent, 2> events{};
      EXPECT_EQ(decode_modbus_read(f, 1, words).error(), c.error);
      EXPECT_EQ(decode_read_block(f, 1, words).error(), c.error);
      EXPECT_EQ(decode_read_individual(f, kAddr, words).error(), c.error);
      EXPECT_EQ(decode_modbus_write_ack(f, 300, 1).error(), c.error);
      EXPECT_EQ(decode_ack(f, Command::write_block).error(), c.error);
      EXPECT_EQ(decode_float(f, Command::pack_voltage).error(), c.error);
      EXPECT_EQ(decode_u16(f, Command::online_status).error(), c.error);
      EXPECT_EQ(decode_u32(f, Command::estimated_soc).error(), c.error);
      EXPECT_EQ(decode_temperatures(f).error(), c.error);
      EXPECT_EQ(decode_cells(f, words).error(), c.error);
      EXPECT_EQ(decode_version(f, Command::version).error(), c.error);
      EXPECT_EQ(decode_events(f, Command::all_events, events).error(), c.error);
      EXPECT_EQ(decode_speed_distance_time(f).error(), c.error);
    });
  }
}

TEST(ResponseDecoder, GivenReplyOfAnotherSize_WhenDecoded_ThenWrongLength) {
  with_reply(hex(test::kResponseVectors[0].bytes), [](const ResponseFrame& f) {
    std::array<std::uint16_t, 8> out{};
    EXPECT_EQ(decode_modbus_read(f, 4, out).error(), DecodeError::wrong_length);
    EXPECT_EQ(decode_modbus_read(f, 6, out).error(), DecodeError::wrong_length);
    std::array<std::uint16_t, 4> small{};
    EXPECT_EQ(decode_modbus_read(f, 5, small).error(), DecodeError::output_too_small);
  });
}

TEST(ResponseDecoder, GivenReplyForAnotherCommand_WhenDecoded_ThenWrongCommand) {
  with_reply(hex(test::kResponseVectors[2].bytes), [](const ResponseFrame& f) {
    std::array<std::uint16_t, 3> out{};
    EXPECT_EQ(decode_modbus_read(f, 3, out).error(), DecodeError::wrong_command);
    EXPECT_EQ(decode_cells(f, out).error(), DecodeError::wrong_command);
    EXPECT_EQ(decode_float(f, Command::pack_voltage).error(), DecodeError::wrong_command);
    EXPECT_TRUE(decode_temperatures(f).ok());
  });
  with_reply(to_bytes(build_payload_response(Command::pack_current, Bytes{0, 0, 0, 0})),
             [](const ResponseFrame& f) {
               EXPECT_EQ(decode_float(f, Command::pack_voltage).error(),
                         DecodeError::wrong_command);
             });
}

TEST(ResponseDecoder, GivenErrors_WhenNamed_ThenToStringIsStable) {
  EXPECT_STREQ(to_string(DecodeError::nack_crc_error), "nack_crc_error");
  EXPECT_STREQ(to_string(DecodeError::echo_mismatch), "echo_mismatch");
}

}  // namespace
}  // namespace tbgw::tinybms
