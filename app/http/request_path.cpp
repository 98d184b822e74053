#include "app/http/request_path.hpp"

#include <cstdint>

namespace tbgw::app::http {

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // truncated sequence
    for (std::size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values above U+10FFFF are not UTF-8.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

const char* to_string(TargetError e) {
  switch (e) {
    case TargetError::not_a_path:
      return "the request target must be a path starting with /";
    case TargetError::bad_escape:
      return "bad percent-escape in the path";
    case TargetError::control_character:
      return "control character (or NUL) in the path";
    case TargetError::backslash:
      return "backslash in the path";
    case TargetError::not_utf8:
      return "the path is not valid UTF-8";
    case TargetError::dot_segment:
      return "'.' or '..' segment in the path";
  }
  return "bad request target";
}

Result<DecodedTarget, TargetError> decode_target(std::string_view target) {
  DecodedTarget out;
  if (target.empty() || target.front() != '/') return Err(TargetError::not_a_path);
  const auto q = target.find('?');
  const std::string_view raw = target.substr(0, q);
  if (q != std::string_view::npos) out.query = std::string(target.substr(q + 1));
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '%') {
      if (i + 2 >= raw.size()) {
        return Err(TargetError::bad_escape);
      }
      const int h = hex(raw[i + 1]);
      const int l = hex(raw[i + 2]);
      if (h < 0 || l < 0) {
        return Err(TargetError::bad_escape);
      }
      c = static_cast<char>(h * 16 + l);
      i += 2;
    }
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      return Err(TargetError::control_character);
    }
    if (c == '\\') {
      return Err(TargetError::backslash);
    }
    out.path.push_back(c);
  }
  if (!valid_utf8(out.path)) {
    return Err(TargetError::not_utf8);
  }
  // Segment check on the decoded path: "%2e%2e" is caught as well as "..".
  std::size_t start = 1;
  while (start <= out.path.size()) {
    std::size_t end = out.path.find('/', start);
    if (end == std::string::npos) end = out.path.size();
    const std::string_view seg = std::string_view(out.path).substr(start, end - start);
    if (seg == ".." || seg == ".") {
      return Err(TargetError::dot_segment);
    }
    start = end + 1;
  }
  return out;
}

}  // namespace tbgw::app::http
