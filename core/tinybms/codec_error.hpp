// Why a frame could not be built (request_builder, response_builder) or why a received request
// is not acceptable (validate_request in request_parser.hpp).
#pragma once

#include <cstdint>

namespace tbgw::tinybms {

enum class CodecError : std::uint8_t {
  zero_registers,         // a register count, value list or address list is empty
  too_many_registers,     // more registers than the command allows in one request
  address_overflow,       // first_reg + count runs past register 0xFFFF
  not_writable,           // a write outside 300-399
  not_a_simple_command,   // build_simple() for a command that takes arguments
  not_a_payload_command,  // build_payload_response() for a command with its own builder
  payload_too_long,       // the payload does not fit the length byte / the packet
  wrong_payload_size,     // the payload size does not match the command's reply layout
  invalid_option,         // a ResetOption / SettingsValueKind value the protocol lacks
  length_mismatch,        // a received request whose length byte disagrees with its count
};

constexpr const char* to_string(CodecError e) {
  switch (e) {
    case CodecError::zero_registers:
      return "zero_registers";
    case CodecError::too_many_registers:
      return "too_many_registers";
    case CodecError::address_overflow:
      return "address_overflow";
    case CodecError::not_writable:
      return "not_writable";
    case CodecError::not_a_simple_command:
      return "not_a_simple_command";
    case CodecError::not_a_payload_command:
      return "not_a_payload_command";
    case CodecError::payload_too_long:
      return "payload_too_long";
    case CodecError::wrong_payload_size:
      return "wrong_payload_size";
    case CodecError::invalid_option:
      return "invalid_option";
    case CodecError::length_mismatch:
      return "length_mismatch";
  }
  return "unknown";
}

}  // namespace tbgw::tinybms
