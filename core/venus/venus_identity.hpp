// How the D-Bus service names itself and claims its device instance (spec §1, §7 items 2, 3, 6).
//
// Theory of operation:
//   - unique id "tinybms_<serial>" from the BMS's 96-bit serial number (24 hex digits): stable
//     across restarts and USB re-enumeration, different for two BMSs even with identical settings
//     (the serialbattery clash of spec §6). It is the localsettings key
//     /Settings/Devices/<unique id>/ClassAndVrmInstance and the bus-name suffix, so a second
//     gateway on the same BMS meets the first one's name and fails clearly (do-not-queue).
//   - the instance comes back from AddSettings as "battery:<n>"; parse_class_and_instance() reads
//     it (localsettings bumps a taken preferred number to the next free one).
//   - product ids DVCC applies quirks to, and 0xBA77 (reserved for dbus-serialbattery), are not
//     ours to use: product_id_allowed() says so.
// Bounds: fixed buffers, no allocation.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tbgw::venus {

struct Name {
  static constexpr std::size_t kMax = 95;
  std::array<char, kMax + 1> buf{};
  std::size_t size = 0;
  std::string_view view() const { return {buf.data(), size}; }
  void append(std::string_view s);
};

inline constexpr std::string_view kServicePrefix = "com.victronenergy.battery.";
inline constexpr std::int32_t kDefaultProductId = 0xFFFF;

// "tinybms_<serial>" with only [A-Za-z0-9_]; "tinybms_unknown" when the serial is empty.
Name unique_id(std::string_view serial_hex);
// kServicePrefix + unique id.
Name service_name(std::string_view unique);
// "/Settings/Devices/<unique>/ClassAndVrmInstance".
Name instance_setting_path(std::string_view unique);
// "battery:<preferred>".
Name instance_default(std::int32_t preferred);
// "battery:512" -> 512; nullopt for another class or a malformed value.
std::optional<std::int32_t> parse_class_and_instance(std::string_view s);
bool product_id_allowed(std::int32_t id);

}  // namespace tbgw::venus
