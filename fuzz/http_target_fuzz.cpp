// The request-target of every HTTP request (app/http/request_path.hpp, before any routing),
// the query string parameters the routes read (query_param, app/api/api_json.cpp) and the
// times in them (?from=, ?to=: parse_iso8601_utc, platform/linux/iso8601_time.hpp).
//
// Input: the raw request-target, as Beast hands it over (at most the 8 KiB header limit).
// Properties of decode_target(): an accepted path starts with '/', holds no control character,
// NUL or backslash, is valid UTF-8 and has no "." or ".." segment; the query is the raw text
// after the first '?'; and the path percent-encoded byte by byte decodes to itself.
// query_param(): a value written as name=<percent-encoded value> reads back as itself.
// parse_iso8601_utc(): an accepted time has digits only where the format has digits (no sign,
// no blank), and format_iso8601_utc() of it parses back to the same instant.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "app/api/router_impl.hpp"
#include "app/http/request_path.hpp"
#include "fuzz/fuzz_check.hpp"
#include "platform/linux/iso8601_time.hpp"

namespace {

using namespace tbgw;

constexpr std::size_t kMaxTarget = 8 * 1024;
constexpr std::string_view kParams[] = {"from", "to", "max_points", "tier", "dry_run"};

std::string percent_encoded(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : s) {
    const auto b = static_cast<unsigned char>(c);
    out += '%';
    out += kHex[b >> 4];
    out += kHex[b & 0xF];
  }
  return out;
}

void check_decoded(std::string_view target, const app::http::DecodedTarget& t) {
  TBGW_FUZZ_CHECK(!t.path.empty() && t.path.front() == '/');
  for (const char c : t.path) {
    TBGW_FUZZ_CHECK(static_cast<unsigned char>(c) >= 0x20 && c != 0x7F && c != '\\');
  }
  TBGW_FUZZ_CHECK(app::http::valid_utf8(t.path));
  const std::string segmented = t.path + "/";
  TBGW_FUZZ_CHECK(segmented.find("/./") == std::string::npos);
  TBGW_FUZZ_CHECK(segmented.find("/../") == std::string::npos);
  const auto q = target.find('?');
  TBGW_FUZZ_CHECK(t.query == (q == std::string_view::npos ? "" : target.substr(q + 1)));

  const std::string encoded = "/" + percent_encoded(std::string_view(t.path).substr(1));
  const auto again = app::http::decode_target(encoded);
  TBGW_FUZZ_CHECK(again.ok());
  TBGW_FUZZ_CHECK(again->path == t.path && again->query.empty());
}

bool digits(std::string_view s) {
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

void check_time(std::string_view text) {
  const auto t = platform::parse_iso8601_utc(text);
  if (!t) return;
  std::string_view s = text;
  if (s.ends_with('Z') || s.ends_with('z')) s.remove_suffix(1);
  TBGW_FUZZ_CHECK(s.size() >= 10 && digits(s.substr(0, 4)) && s[4] == '-' &&
                  digits(s.substr(5, 2)) && s[7] == '-' && digits(s.substr(8, 2)));
  if (s.size() > 10) {
    TBGW_FUZZ_CHECK(s.size() >= 16 && digits(s.substr(11, 2)) && s[13] == ':' &&
                    digits(s.substr(14, 2)));
  }
  if (s.size() > 16) TBGW_FUZZ_CHECK(s.size() >= 19 && s[16] == ':' && digits(s.substr(17, 2)));
  if (s.size() > 19) TBGW_FUZZ_CHECK(s.size() == 23 && s[19] == '.' && digits(s.substr(20, 3)));
  TBGW_FUZZ_CHECK(platform::parse_iso8601_utc(platform::format_iso8601_utc(*t)) == t);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > kMaxTarget) return 0;
  const std::string_view target(reinterpret_cast<const char*>(data), size);
  if (const auto decoded = app::http::decode_target(target)) {
    check_decoded(target, *decoded);
  } else {
    TBGW_FUZZ_CHECK(*app::http::to_string(decoded.error()) != '\0');
  }

  // The same bytes as a query string, then as one parameter's value.
  for (const auto name : kParams) {
    if (const auto value = app::api::query_param(target, name)) check_time(*value);
  }
  const std::string query = "a=1&from=" + percent_encoded(target) + "&b";
  TBGW_FUZZ_CHECK(app::api::query_param(query, "from") == std::optional<std::string>(target));
  check_time(target);
  return 0;
}
