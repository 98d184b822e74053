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

// 0-65535; 0 asks the kernel for a free port (tests; the bound port is logged).
bool is_port(std::string_view s) {
  if (s.empty() || s.size() > 5) return false;
  unsigned value = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  return value <= 65535;
}

// A host name or an IPv4 address: letters, digits, '-', '.'; or "[...]" with an IPv6 address.
bool is_host(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  if (s.front() == '[') {
    if (s.size() < 3 || s.back() != ']') return false;
    for (const char c : s.substr(1, s.size() - 2)) {
      const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!hex && c != ':' && c != '.') return false;
    }
    return true;
  }
  for (const char c : s) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// HOST:PORT, the port after the last ':' (an IPv6 host is bracketed).
bool is_host_port(std::string_view s, bool port_required) {
  const std::size_t bracket = s.rfind(']');
  const std::size_t colon = s.rfind(':');
  const bool has_port =
      colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket);
  if (!has_port) return !port_required && is_host(s);
  return is_host(s.substr(0, colon)) && is_port(s.substr(colon + 1));
}

bool is_topic_level(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (c <= 0x20 || c > 0x7E || c == '/' || c == '+' || c == '#') return false;
  }
  return true;
}

bool is_topic(std::string_view s) {
  if (s.empty()) return true;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = s.find('/', start);
    const std::string_view level =
        s.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (!is_topic_level(level)) return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

bool is_mqtt_url(std::string_view s) {
  if (s.empty()) return true;
  std::string_view rest;
  if (s.starts_with("mqtt://")) {
    rest = s.substr(7);
  } else if (s.starts_with("mqtts://")) {
    rest = s.substr(8);
  } else {
    return false;
  }
  return is_host_port(rest, false);
}

// True when `path` is `dir` or inside it.
bool is_under(std::string_view path, std::string_view dir) {
  return path == dir ||
         (path.starts_with(dir) && path.size() > dir.size() && path[dir.size()] == '/');
}

// No "." or ".." segment: the path names what it says (a rule about its directory holds).
bool has_no_dot_segments(std::string_view path) {
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::size_t end = slash == std::string_view::npos ? path.size() : slash;
    const std::string_view seg = path.substr(start, end - start);
    if (seg == "." || seg == "..") return false;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return true;
}

// The kernel's pseudo-files and devices: never a certificate, key or log.
bool is_in_kernel_tree(std::string_view path) {
  return is_under(path, "/proc") || is_under(path, "/sys") || is_under(path, "/dev");
}

// A certificate or key the gateway reads: `http.tls_cert=/etc/shadow` is a mistake (or worse)
// the configuration can refuse before anything reads it.
bool is_pem_path(std::string_view s) {
  if (s.empty()) return true;
  if (s.front() != '/' || !has_no_dot_segments(s) || is_in_kernel_tree(s)) return false;
  for (const std::string_view ext : {".pem", ".crt", ".cer", ".key"}) {
    if (s.size() > ext.size() + 1 && s.ends_with(ext) && s[s.size() - ext.size() - 1] != '/') {
      return true;
    }
  }
  return false;
}

// Where the CAN log may be written: not into the system's own trees (with a log: path set
// through the API, the gateway would otherwise append to any file its user can write).
bool is_log_path(std::string_view s) {
  if (s == "-" || s == "/dev/null") return true;
  if (!has_no_dot_segments(s) || is_in_kernel_tree(s)) return false;
  for (const std::string_view dir : {"/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64",
                                     "/boot", "/root", "/var/lib/dpkg"}) {
    if (is_under(s, dir)) return false;
  }
  return !s.ends_with('/');
}

}  // namespace

bool parse_can_backend(std::string_view s, CanBackendSpec& out) {
  const std::size_t colon = s.find(':');
  if (colon == std::string_view::npos) return false;
  const std::string_view kind = s.substr(0, colon);
  const std::string_view target = s.substr(colon + 1);
  const bool valid =
      (kind == "log" && !target.empty() && is_log_path(target)) ||
      (kind == "slcan" && target.starts_with("/dev/") && has_no_dot_segments(target)) ||
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
    case TextRule::pem_path:
      return is_pem_path(s) ? TextCheck::ok : TextCheck::bad_format;
    case TextRule::ascii_name:
      return is_printable_ascii(s) ? TextCheck::ok : TextCheck::bad_text;
    case TextRule::can_backend: {
      CanBackendSpec spec;
      return parse_can_backend(s, spec) ? TextCheck::ok : TextCheck::bad_format;
    }
    case TextRule::listen_address:
      return s.empty() || is_host_port(s, true) ? TextCheck::ok : TextCheck::bad_format;
    case TextRule::mqtt_url:
      return is_mqtt_url(s) ? TextCheck::ok : TextCheck::bad_format;
    case TextRule::topic_level:
      return s.empty() || is_topic_level(s) ? TextCheck::ok : TextCheck::bad_format;
    case TextRule::topic:
      return is_topic(s) ? TextCheck::ok : TextCheck::bad_format;
  }
  return TextCheck::bad_text;
}

std::string_view describe(TextRule rule) {
  switch (rule) {
    case TextRule::text:
      return "UTF-8 text without control characters";
    case TextRule::absolute_path:
      return "an absolute path, or empty";
    case TextRule::pem_path:
      return "an absolute path to a .pem, .crt, .cer or .key file (not under /proc, /sys or "
             "/dev, no . or .. segments), or empty";
    case TextRule::ascii_name:
      return "printable ASCII";
    case TextRule::can_backend:
      return "log:- | log:PATH (not in /etc, /usr, /proc, /sys, /dev... nor with . or .. "
             "segments) | socketcan:IFNAME | slcan:/dev/DEVICE";
    case TextRule::listen_address:
      return "ADDR:PORT (127.0.0.1:8080, 0.0.0.0:80, [::]:8080; port 0: any free port), or empty";
    case TextRule::mqtt_url:
      return "mqtt://HOST[:PORT] or mqtts://HOST[:PORT], or empty";
    case TextRule::topic_level:
      return "one MQTT topic level (printable ASCII without '/', '+', '#' or spaces), or empty";
    case TextRule::topic:
      return "MQTT topic levels joined by '/' without wildcards, or empty";
  }
  return "";
}

}  // namespace tbgw::config
