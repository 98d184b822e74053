// Character and format rules for string settings (TextRule in config_key.hpp).
//
// Why: strings go into places that break on surprises. CAN name frames carry raw bytes that
// the GX shows as ASCII; the config file is JSON, which must be valid UTF-8; a control
// character in a device path is always a mistake. can.backend is parsed here so that a typo
// is refused when it is set, not when the CAN output starts.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/config/config_key.hpp"

namespace tbgw::config {

enum class TextCheck : std::uint8_t {
  ok,
  bad_text,    // a character the rule forbids (or invalid UTF-8)
  bad_format,  // the characters are fine but the structure is not
};

TextCheck check_text(TextRule rule, std::string_view s);

// A one-line statement of the rule, for error messages and the docs.
std::string_view describe(TextRule rule);

// Splits can.backend values: "socketcan:can0" -> kind "socketcan", target "can0".
struct CanBackendSpec {
  std::string_view kind;    // "log", "socketcan" or "slcan"
  std::string_view target;  // "-" (stdout) or a path for log; interface name; serial path
};
// Returns false when `s` is not a valid backend string.
bool parse_can_backend(std::string_view s, CanBackendSpec& out);

}  // namespace tbgw::config
