// Request builders: every request vector of the spec byte for byte, and the range refusals.
#include "core/tinybms/request_builder.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/tinybms/crc16.hpp"
#include "unit/tinybms_codec_vectors.hpp"

namespace tbgw::tinybms {
namespace {

using test::hex;

std::vector<std::uint8_t> bytes_of(const BuildResult& r) {
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : to_string(r.error()));
  if (!r.ok()) return {};
  const auto b = r->bytes();
  return {b.begin(), b.end()};
}

// ---- Vectors from the document and "More CRC vectors" ----------------------------------------

struct VectorCase {
  const char* name;
  BuildResult built;
  const char* expected;
};

std::vector<VectorCase> vector_cases() {
  static constexpr std::uint16_t kWrite315[] = {4200, 2500};
  static constexpr std::uint16_t kRegs36to39[] = {36, 37, 38, 39};
  return {
      {"modbus_read_cells_5_9", build_modbus_read(5, 5), "AA 03 00 05 00 05 8C 13"},
      {"modbus_write_315_316", build_modbus_write(315, kWrite315),
       "AA 10 01 3B 00 02 04 10 68 09 C4 19 61"},
      {"temperatures", build_simple(Command::temperatures), "AA 1B 3F 1B"},
      {"pack_voltage", build_simple(Command::pack_voltage), "AA 14 7F 1F"},
      {"pack_current", build_simple(Command::pack_current), "AA 15 BE DF"},
      {"max_cell_voltage", build_simple(Command::max_cell_voltage), "AA 16 FE DE"},
      {"min_cell_voltage", build_simple(Command::min_cell_voltage), "AA 17 3F 1E"},
      {"online_status", build_simple(Command::online_status), "AA 18 7F 1A"},
      {"lifetime_counter", build_simple(Command::lifetime_counter), "AA 19 BE DA"},
      {"estimated_soc", build_simple(Command::estimated_soc), "AA 1A FE DB"},
      {"cell_voltages", build_simple(Command::cell_voltages), "AA 1C 7E D9"},
      {"version", build_simple(Command::version), "AA 1E FF 18"},
      {"extended_version", build_simple(Command::extended_version), "AA 1F 3E D8"},
      {"speed_distance_time", build_simple(Command::speed_distance_time), "AA 20 7E C8"},
      {"newest_events", build_simple(Command::newest_events), "AA 11 BF 1C"},
      {"all_events", build_simple(Command::all_events), "AA 12 FF 1D"},
      {"reset_bms", build_reset(ResetOption::reset_bms), "AA 02 05 90 83"},
      {"read_block_16_from_0", build_read_block(0, 16), "AA 07 10 00 00 3C A9"},
      {"read_block_reg_50", build_read_block(50, 1), "AA 07 01 32 00 79 CC"},
      {"read_individual_36_39", build_read_individual(kRegs36to39),
       "AA 09 08 24 00 25 00 26 00 27 00 86 B7"},
      {"modbus_read_0_15", build_modbus_read(0, 16), "AA 03 00 00 00 10 5D DD"},
      {"modbus_read_0_55", build_modbus_read(0, 56), "AA 03 00 00 00 38 5D C3"},
      {"modbus_read_32_48", build_modbus_read(32, 17), "AA 03 00 20 00 11 9D D7"},
      {"modbus_read_50_55", build_modbus_read(50, 6), "AA 03 00 32 00 06 7D DC"},
      {"modbus_read_100_117", build_modbus_read(100, 18), "AA 03 00 64 00 12 9D C3"},
      {"modbus_read_300_343", build_modbus_read(300, 44), "AA 03 01 2C 00 2C 9D F9"},
      {"modbus_read_500_509", build_modbus_read(500, 10), "AA 03 01 F4 00 0A 9C 18"},
  };
}

TEST(RequestBuilder, GivenEverySpecRequestVector_WhenBuilt_ThenBytesMatchExactly) {
  for (const auto& c : vector_cases()) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(bytes_of(c.built), hex(c.expected));
  }
}

