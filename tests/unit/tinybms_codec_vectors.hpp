// Byte vectors from spec/tinybms-protocol.md ("Vectors from the document", "More CRC vectors"),
// shared by the TinyBMS codec tests. Written as hex text exactly as the spec prints them.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace tbgw::tinybms::test {

// "AA 03 0A" -> {0xAA, 0x03, 0x0A}. Whitespace between bytes is ignored.
inline std::vector<std::uint8_t> hex(std::string_view text) {
  std::vector<std::uint8_t> out;
  int high = -1;
  for (char c : text) {
    int v = -1;
    if (c >= '0' && c <= '9') v = c - '0';
    if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    if (v < 0) continue;
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(high * 16 + v));
      high = -1;
    }
  }
  return out;
}

struct Vector {
  const char* name;
  const char* bytes;
};

// Requests (gateway -> BMS).
inline constexpr Vector kRequestVectors[] = {
    {"modbus_read_cells_5_9", "AA 03 00 05 00 05 8C 13"},
    {"modbus_write_315_316", "AA 10 01 3B 00 02 04 10 68 09 C4 19 61"},
    {"temperatures", "AA 1B 3F 1B"},
    {"pack_voltage", "AA 14 7F 1F"},
    {"pack_current", "AA 15 BE DF"},
    {"max_cell_voltage", "AA 16 FE DE"},
    {"min_cell_voltage", "AA 17 3F 1E"},
    {"online_status", "AA 18 7F 1A"},
    {"lifetime_counter", "AA 19 BE DA"},
    {"estimated_soc", "AA 1A FE DB"},
    {"cell_voltages", "AA 1C 7E D9"},
    {"version", "AA 1E FF 18"},
    {"extended_version", "AA 1F 3E D8"},
    {"speed_distance_time", "AA 20 7E C8"},
    {"newest_events", "AA 11 BF 1C"},
    {"all_events", "AA 12 FF 1D"},
    {"reset_bms", "AA 02 05 90 83"},
    {"read_block_16_from_0", "AA 07 10 00 00 3C A9"},
    {"read_block_reg_50", "AA 07 01 32 00 79 CC"},
    {"read_individual_36_39", "AA 09 08 24 00 25 00 26 00 27 00 86 B7"},
    {"modbus_read_0_15", "AA 03 00 00 00 10 5D DD"},
    {"modbus_read_0_55", "AA 03 00 00 00 38 5D C3"},
    {"modbus_read_32_48", "AA 03 00 20 00 11 9D D7"},
    {"modbus_read_50_55", "AA 03 00 32 00 06 7D DC"},
    {"modbus_read_100_117", "AA 03 00 64 00 12 9D C3"},
    {"modbus_read_300_343", "AA 03 01 2C 00 2C 9D F9"},
    {"modbus_read_500_509", "AA 03 01 F4 00 0A 9C 18"},
};

// Responses (BMS -> gateway).
inline constexpr Vector kResponseVectors[] = {
    {"modbus_read_cells_5_9", "AA 03 0A 97 40 97 40 97 2C 97 2C 97 2C 3E C7"},
    {"modbus_write_echo", "AA 10 01 3B 00 02 28 22"},
    {"temperatures", "AA 1B 06 16 01 14 01 16 01 0E 4E"},
    {"ack_write_block", "AA 01 0B 11 B7"},
    {"nack_crc_error", "AA 00 03 01 E0 CC"},
};

}  // namespace tbgw::tinybms::test
