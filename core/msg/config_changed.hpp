// ConfigChanged: an accepted configuration change, published once per change (event channel).
//
// Keys are identified by their index in the config schema table (core/config), which keeps
// keys stable forever; a fixed bitset of kMaxKeys bits says which ones changed, so the message
// stays flat and needs no allocation whatever the number of changed keys. The schema must
// static_assert that its key count is <= kMaxKeys.
//
// Subscribers test the keys they care about (`if (c.changed(key::poll_interval_ms)) ...`) and
// read the new values from the config object itself: the message says *what* changed, not to
// what, so it never carries a stale copy of a value.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "core/util/time.hpp"

namespace tbgw::msg {

struct ConfigChanged {
  static constexpr std::size_t kMaxKeys = 256;
  static constexpr std::size_t kWordBits = 64;

  Millis stamp_ms = 0;
  std::array<std::uint64_t, kMaxKeys / kWordBits> changed_keys{};  // bit i = schema key i
  bool restart_needed = false;  // at least one changed key applies only after a restart

  // Marks key `index`; false (and nothing marked) when index >= kMaxKeys.
  constexpr bool mark(std::size_t index) {
    if (index >= kMaxKeys) return false;
    changed_keys[index / kWordBits] |= std::uint64_t{1} << (index % kWordBits);
    return true;
  }
  constexpr bool changed(std::size_t index) const {
    return index < kMaxKeys && ((changed_keys[index / kWordBits] >> (index % kWordBits)) & 1U) != 0;
  }
  constexpr std::size_t count() const {
    std::size_t n = 0;
    for (const auto w : changed_keys) n += static_cast<std::size_t>(std::popcount(w));
    return n;
  }
  constexpr bool any() const { return count() != 0; }
};

static_assert(std::is_trivially_copyable_v<ConfigChanged>);

// Validator: a change that changes nothing is not an event.
constexpr bool is_valid(const ConfigChanged& c) {
  return c.any();
}

}  // namespace tbgw::msg
