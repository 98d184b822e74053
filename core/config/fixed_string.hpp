// FixedString<N>: a string of at most N bytes stored inline, for configuration values in the
// portable core (no heap, trivially copyable, so a whole GatewayConfig can be copied into a bus
// message or compared with ==).
//
// The buffer always holds a terminating NUL after the last byte, so c_str() can be handed to C
// APIs (open(), socket names). assign() refuses a value that does not fit and leaves the string
// unchanged; the schema's validation reports that as "too long" before anything is assigned.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace tbgw::config {

template <std::size_t MaxLength>
class FixedString {
 public:
  static constexpr std::size_t kMaxLength = MaxLength;

  constexpr FixedString() = default;

  // Returns false (and changes nothing) when `s` is longer than kMaxLength.
  constexpr bool assign(std::string_view s) {
    if (s.size() > MaxLength) return false;
    data_ = {};
    for (std::size_t i = 0; i < s.size(); ++i) data_[i] = s[i];
    size_ = s.size();
    return true;
  }

  // Keeps the first kMaxLength bytes (for diagnostics that quote a caller's text).
  constexpr void assign_truncated(std::string_view s) {
    (void)assign(s.substr(0, s.size() < MaxLength ? s.size() : MaxLength));
  }

  constexpr std::string_view view() const { return {data_.data(), size_}; }
  constexpr const char* c_str() const { return data_.data(); }
  constexpr std::size_t size() const { return size_; }
  constexpr bool empty() const { return size_ == 0; }

  friend constexpr bool operator==(const FixedString& a, const FixedString& b) {
    return a.view() == b.view();
  }

 private:
  std::array<char, MaxLength + 1> data_{};  // bytes past size_ are always zero
  std::size_t size_ = 0;
};

}  // namespace tbgw::config
