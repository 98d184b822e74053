// Naming and instance helpers of the D-Bus service (venus_identity.hpp).
#include "core/venus/venus_identity.hpp"

#include <algorithm>

namespace tbgw::venus {

void Name::append(std::string_view s) {
  const std::size_t n = std::min(s.size(), kMax - size);
  for (std::size_t i = 0; i < n; ++i) buf[size++] = s[i];
  buf[size] = '\0';
}

namespace {

bool name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

void append_int(Name& n, std::int32_t v) {
  char digits[12];
  std::size_t len = 0;
  const bool negative = v < 0;
  std::int64_t x = negative ? -static_cast<std::int64_t>(v) : v;
  do {
    digits[len++] = static_cast<char>('0' + x % 10);
    x /= 10;
  } while (x > 0);
  if (negative) n.append("-");
  while (len > 0) n.append({&digits[--len], 1});
}

}  // namespace

Name unique_id(std::string_view serial_hex) {
  Name n;
  n.append("tinybms_");
  bool any = false;
  for (const char c : serial_hex) {
    if (c == '\0') break;
    if (name_char(c)) {
      n.append({&c, 1});
      any = true;
    }
  }
  if (!any) n.append("unknown");
  return n;
}

Name service_name(std::string_view unique) {
  Name n;
  n.append(kServicePrefix);
  n.append(unique);
  return n;
}

Name instance_setting_path(std::string_view unique) {
  Name n;
  n.append("/Settings/Devices/");
  n.append(unique);
  n.append("/ClassAndVrmInstance");
  return n;
}

Name instance_default(std::int32_t preferred) {
  Name n;
  n.append("battery:");
  append_int(n, preferred);
  return n;
}

std::optional<std::int32_t> parse_class_and_instance(std::string_view s) {
  constexpr std::string_view kClass = "battery:";
  if (s.substr(0, kClass.size()) != kClass || s.size() == kClass.size() ||
      s.size() > kClass.size() + 9) {
    return std::nullopt;
  }
  std::int32_t v = 0;
  for (const char c : s.substr(kClass.size())) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

bool product_id_allowed(std::int32_t id) {
  // DVCC's BEHAVIOURS table (spec §1) and dbus-serialbattery's reserved id.
  constexpr std::int32_t kTaken[] = {0xB004, 0xB009, 0xB029, 0xB00A, 0xB015, 0xB019, 0xBA77};
  if (id < 0 || id > 0xFFFF) return false;
  if (id >= 0xA3E3 && id <= 0xA3E7) return false;
  return std::none_of(std::begin(kTaken), std::end(kTaken),
                      [id](std::int32_t t) { return t == id; });
}

}  // namespace tbgw::venus
