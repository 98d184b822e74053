// ReasonWriter: builds the short, human reason text of a ChargeDecision ("CCL limited by cell 7
// at 3.520 V") into its fixed NUL-terminated buffer.
//
// The core may not use <cstdio> (check_core_includes.cmake), so numbers are formatted here:
// fixed decimals with round-to-nearest, never "-0.0", "?" for a non-finite value. Text that
// does not fit is cut at the buffer's end (the last byte always stays NUL). Durations read the
// way an owner says them: "45 s", "12 min", "3 h 05 min".
//
// Bounds: no allocation; writes only inside the buffer it was given.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "core/msg/charge_decision.hpp"
#include "core/util/time.hpp"

namespace tbgw::control {

class ReasonWriter {
 public:
  using Reason = msg::ChargeDecision::Reason;

  // Any fixed NUL-terminated buffer: a decision's reason, or a longer text (the charge profile).
  template <std::size_t N>
  explicit ReasonWriter(std::array<char, N>& out) : out_(out) {
    static_assert(N > 0);
    out_[0] = '\0';
  }

  ReasonWriter& text(std::string_view s);
  ReasonWriter& number(float value, int decimals);
  ReasonWriter& integer(std::int64_t value);
  ReasonWriter& volts(float v, int decimals = 1) { return number(v, decimals).text(" V"); }
  ReasonWriter& cell_volts(float mv) { return number(mv / 1000.0F, 3).text(" V"); }
  ReasonWriter& amps(float a) { return number(a, 1).text(" A"); }
  ReasonWriter& celsius(float c) {
    return number(c, 1).text(
        " \xC2\xB0"
        "C");
  }
  ReasonWriter& percent(float pct, int decimals = 0) { return number(pct, decimals).text(" %"); }
  ReasonWriter& duration(Millis ms);

 private:
  void put(char c);

  std::span<char> out_;
  std::size_t size_ = 0;
};

// The text of a reason buffer (up to its NUL).
std::string_view reason_text(std::span<const char> r);

}  // namespace tbgw::control
