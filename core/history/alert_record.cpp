#include "core/history/alert_record.hpp"

#include <cstring>

namespace tbgw::history {

namespace {

// Copies at most size-1 bytes; with `utf8`, never ends inside a multi-byte character.
void copy_truncated(char* dst, std::size_t size, std::string_view src, bool utf8) {
  std::size_t n = src.size() < size - 1 ? src.size() : size - 1;
  if (utf8 && n < src.size()) {
    while (n > 0 && (static_cast<unsigned char>(src[n]) & 0xC0U) == 0x80U) --n;
  }
  std::memcpy(dst, src.data(), n);
  std::memset(dst + n, 0, size - n);
}

std::string_view view_of(const char* s, std::size_t size) {
  std::size_t n = 0;
  while (n < size && s[n] != '\0') ++n;
  return {s, n};
}

template <typename E, std::size_t N>
std::optional<E> parse(std::string_view s, const E (&all)[N]) {
  for (const E e : all) {
    if (s == to_string(e)) return e;
  }
  return std::nullopt;
}

}  // namespace

const char* to_string(AlertSource s) {
  switch (s) {
    case AlertSource::gateway:
      return "gateway";
    case AlertSource::bms:
      return "bms";
  }
  return "?";
}

const char* to_string(AlertSeverity s) {
  switch (s) {
    case AlertSeverity::info:
      return "info";
    case AlertSeverity::warning:
      return "warning";
    case AlertSeverity::alarm:
      return "alarm";
    case AlertSeverity::fault:
      return "fault";
  }
  return "?";
}

const char* to_string(AlertEdge e) {
  switch (e) {
    case AlertEdge::raised:
      return "raised";
    case AlertEdge::cleared:
      return "cleared";
    case AlertEdge::acknowledged:
      return "acknowledged";
    case AlertEdge::event:
      return "event";
  }
  return "?";
}

std::optional<AlertSource> parse_alert_source(std::string_view s) {
  static constexpr AlertSource kAll[] = {AlertSource::gateway, AlertSource::bms};
  return parse(s, kAll);
}

std::optional<AlertSeverity> parse_alert_severity(std::string_view s) {
  static constexpr AlertSeverity kAll[] = {AlertSeverity::info, AlertSeverity::warning,
                                           AlertSeverity::alarm, AlertSeverity::fault};
  return parse(s, kAll);
}

std::optional<AlertEdge> parse_alert_edge(std::string_view s) {
  static constexpr AlertEdge kAll[] = {AlertEdge::raised, AlertEdge::cleared,
                                       AlertEdge::acknowledged, AlertEdge::event};
  return parse(s, kAll);
}

void AlertRecord::set_key(std::string_view k) {
  copy_truncated(key, kKeySize, k, false);
}

void AlertRecord::set_message(std::string_view m) {
  copy_truncated(message, kMessageSize, m, true);
}

std::string_view AlertRecord::key_view() const {
  return view_of(key, kKeySize);
}

std::string_view AlertRecord::message_view() const {
  return view_of(message, kMessageSize);
}

}  // namespace tbgw::history
