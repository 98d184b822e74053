// ConfigError: why a configuration value was refused, with everything a message needs (the key,
// the allowed range or values, the offending number), and ConfigErrors, a fixed-capacity list
// of them: validation reports every problem at once, not only the first.
//
// Texts are produced at the edge (platform/linux/config_text.hpp); the core only keeps values.
// `def` points at the schema row (static storage) for the allowed names, unit and text rule.
// The key is copied because an unknown key comes from the caller's buffer; `other_key` and
// `relation` always point into the schema's static tables.
//
// Bounds: an error is ~160 bytes and a list keeps at most 16 (~2.5 KB, on the caller's stack;
// sized for a microcontroller task). Errors beyond that are counted, not kept.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "core/config/config_key.hpp"
#include "core/config/fixed_string.hpp"

namespace tbgw::config {

enum class ConfigErrorKind : std::uint8_t {
  unknown_key,    // no such key in the schema
  wrong_type,     // e.g. a string for an integer key (`given` says what came)
  out_of_range,   // number outside [min, max] (`value` is the number)
  not_allowed,    // not one of the allowed values or enum names
  too_long,       // string longer than `max` bytes (`value` is its length)
  bad_text,       // characters the key's TextRule forbids
  bad_format,     // a structured string (can.backend) that does not parse
  duplicate_key,  // the same key twice in one batch
  inconsistent,   // a cross-field rule: `key` relation `other_key` does not hold
};

constexpr std::string_view to_string(ConfigErrorKind k) {
  switch (k) {
    case ConfigErrorKind::unknown_key:
      return "unknown_key";
    case ConfigErrorKind::wrong_type:
      return "wrong_type";
    case ConfigErrorKind::out_of_range:
      return "out_of_range";
    case ConfigErrorKind::not_allowed:
      return "not_allowed";
    case ConfigErrorKind::too_long:
      return "too_long";
    case ConfigErrorKind::bad_text:
      return "bad_text";
    case ConfigErrorKind::bad_format:
      return "bad_format";
    case ConfigErrorKind::duplicate_key:
      return "duplicate_key";
    case ConfigErrorKind::inconsistent:
      return "inconsistent";
  }
  return "?";
}

using KeyText = FixedString<kMaxKeyLength>;

struct ConfigError {
  ConfigErrorKind kind = ConfigErrorKind::unknown_key;
  KeyText key;                     // the key as given (truncated if absurdly long)
  const ConfigKey* def = nullptr;  // its schema row; null for unknown_key
  double min = 0;                  // out_of_range: the allowed range
  double max = 0;                  // out_of_range: range; too_long: max length
  double value = 0;                // out_of_range/not_allowed: the number; too_long: the length
  ConfigType given = ConfigType::boolean;  // wrong_type: the type that came
  // inconsistent: the second key, its value, and the relation that must hold, e.g.
  // "poll.response_timeout_ms" (value) "must be less than" "poll.live_interval_ms" (other_value).
  std::string_view other_key;
  double other_value = 0;
  std::string_view relation;
};

// At most kCapacity errors are kept; more are counted in omitted() (a batch that breaks more
// than 16 settings at once is a wrong file, and the first 16 reasons say so).
class ConfigErrors {
 public:
  static constexpr std::size_t kCapacity = 16;

  bool ok() const { return size_ == 0 && omitted_ == 0; }
  std::size_t size() const { return size_; }
  std::size_t omitted() const { return omitted_; }
  std::span<const ConfigError> items() const { return {errors_.data(), size_}; }
  const ConfigError* begin() const { return errors_.data(); }
  const ConfigError* end() const { return errors_.data() + size_; }
  const ConfigError& operator[](std::size_t i) const { return errors_[i]; }

  void push(const ConfigError& e) {
    if (size_ < kCapacity) {
      errors_[size_++] = e;
    } else {
      ++omitted_;
    }
  }

 private:
  std::array<ConfigError, kCapacity> errors_{};
  std::size_t size_ = 0;
  std::size_t omitted_ = 0;
};

}  // namespace tbgw::config
