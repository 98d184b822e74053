#include "platform/linux/iso8601_time.hpp"

#include <cstdio>
#include <ctime>

namespace tbgw::platform {

namespace {

// The number written by exactly s[at, at + n), all digits; nullopt for anything else. (sscanf's
// %2d, used before, also took a sign or a leading blank: "12:-1" and "12: 0" were minutes.)
std::optional<int> digits_at(std::string_view s, std::size_t at, std::size_t n) {
  if (at + n > s.size()) return std::nullopt;
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

}  // namespace

std::optional<std::int64_t> parse_iso8601_utc(std::string_view s) {
  if (!s.empty() && (s.back() == 'Z' || s.back() == 'z')) s.remove_suffix(1);
  // YYYY-MM-DD, then optionally [T t or blank]HH:MM, then :SS, then .fff: 10, 16, 19, 23 chars.
  const std::size_t n = s.size();
  if (n != 10 && n != 16 && n != 19 && n != 23) return std::nullopt;
  const auto y = digits_at(s, 0, 4);
  const auto mo = digits_at(s, 5, 2);
  const auto d = digits_at(s, 8, 2);
  if (!y || !mo || !d || s[4] != '-' || s[7] != '-') return std::nullopt;
  int h = 0, mi = 0, sec = 0, ms = 0;
  if (n >= 16) {
    if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return std::nullopt;
    const auto hh = digits_at(s, 11, 2);
    const auto mm = digits_at(s, 14, 2);
    if (!hh || !mm || s[13] != ':') return std::nullopt;
    h = *hh;
    mi = *mm;
  }
  if (n >= 19) {
    const auto ss = digits_at(s, 17, 2);
    if (!ss || s[16] != ':') return std::nullopt;
    sec = *ss;
  }
  if (n == 23) {
    const auto fff = digits_at(s, 20, 3);
    if (!fff || s[19] != '.') return std::nullopt;
    ms = *fff;
  }
  if (*mo < 1 || *mo > 12 || *d < 1 || *d > 31 || h > 23 || mi > 59 || sec > 60) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = *y - 1900;
  tm.tm_mon = *mo - 1;
  tm.tm_mday = *d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  const std::time_t t = timegm(&tm);
  if (tm.tm_mday != *d) return std::nullopt;  // 2024-02-30 normalised away: reject
  return static_cast<std::int64_t>(t) * 1000 + ms;
}

std::string format_iso8601_utc(std::int64_t unix_ms) {
  std::int64_t s = unix_ms / 1000, ms = unix_ms % 1000;
  if (ms < 0) ms += 1000, --s;
  const std::time_t t = static_cast<std::time_t>(s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

}  // namespace tbgw::platform
