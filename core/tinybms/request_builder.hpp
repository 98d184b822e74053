// Request builders: every TinyBMS request the gateway can send, encoded byte for byte.
//
// Each builder checks its arguments against the protocol's limits (commands.hpp) and returns
// either a complete frame, CRC included, or the CodecError that says why not; nothing is sent
// half-built. Pure functions, no state. Layouts (spec "Commands"):
//
//   0x03  AA 03 addrH addrL 00 RL crc            Modbus read, 1..127 registers
//   0x10  AA 10 addrH addrL 00 RL PL words(BE)   Modbus write, 1..100 registers in 300-399
//   0x07  AA 07 RL addrL addrH crc               block read, 1..31 registers
//   0x09  AA 09 PL addr(LE)... crc               individual read, 1..15 addresses, PL = 2n
//   0x0B  AA 0B PL addrL addrH words(LE) crc     block write, 1..31 registers in 300-399
//   0x0D  AA 0D PL (addr,value)(LE)... crc       individual write, 1..15 pairs, PL = 4n
//   0x02  AA 02 OPT crc                          reset / clear
//   0x1D  AA 1D OPT 00 RL crc                    settings values, 1..100 registers
//   simple commands: AA CMD crc
//
// 0x0B convention (the spec calls it disputed): PL counts the value bytes only (PL = 2 x n),
// not the two address bytes, as in the comments of the Energus reference library
// ("PL - Payload Length in bytes (2*n registers)"). The request is therefore 7 + PL bytes. Because
// this is unverified on hardware, the gateway writes with 0x10 and reads back; 0x0B exists for
// the simulator and for experiments.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/tinybms/codec_error.hpp"
#include "core/tinybms/commands.hpp"
#include "core/tinybms/frame_bytes.hpp"
#include "core/util/result.hpp"

namespace tbgw::tinybms {

using BuildResult = tbgw::Result<FrameBytes, CodecError>;

// 0x03: `count` registers from `first_reg`. Reply: 5 + 2 x count bytes.
BuildResult build_modbus_read(std::uint16_t first_reg, std::size_t count);

// 0x10: writes values[i] to first_reg + i; every address must be in 300-399.
// Reply: `AA 10 addrH addrL 00 RL crc` (8 bytes), or a NACK.
BuildResult build_modbus_write(std::uint16_t first_reg, std::span<const std::uint16_t> values);

// 0x07: `count` registers from `first_reg`, little-endian reply in one packet.
BuildResult build_read_block(std::uint16_t first_reg, std::size_t count);

// 0x09: the registers at `addresses`, in that order.
BuildResult build_read_individual(std::span<const std::uint16_t> addresses);

// 0x0B: see the PL convention above; every address must be in 300-399. Reply: ACK.
BuildResult build_write_block(std::uint16_t first_reg, std::span<const std::uint16_t> values);

// 0x0D: every address must be in 300-399. Reply: ACK.
BuildResult build_write_individual(std::span<const RegisterWrite> writes);

// 0x02. Reply: ACK (the BMS may restart after reset_bms before or instead of answering).
BuildResult build_reset(ResetOption option);

// The commands without arguments (is_simple_command()): 0x11, 0x12, 0x14-0x1C, 0x1E, 0x1F, 0x20.
BuildResult build_simple(Command command);

// 0x1D: `count` setting values of the given kind; the block starts at register 300 (the
// request carries no address).
BuildResult build_settings_values(SettingsValueKind kind, std::size_t count);

}  // namespace tbgw::tinybms
