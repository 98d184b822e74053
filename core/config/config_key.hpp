// The vocabulary of the configuration schema: a typed value (ConfigValue), one row of the
// schema table (ConfigKey) and a key/value pair as it arrives from a file, a flag, the REST API
// or an MQTT command (ConfigSetting).
//
// Lifetimes: ConfigValue carries strings (and enumeration names) as std::string_view. A value
// read from a GatewayConfig (ConfigKey::get) points into that config; a value from the schema
// (default_value, enum names) points into static storage; a value given to apply_settings() must
// stay alive for the duration of the call only (apply copies into the config's fixed strings).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <variant>

#include "core/config/gateway_config.hpp"

namespace tbgw::config {

// The schema version written into the file. Bump it (and add a migration step) when a key is
// renamed, removed or changes its unit; adding a key needs no new version.
inline constexpr std::int64_t kSchemaVersion = 1;

// Upper bound on schema rows and on settings in one batch (fixed-capacity lists use it).
inline constexpr std::size_t kMaxConfigKeys = 128;
// Upper bound on a dotted key's length (keys are short; longer input is an unknown key).
inline constexpr std::size_t kMaxKeyLength = 63;

// bool / integer / real / string. Enumerations travel as their name (a string).
using ConfigValue = std::variant<bool, std::int64_t, double, std::string_view>;

enum class ConfigType : std::uint8_t { boolean, integer, real, enumeration, string };

// When a change takes effect.
enum class Apply : std::uint8_t {
  live,     // at once, through a ConfigChanged message
  restart,  // at the next start of the service (the file is saved at once)
};

// What a string value may contain (all rules also bound the length).
enum class TextRule : std::uint8_t {
  text,            // valid UTF-8 without control characters
  absolute_path,   // empty, or `text` starting with '/'
  pem_path,        // empty, or an absolute path to a .pem/.crt/.cer/.key file outside /proc,
                   // /sys and /dev, without "." or ".." segments (a certificate or key to read)
  ascii_name,      // printable ASCII (0x20-0x7E): goes into CAN frames byte for byte
  can_backend,     // log:- | log:PATH (not in a system tree) | socketcan:IFNAME | slcan:/dev/...
  listen_address,  // empty, or IPV4:PORT / [IPV6]:PORT / localhost:PORT, port 0-65535
  mqtt_url,        // empty, or mqtt://HOST[:PORT] / mqtts://HOST[:PORT]
  topic_level,     // empty, or one MQTT topic level: printable ASCII without / + # or spaces
  topic,           // empty, or MQTT topic levels joined by '/', no wildcards, no empty level
};

// One row of the schema table. Rows are built by the helpers in config_schema.cpp; get/set are
// generated from a pointer to the GatewayConfig member, so a row cannot reach the wrong field.
struct ConfigKey {
  std::string_view key;  // stable forever: files, REST, MQTT and the web form use it
  ConfigType type = ConfigType::boolean;
  std::string_view unit;                    // "" when the value has none
  double min = 0;                           // integer/real: inclusive range
  double max = 0;                           // integer/real: inclusive; string: max length
  std::span<const std::int64_t> allowed;    // integer: when not empty, the only valid values
  std::span<const std::string_view> names;  // enumeration: valid names (index = enum value)
  TextRule text_rule = TextRule::text;      // string
  ConfigValue default_value;
  Apply apply = Apply::live;
  bool secret = false;        // a credential: saved in the file, never logged, masked by the API
  bool zero_is_auto = false;  // integer: 0 means "from the BMS" (the charge profile), not a value
  std::string_view description;  // one line, for the docs and the web form
  ConfigValue (*get)(const GatewayConfig&) = nullptr;
  // Precondition: `value` passed check_value() for this row (it is then of the row's type).
  void (*set)(GatewayConfig&, const ConfigValue& value) = nullptr;
};

struct ConfigSetting {
  std::string_view key;
  ConfigValue value;
};

constexpr std::string_view to_string(ConfigType t) {
  switch (t) {
    case ConfigType::boolean:
      return "bool";
    case ConfigType::integer:
      return "int";
    case ConfigType::real:
      return "float";
    case ConfigType::enumeration:
      return "enum";
    case ConfigType::string:
      return "string";
  }
  return "?";
}

constexpr std::string_view to_string(Apply a) {
  return a == Apply::live ? "live" : "restart";
}

// The type a value carries (strings report `string`; an enumeration is a string on the wire).
constexpr ConfigType type_of(const ConfigValue& v) {
  switch (v.index()) {
    case 0:
      return ConfigType::boolean;
    case 1:
      return ConfigType::integer;
    case 2:
      return ConfigType::real;
    default:
      return ConfigType::string;
  }
}

}  // namespace tbgw::config
