// Request-target checks, before any routing: the path is percent-decoded once, then refused
// (400) when it holds a NUL or any control character, is not valid UTF-8, or has a "." or ".."
// segment (no traversal can reach the static-file hook or a route), or a bad %-escape. The
// query is split off and left encoded for the router. Pure function; targets are capped by
// the header limit (8 KiB).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/util/result.hpp"

namespace tbgw::app::http {

struct DecodedTarget {
  std::string path;   // decoded, starts with '/'
  std::string query;  // raw, after the first '?'
};

// Why a target was refused: the kind is the whole story (the client sent the target).
enum class TargetError : std::uint8_t {
  not_a_path,         // empty or not starting with '/'
  bad_escape,         // '%' not followed by two hex digits
  control_character,  // NUL or another control character, decoded or not
  backslash,
  not_utf8,
  dot_segment,  // "." or ".." (also as %2e)
};
// The sentence for the 400 reply, e.g. "bad percent-escape in the path".
const char* to_string(TargetError e);

Result<DecodedTarget, TargetError> decode_target(std::string_view target);

bool valid_utf8(std::string_view s);

}  // namespace tbgw::app::http