TEST(RequestBuilder, GivenSharedVectorTable_WhenCompared_ThenEveryRequestVectorIsCovered) {
  const auto cases = vector_cases();
  for (const auto& v : test::kRequestVectors) {
    bool found = false;
    for (const auto& c : cases) found = found || std::string(c.name) == v.name;
    EXPECT_TRUE(found) << v.name;
  }
}

// ---- Layouts without a spec vector ------------------------------------------------------------

TEST(RequestBuilder, GivenClearOptions_WhenResetBuilt_ThenOptionByteIsSent) {
  const auto events = bytes_of(build_reset(ResetOption::clear_events));
  const auto stats = bytes_of(build_reset(ResetOption::clear_statistics));
  ASSERT_EQ(events.size(), 5U);
  EXPECT_EQ(events[2], 0x01);
  EXPECT_EQ(stats[2], 0x02);
  EXPECT_TRUE(frame_crc_ok(events));
  EXPECT_TRUE(frame_crc_ok(stats));
}

TEST(RequestBuilder, GivenSettingsCurrent100_WhenBuilt_ThenOptZeroRl) {
  const auto f = bytes_of(build_settings_values(SettingsValueKind::current, 100));
  ASSERT_EQ(f.size(), 7U);
  EXPECT_EQ(std::vector<std::uint8_t>(f.begin(), f.begin() + 5),
            (std::vector<std::uint8_t>{0xAA, 0x1D, 0x04, 0x00, 0x64}));
  EXPECT_TRUE(frame_crc_ok(f));
}

TEST(RequestBuilder, GivenWriteBlock_WhenBuilt_ThenPlCountsValueBytesOnlyAndWordsAreLe) {
  static constexpr std::uint16_t kValues[] = {4200, 2500};
  const auto f = bytes_of(build_write_block(315, kValues));
  ASSERT_EQ(f.size(), 7U + 4U);
  EXPECT_EQ(std::vector<std::uint8_t>(f.begin(), f.end() - 2),
            (std::vector<std::uint8_t>{0xAA, 0x0B, 0x04, 0x3B, 0x01, 0x68, 0x10, 0xC4, 0x09}));
  EXPECT_TRUE(frame_crc_ok(f));
}

TEST(RequestBuilder, GivenWriteIndividual_WhenBuilt_ThenPairsLeAndPlIsFourPerPair) {
  static constexpr RegisterWrite kWrites[] = {{315, 4200}, {316, 2500}};
  const auto f = bytes_of(build_write_individual(kWrites));
  ASSERT_EQ(f.size(), 3U + 8U + 2U);
  EXPECT_EQ(std::vector<std::uint8_t>(f.begin(), f.end() - 2),
            (std::vector<std::uint8_t>{0xAA, 0x0D, 0x08, 0x3B, 0x01, 0x68, 0x10, 0x3C, 0x01, 0xC4,
                                       0x09}));
  EXPECT_TRUE(frame_crc_ok(f));
}

TEST(RequestBuilder, GivenLargestRequests_WhenBuilt_ThenTheyFitAndCarryValidCrc) {
  std::array<std::uint16_t, kMaxModbusWriteRegisters> values{};
  const auto write = bytes_of(build_modbus_write(300, values));
  EXPECT_EQ(write.size(), 9U + 2U * kMaxModbusWriteRegisters);
  EXPECT_TRUE(frame_crc_ok(write));
  const auto read = bytes_of(build_modbus_read(0, kMaxModbusReadRegisters));
  EXPECT_EQ(read[5], 127);
  EXPECT_TRUE(bytes_of(build_modbus_read(0xFFFF, 1)).size() == 8U);
}

// ---- Refusals ---------------------------------------------------------------------------------

struct RefusalCase {
  const char* name;
  BuildResult built;
  CodecError expected;
};

