// Texts for configuration values and errors (config_text.hpp).
#include "platform/linux/config_text.hpp"

#include <charconv>
#include <cstdint>
#include <variant>

#include "core/config/config_text_rules.hpp"

namespace tbgw::platform {
namespace {

using config::ConfigErrorKind;
using config::ConfigType;

// Shortest text that reads back as the same double.
std::string format_double(double d) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, r.ptr);
}

// Bounds of integer keys are stored as doubles; print them without a decimal point.
std::string format_bound(const config::ConfigKey& key, double d) {
  if (key.type == ConfigType::integer) return std::to_string(static_cast<std::int64_t>(d));
  return format_double(d);
}

std::string with_unit(const config::ConfigKey& key, std::string text) {
  if (!key.unit.empty()) {
    text += ' ';
    text.append(key.unit);
  }
  return text;
}

template <class List>
std::string join(const List& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    if constexpr (std::is_arithmetic_v<std::decay_t<decltype(item)>>) {
      out += std::to_string(item);
    } else {
      out += std::string(item);
    }
  }
  return out;
}

std::string key_of(const config::ConfigError& e) {
  return std::string(e.key.view());
}

}  // namespace

std::string format_value(const config::ConfigValue& value) {
  if (const auto* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  if (const auto* i = std::get_if<std::int64_t>(&value)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&value)) return format_double(*d);
  if (const auto* s = std::get_if<std::string_view>(&value)) {
    std::string quoted;  // built by appends: GCC 12 -Wrestrict misfires on "\"" + s + "\""
    quoted.reserve(s->size() + 2);
    quoted += '"';
    quoted.append(*s);
    quoted += '"';
    return quoted;
  }
  return "?";
}

std::string allowed_values(const config::ConfigKey& key) {
  switch (key.type) {
    case ConfigType::boolean:
      return "true, false";
    case ConfigType::integer:
      if (!key.allowed.empty()) return with_unit(key, join(key.allowed));
      [[fallthrough]];
    case ConfigType::real: {
      std::string range =
          with_unit(key, format_bound(key, key.min) + ".." + format_bound(key, key.max));
      return key.zero_is_auto ? "0 (from the BMS) or " + range : range;
    }
    case ConfigType::enumeration:
      return join(key.names);
    case ConfigType::string:
      return "at most " + format_bound(key, key.max) + " characters, " +
             std::string(config::describe(key.text_rule));
  }
  return "";
}

std::string describe(const config::ConfigError& e) {
  const std::string key = key_of(e);
  const std::string allowed = e.def != nullptr ? " (allowed " + allowed_values(*e.def) + ")" : "";
  switch (e.kind) {
    case ConfigErrorKind::unknown_key:
      return "unknown key \"" + key + "\"";
    case ConfigErrorKind::wrong_type:
      return key + ": expected " +
             std::string(e.def != nullptr ? to_string(e.def->type) : "another type") + ", got " +
             std::string(to_string(e.given));
    case ConfigErrorKind::out_of_range:
      return key + ": " + format_double(e.value) + " is out of range" + allowed;
    case ConfigErrorKind::not_allowed:
      if (e.def != nullptr && e.def->type == ConfigType::integer) {
        return key + ": " + format_double(e.value) + " is not allowed" + allowed;
      }
      return key + ": not an allowed value" + allowed;
    case ConfigErrorKind::too_long:
      return key + ": " + format_double(e.value) + " characters, at most " + format_double(e.max) +
             " allowed";
    case ConfigErrorKind::bad_text:
    case ConfigErrorKind::bad_format:
      return key + ": " +
             (e.kind == ConfigErrorKind::bad_text ? "invalid characters" : "invalid format") +
             allowed;
    case ConfigErrorKind::duplicate_key:
      return key + ": given more than once";
    case ConfigErrorKind::inconsistent:
      return key + " (" + format_double(e.value) + ") " + std::string(e.relation) + " " +
             std::string(e.other_key) + " (" + format_double(e.other_value) + ")";
  }
  return key + ": invalid";
}

std::vector<std::string> describe(const config::ConfigErrors& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(describe(e));
  if (errors.omitted() > 0) out.push_back(std::to_string(errors.omitted()) + " more errors");
  return out;
}

std::string describe_change(const config::ConfigKey& key, const config::GatewayConfig& before,
                            const config::GatewayConfig& after) {
  if (key.secret)
    return std::string(key.key) + " changed (secret) (" + std::string(to_string(key.apply)) + ")";
  return std::string(key.key) + " " + format_value(key.get(before)) + " -> " +
         format_value(key.get(after)) + " (" + std::string(to_string(key.apply)) + ")";
}

}  // namespace tbgw::platform
