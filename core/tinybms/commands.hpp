// TinyBMS UART commands, their options and the protocol's fixed limits (spec "Commands").
//
// Every frame is `0xAA, command byte, ..., CRC LSB, CRC MSB`. The command byte of a reply
// echoes the request's, except ACK (0x01) and NACK (0x00), which carry the command they answer
// in the byte after. Everything here is a plain constant: no state, no I/O.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tbgw::tinybms {

inline constexpr std::uint8_t kPreamble = 0xAA;

enum class Command : std::uint8_t {
  nack = 0x00,                 // reply only: AA 00 CMD ERR crc
  ack = 0x01,                  // reply only: AA 01 CMD crc
  reset = 0x02,                // reset BMS / clear events / clear statistics (ResetOption)
  modbus_read = 0x03,          // Modbus-compatible block read, big-endian words
  read_block = 0x07,           // proprietary block read, little-endian words
  read_individual = 0x09,      // proprietary read of a list of addresses
  write_block = 0x0B,          // proprietary block write (prefer modbus_write)
  write_individual = 0x0D,     // proprietary write of address/value pairs
  modbus_write = 0x10,         // Modbus-compatible block write, big-endian words
  newest_events = 0x11,        // quick read: newest events
  all_events = 0x12,           // quick read: all events
  pack_voltage = 0x14,         // quick read: float32 V (reg 36)
  pack_current = 0x15,         // quick read: float32 A (reg 38)
  max_cell_voltage = 0x16,     // quick read: u16 mV (reg 41)
  min_cell_voltage = 0x17,     // quick read: u16 mV (reg 40)
  online_status = 0x18,        // quick read: u16 (reg 50)
  lifetime_counter = 0x19,     // quick read: u32 s (reg 32)
  estimated_soc = 0x1A,        // quick read: u32 1e-6 % (reg 46)
  temperatures = 0x1B,         // quick read: 3 x int16 0.1 degC
  cell_voltages = 0x1C,        // quick read: n x u16 0.1 mV
  settings_values = 0x1D,      // min/max/default/current of the settings (SettingsValueKind)
  version = 0x1E,              // quick read: hardware/firmware versions
  extended_version = 0x1F,     // quick read: version + bootloader + register map version
  speed_distance_time = 0x20,  // quick read: float km/h, u32 km, u32 s
};

// ERR byte of a NACK. Values the document does not list are reported as `unknown`; the raw
// byte is kept beside it wherever a NACK is decoded.
enum class NackError : std::uint8_t {
  command_error = 0x00,  // unknown command, or a request the BMS refuses
  crc_error = 0x01,      // the BMS received a request with a bad CRC
  unknown = 0xFF,        // any other ERR value (not in the document)
};

// Option byte of command 0x02.
enum class ResetOption : std::uint8_t {
  clear_events = 0x01,
  clear_statistics = 0x02,
  reset_bms = 0x05,
};

// Option byte of command 0x1D: which set of setting values to read.
enum class SettingsValueKind : std::uint8_t {
  min = 1,
  max = 2,
  default_value = 3,
  current = 4,
};

// Largest frame of either direction: the length byte PL is one byte, so 5 + 255. (A 0x10
// request has 9 + PL bytes, but PL <= 2 * kMaxModbusWriteRegisters keeps it under this.)
inline constexpr std::size_t kMaxFrameBytes = 5 + 255;
inline constexpr std::size_t kCrcBytes = 2;
inline constexpr std::size_t kAckBytes = 5;
inline constexpr std::size_t kNackBytes = 6;

