// VenusTable: the current value of every path and which ones changed since the last flush.
//
// Theory of operation: the mapper writes every path each cycle; set() marks a path only when its
// value differs from the one held, so the adapter's one ItemsChanged per cycle carries changed
// values only (velib sends a signal only on change; the Python drivers' "republish everything"
// costs a Cerbo ~10 % CPU, spec §3/§5). The adapter reads values for GetValue/GetItems at any
// time and calls take_changed() once per cycle.
//
// Bounds: kPathCount values and flags, fixed arrays; no allocation.
#pragma once

#include <array>
#include <cstddef>

#include "core/venus/venus_paths.hpp"
#include "core/venus/venus_value.hpp"

namespace tbgw::venus {

class VenusTable {
 public:
  // Returns true when the value changed.
  bool set(Path p, const VenusValue& v) {
    VenusValue& slot = values_[index(p)];
    if (slot == v) return false;
    slot = v;
    changed_[index(p)] = true;
    return true;
  }
  const VenusValue& get(Path p) const { return values_[index(p)]; }

  std::size_t changed_count() const {
    std::size_t n = 0;
    for (const bool c : changed_) n += c ? 1 : 0;
    return n;
  }
  bool changed(Path p) const { return changed_[index(p)]; }

  // Calls f(Path, const VenusValue&) for each changed path in table order, then clears the marks.
  template <class F>
  void take_changed(F&& f) {
    for (std::size_t i = 0; i < kPathCount; ++i) {
      if (!changed_[i]) continue;
      changed_[i] = false;
      f(static_cast<Path>(i), values_[i]);
    }
  }

 private:
  std::array<VenusValue, kPathCount> values_{};
  std::array<bool, kPathCount> changed_{};
};

}  // namespace tbgw::venus
