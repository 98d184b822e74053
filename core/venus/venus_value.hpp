// VenusValue: one value of the Venus OS D-Bus object model (com.victronenergy.BusItem), as the
// core hands it to the D-Bus adapter.
//
// Theory of operation: velib_python knows four kinds of values that consumers rely on: invalid
// (Python None, on the wire an empty int32 array), double (every measurement), int32 (enums,
// flags, counts, ids) and string. This is that union, flat and trivially copyable so a table
// of them is a fixed-size array. Equality is exact (a double that did not change bit for bit is
// not sent again); the mapper rounds measurements to their display resolution first, so noise
// below that resolution does not make a change.
//
// Bounds: strings are at most kMaxText bytes (longer ones are cut); no allocation.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

namespace tbgw::venus {

enum class ValueType : std::uint8_t { invalid = 0, real = 1, integer = 2, text = 3 };

struct VenusValue {
  // Room for "TinyBMS " + a /dev/serial/by-id/ path in /Mgmt/Connection (those run to ~90
  // characters: the adapter's vendor, model and serial number).
  static constexpr std::size_t kMaxText = 127;

  ValueType type = ValueType::invalid;
  double real = 0.0;
  std::int32_t integer = 0;
  std::uint8_t text_size = 0;
  std::array<char, kMaxText + 1> text_buf{};  // NUL-terminated

  static constexpr VenusValue none() { return {}; }
  static constexpr VenusValue of_real(double v) {
    VenusValue x;
    x.type = ValueType::real;
    x.real = v;
    return x;
  }
  static constexpr VenusValue of_int(std::int32_t v) {
    VenusValue x;
    x.type = ValueType::integer;
    x.integer = v;
    return x;
  }
  static constexpr VenusValue of_text(std::string_view s) {
    VenusValue x;
    x.type = ValueType::text;
    const std::size_t n = std::min(s.size(), kMaxText);
    for (std::size_t i = 0; i < n; ++i) x.text_buf[i] = s[i];
    x.text_size = static_cast<std::uint8_t>(n);
    return x;
  }

  bool valid() const { return type != ValueType::invalid; }
  std::string_view text() const { return {text_buf.data(), text_size}; }

  friend bool operator==(const VenusValue& a, const VenusValue& b) {
    if (a.type != b.type) return false;
    switch (a.type) {
      case ValueType::invalid:
        return true;
      case ValueType::real:
        return a.real == b.real;
      case ValueType::integer:
        return a.integer == b.integer;
      case ValueType::text:
        return a.text() == b.text();
    }
    return false;
  }
};

static_assert(std::is_trivially_copyable_v<VenusValue>);

}  // namespace tbgw::venus
