// String rules for settings (config_text_rules.hpp).
#include "core/config/config_text_rules.hpp"

#include <cstddef>

namespace tbgw::config {
namespace {

// Valid UTF-8 (no overlong forms, no surrogates, at most U+10FFFF) without C0 controls or DEL.
bool is_clean_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7F) return false;
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1Fu;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0Fu;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07u;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    constexpr std::uint32_t kMinForLength[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

bool is_printable_ascii(std::string_view s) {
  for (const char c : s) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

// Linux interface names: 1-15 bytes, no '/', ':' or whitespace.
bool is_interface_name(std::string_view s) {
  if (s.empty() || s.size() > 15) return false;
  for (const char c : s) {
    if (c == '/' || c == ':' || c == ' ') return false;
  }
  return true;
}

}  // namespace

bool parse_can_backend(std::string_view s, CanBackendSpec& out) {
  const std::size_t colon = s.find(':');
  if (colon == std::string_view::npos) return false;
  const std::string_view kind = s.substr(0, colon);
  const std::string_view target = s.substr(colon + 1);
  const bool valid = (kind == "log" && !target.empty()) || (kind == "slcan" && !target.empty()) ||
                     (kind == "socketcan" && is_interface_name(target));
  if (valid) out = CanBackendSpec{kind, target};
  return valid;
}

TextCheck check_text(TextRule rule, std::string_view s) {
  if (!is_clean_utf8(s)) return TextCheck::bad_text;
  switch (rule) {
    case TextRule::text:
      return TextCheck::ok;
    case TextRule::absolute_path:
      return s.empty() || s.front() == '/' ? TextCheck::ok : TextCheck::bad_format;
    case TextRule::ascii_name:
      return is_printable_ascii(s) ? TextCheck::ok : TextCheck::bad_text;
    case TextRule::can_backend: {
      CanBackendSpec spec;
      return parse_can_backend(s, spec) ? TextCheck::ok : TextCheck::bad_format;
    }
  }
  return TextCheck::bad_text;
}

std::string_view describe(TextRule rule) {
  switch (rule) {
    case TextRule::text:
      return "UTF-8 text without control characters";
    case TextRule::absolute_path:
      return "an absolute path, or empty";
    case TextRule::ascii_name:
      return "printable ASCII";
    case TextRule::can_backend:
      return "log:- | log:PATH | socketcan:IFNAME | slcan:PATH";
  }
  return "";
}

}  // namespace tbgw::config
