// ISO 8601 UTC times for people and URLs: the history export's time column and the from / to
// parameters of the history API (`?from=2024-05-01T12:00Z`) and of `history export`.
//
// parse_iso8601_utc is strict: every field has exactly its digit count (no sign, no blank),
// ranges are checked, and a date that does not exist (2024-02-30) is refused, never
// normalised into another day. Pure functions (the C library's timegm/gmtime_r, no time zone).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tbgw::platform {

// Accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM", "YYYY-MM-DDTHH:MM:SS" with optional ".fff" and
// optional "Z" (always UTC; a space may replace the T). Returns unix milliseconds.
std::optional<std::int64_t> parse_iso8601_utc(std::string_view s);
// "2024-05-01T12:00:01.250Z".
std::string format_iso8601_utc(std::int64_t unix_ms);

}  // namespace tbgw::platform