TEST(RequestBuilder, GivenOutOfRangeArguments_WhenBuilt_ThenRefusedWithReason) {
  static constexpr std::uint16_t kOne[] = {1};
  static constexpr std::uint16_t kTwo[] = {1, 2};
  static std::array<std::uint16_t, 101> k101{};
  static std::array<std::uint16_t, 32> k32{};
  static std::array<std::uint16_t, 16> k16{};
  static std::array<RegisterWrite, 16> k16w{};
  for (auto& w : k16w) w.address = 300;
  static constexpr RegisterWrite kBadAddress[] = {{300, 1}, {400, 1}};
  const RefusalCase cases[] = {
      {"modbus_read zero", build_modbus_read(0, 0), CodecError::zero_registers},
      {"modbus_read 128", build_modbus_read(0, 128), CodecError::too_many_registers},
      {"modbus_read past 0xFFFF", build_modbus_read(0xFFFF, 2), CodecError::address_overflow},
      {"modbus_write empty", build_modbus_write(300, {}), CodecError::zero_registers},
      {"modbus_write 101", build_modbus_write(300, k101), CodecError::too_many_registers},
      {"modbus_write below 300", build_modbus_write(299, kOne), CodecError::not_writable},
      {"modbus_write ends at 400", build_modbus_write(399, kTwo), CodecError::not_writable},
      {"modbus_write live register", build_modbus_write(36, kOne), CodecError::not_writable},
      {"modbus_write past 0xFFFF", build_modbus_write(0xFFFF, kTwo), CodecError::address_overflow},
      {"read_block zero", build_read_block(0, 0), CodecError::zero_registers},
      {"read_block 32", build_read_block(0, 32), CodecError::too_many_registers},
      {"read_block past 0xFFFF", build_read_block(0xFFF0, 31), CodecError::address_overflow},
      {"read_individual empty", build_read_individual({}), CodecError::zero_registers},
      {"read_individual 16", build_read_individual(k16), CodecError::too_many_registers},
      {"write_block empty", build_write_block(300, {}), CodecError::zero_registers},
      {"write_block 32", build_write_block(300, k32), CodecError::too_many_registers},
      {"write_block 399+1", build_write_block(399, kTwo), CodecError::not_writable},
      {"write_individual empty", build_write_individual({}), CodecError::zero_registers},
      {"write_individual 16", build_write_individual(k16w), CodecError::too_many_registers},
      {"write_individual 400", build_write_individual(kBadAddress), CodecError::not_writable},
      {"reset option 3", build_reset(static_cast<ResetOption>(3)), CodecError::invalid_option},
      {"simple modbus_read", build_simple(Command::modbus_read), CodecError::not_a_simple_command},
      {"simple ack", build_simple(Command::ack), CodecError::not_a_simple_command},
      {"simple settings", build_simple(Command::settings_values), CodecError::not_a_simple_command},
      {"settings zero", build_settings_values(SettingsValueKind::min, 0),
       CodecError::zero_registers},
      {"settings 101", build_settings_values(SettingsValueKind::max, 101),
       CodecError::too_many_registers},
      {"settings kind 5", build_settings_values(static_cast<SettingsValueKind>(5), 1),
       CodecError::invalid_option},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    ASSERT_FALSE(c.built.ok());
    EXPECT_EQ(c.built.error(), c.expected) << to_string(c.built.error());
  }
}

TEST(RequestBuilder, GivenWritableBounds_WhenWrittenAtTheEdges_ThenAccepted) {
  static constexpr std::uint16_t kOne[] = {1};
  EXPECT_TRUE(build_modbus_write(300, kOne).ok());
  EXPECT_TRUE(build_modbus_write(399, kOne).ok());
  EXPECT_TRUE(build_write_block(399, kOne).ok());
}

TEST(RequestBuilder, GivenEveryCommand_WhenAskedToString_ThenNamed) {
  EXPECT_STREQ(to_string(Command::modbus_read), "modbus_read");
  EXPECT_STREQ(to_string(Command::speed_distance_time), "speed_distance_time");
  EXPECT_STREQ(to_string(static_cast<Command>(0x55)), "unknown_command");
  for (unsigned b = 0; b < 256; ++b) {
    const bool known = is_known_command(static_cast<std::uint8_t>(b));
    EXPECT_EQ(known, std::string(to_string(static_cast<Command>(b))) != "unknown_command") << b;
  }
}

}  // namespace
}  // namespace tbgw::tinybms
