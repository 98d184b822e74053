// Request-target checks, before any routing: the path is percent-decoded once, then refused
// (400) when it holds a NUL or any control character, is not valid UTF-8, or has a "." or ".."
// segment (no traversal can reach the static-file hook or a route), or a bad %-escape. The
// query is split off and left encoded for the router. Pure function; targets are capped by
// the header limit (8 KiB).
#pragma once

#include <string>
#include <string_view>

namespace tbgw::app::http {

struct DecodedTarget {
  std::string path;   // decoded, starts with '/'
  std::string query;  // raw, after the first '?'
};

// False with `error` naming the problem ("bad percent-escape", "path is not UTF-8", ...).
bool decode_target(std::string_view target, DecodedTarget& out, std::string& error);

bool valid_utf8(std::string_view s);

}  // namespace tbgw::app::http
