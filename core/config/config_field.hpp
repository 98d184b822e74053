// Row builders for the schema table (config_schema.cpp): each takes a pointer to the
// GatewayConfig member and generates the row's get/set functions from it, so the type in the
// table and the type of the field cannot disagree (a mismatch fails to compile).
//
// set_field() trusts its input: it is only called with a value that check_value() accepted
// for the same row (of the row's type, in range). A value of another type is ignored.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

#include "core/config/config_key.hpp"
#include "core/config/fixed_string.hpp"
#include "core/config/gateway_config.hpp"

namespace tbgw::config::detail {

template <class T>
struct FixedStringTraits : std::false_type {};
template <std::size_t N>
struct FixedStringTraits<FixedString<N>> : std::true_type {
  static constexpr std::size_t kMaxLength = N;
};

template <auto Member>
using MemberType = std::remove_cvref_t<decltype(std::declval<GatewayConfig&>().*Member)>;

template <class T>
inline constexpr bool kIsInteger = std::is_integral_v<T> && !std::is_same_v<T, bool>;

template <auto Member>
ConfigValue get_field(const GatewayConfig& c) {
  using T = MemberType<Member>;
  const T& v = c.*Member;
  if constexpr (std::is_same_v<T, bool>) {
    return ConfigValue{v};
  } else if constexpr (std::is_enum_v<T>) {
    return ConfigValue{enum_names(T{})[static_cast<std::size_t>(v)]};
  } else if constexpr (kIsInteger<T>) {
    return ConfigValue{static_cast<std::int64_t>(v)};
  } else if constexpr (std::is_floating_point_v<T>) {
    return ConfigValue{static_cast<double>(v)};
  } else {
    return ConfigValue{v.view()};
  }
}

template <auto Member>
void set_field(GatewayConfig& c, const ConfigValue& value) {
  using T = MemberType<Member>;
  T& field = c.*Member;
  if constexpr (std::is_same_v<T, bool>) {
    if (const auto* b = std::get_if<bool>(&value)) field = *b;
  } else if constexpr (std::is_enum_v<T>) {
    const auto* name = std::get_if<std::string_view>(&value);
    const auto names = enum_names(T{});
    for (std::size_t i = 0; name != nullptr && i < names.size(); ++i) {
      if (names[i] == *name) field = static_cast<T>(i);
    }
  } else if constexpr (kIsInteger<T>) {
    if (const auto* i = std::get_if<std::int64_t>(&value)) field = static_cast<T>(*i);
  } else if constexpr (std::is_floating_point_v<T>) {
    if (const auto* d = std::get_if<double>(&value)) field = static_cast<T>(*d);
  } else {
    if (const auto* s = std::get_if<std::string_view>(&value)) (void)field.assign(*s);
  }
}

template <auto Member>
constexpr ConfigKey row(std::string_view key, ConfigType type, ConfigValue def, Apply apply,
                        std::string_view description) {
  ConfigKey k;
  k.key = key;
  k.type = type;
  k.default_value = def;
  k.apply = apply;
  k.description = description;
  k.get = &get_field<Member>;
  k.set = &set_field<Member>;
  return k;
}

template <auto Member>
constexpr ConfigKey boolean(std::string_view key, bool def, Apply apply, std::string_view desc) {
  static_assert(std::is_same_v<MemberType<Member>, bool>);
  return row<Member>(key, ConfigType::boolean, ConfigValue{def}, apply, desc);
}

template <auto Member>
constexpr ConfigKey integer(std::string_view key, std::string_view unit, std::int64_t min,
                            std::int64_t max, std::int64_t def, Apply apply,
                            std::string_view desc) {
  static_assert(kIsInteger<MemberType<Member>>);
  ConfigKey k = row<Member>(key, ConfigType::integer, ConfigValue{def}, apply, desc);
  k.unit = unit;
  k.min = static_cast<double>(min);
  k.max = static_cast<double>(max);
  return k;
}

// An integer per-cell voltage whose 0 means "from the BMS" (core/control/charge_profile.hpp):
// 0 passes the range check and takes part in no cross rule.
constexpr ConfigKey from_bms(ConfigKey k) {
  k.zero_is_auto = true;
  return k;
}

// An integer that may take only the listed values (e.g. standard baud rates).
template <auto Member>
constexpr ConfigKey integer_of(std::string_view key, std::string_view unit,
                               std::span<const std::int64_t> allowed, std::int64_t def, Apply apply,
                               std::string_view desc) {
  ConfigKey k = integer<Member>(key, unit, allowed.front(), allowed.back(), def, apply, desc);
  k.allowed = allowed;
  return k;
}

template <auto Member>
constexpr ConfigKey real(std::string_view key, std::string_view unit, double min, double max,
                         double def, Apply apply, std::string_view desc) {
  static_assert(std::is_floating_point_v<MemberType<Member>>);
  ConfigKey k = row<Member>(key, ConfigType::real, ConfigValue{def}, apply, desc);
  k.unit = unit;
  k.min = min;
  k.max = max;
  return k;
}

template <auto Member>
constexpr ConfigKey enumeration(std::string_view key, MemberType<Member> def, Apply apply,
                                std::string_view desc) {
  using T = MemberType<Member>;
  static_assert(std::is_enum_v<T>);
  const auto names = enum_names(T{});
  ConfigKey k = row<Member>(key, ConfigType::enumeration,
                            ConfigValue{names[static_cast<std::size_t>(def)]}, apply, desc);
  k.names = names;
  return k;
}

template <auto Member>
constexpr ConfigKey text(std::string_view key, TextRule rule, std::string_view def, Apply apply,
                         std::string_view desc) {
  using Traits = FixedStringTraits<MemberType<Member>>;
  static_assert(Traits::value, "string keys are stored as FixedString<N>");
  ConfigKey k = row<Member>(key, ConfigType::string, ConfigValue{def}, apply, desc);
  k.max = static_cast<double>(Traits::kMaxLength);
  k.text_rule = rule;
  return k;
}

// A credential (a password): free text, flagged so that every face masks it.
template <auto Member>
constexpr ConfigKey secret_text(std::string_view key, std::string_view def, Apply apply,
                                std::string_view desc) {
  ConfigKey k = text<Member>(key, TextRule::text, def, apply, desc);
  k.secret = true;
  return k;
}

}  // namespace tbgw::config::detail