// Registers per request (spec "Commands").
inline constexpr std::size_t kMaxModbusReadRegisters = 127;   // 0x03
inline constexpr std::size_t kMaxModbusWriteRegisters = 100;  // 0x10
inline constexpr std::size_t kMaxSettingsValues = 100;        // 0x1D
// A 0x07/0x09/0x0B/0x0D packet carries at most 63 payload bytes (PL bits 0-5); multi-packet
// transfers are not documented, so requests are sized to be answered in one packet.
inline constexpr std::size_t kMaxPacketPayload = 63;
inline constexpr std::size_t kMaxReadBlockRegisters = 31;        // 0x07: 31 x 2 = 62 bytes
inline constexpr std::size_t kMaxWriteBlockRegisters = 31;       // 0x0B: PL = 62 (values only)
inline constexpr std::size_t kMaxReadIndividualRegisters = 15;   // 0x09: reply 15 x 4 = 60
inline constexpr std::size_t kMaxWriteIndividualRegisters = 15;  // 0x0D: 15 x 4 = 60

// Writes are accepted only for 0x012C-0x018F.
inline constexpr std::uint16_t kFirstWritableRegister = 300;
inline constexpr std::uint16_t kLastWritableRegister = 399;

constexpr bool is_writable_register(std::uint32_t address) {
  return address >= kFirstWritableRegister && address <= kLastWritableRegister;
}

// Commands whose request is just `AA CMD crc` (4 bytes).
constexpr bool is_simple_command(Command c) {
  switch (c) {
    case Command::newest_events:
    case Command::all_events:
    case Command::pack_voltage:
    case Command::pack_current:
    case Command::max_cell_voltage:
    case Command::min_cell_voltage:
    case Command::online_status:
    case Command::lifetime_counter:
    case Command::estimated_soc:
    case Command::temperatures:
    case Command::cell_voltages:
    case Command::version:
    case Command::extended_version:
    case Command::speed_distance_time:
      return true;
    default:
      return false;
  }
}

// True for every byte value that names a command of the table above.
constexpr bool is_known_command(std::uint8_t byte) {
  switch (static_cast<Command>(byte)) {
    case Command::nack:
    case Command::ack:
    case Command::reset:
    case Command::modbus_read:
    case Command::read_block:
    case Command::read_individual:
    case Command::write_block:
    case Command::write_individual:
    case Command::modbus_write:
    case Command::settings_values:
      return true;
    default:
      return is_simple_command(static_cast<Command>(byte));
  }
}

constexpr const char* to_string(Command c) {
  switch (c) {
    case Command::nack:
      return "nack";
    case Command::ack:
      return "ack";
    case Command::reset:
      return "reset";
    case Command::modbus_read:
      return "modbus_read";
    case Command::read_block:
      return "read_block";
    case Command::read_individual:
      return "read_individual";
    case Command::write_block:
      return "write_block";
    case Command::write_individual:
      return "write_individual";
    case Command::modbus_write:
      return "modbus_write";
    case Command::newest_events:
      return "newest_events";
    case Command::all_events:
      return "all_events";
    case Command::pack_voltage:
      return "pack_voltage";
    case Command::pack_current:
      return "pack_current";
    case Command::max_cell_voltage:
      return "max_cell_voltage";
    case Command::min_cell_voltage:
      return "min_cell_voltage";
    case Command::online_status:
      return "online_status";
    case Command::lifetime_counter:
      return "lifetime_counter";
    case Command::estimated_soc:
      return "estimated_soc";
    case Command::temperatures:
      return "temperatures";
    case Command::cell_voltages:
      return "cell_voltages";
    case Command::settings_values:
      return "settings_values";
    case Command::version:
      return "version";
    case Command::extended_version:
      return "extended_version";
    case Command::speed_distance_time:
      return "speed_distance_time";
  }
  return "unknown_command";
}

constexpr const char* to_string(NackError e) {
  switch (e) {
    case NackError::command_error:
      return "command_error";
    case NackError::crc_error:
      return "crc_error";
    case NackError::unknown:
      return "unknown";
  }
  return "unknown";
}

// Maps the ERR byte of a NACK; unlisted values become NackError::unknown.
constexpr NackError nack_error_from_byte(std::uint8_t err) {
  switch (err) {
    case 0x00:
      return NackError::command_error;
    case 0x01:
      return NackError::crc_error;
    default:
      return NackError::unknown;
  }
}

}  // namespace tbgw::tinybms
