// JSON encoding and decoding of the configuration (config_json.hpp).
#include "platform/linux/config_json.hpp"

#include <limits>
#include <nlohmann/json.hpp>

#include "core/config/config_migration.hpp"
#include "core/config/config_schema.hpp"
#include "core/config/config_validate.hpp"
#include "platform/linux/config_text.hpp"

namespace tbgw::platform {
namespace {

using nlohmann::json;

// nlohmann's messages start with "[json.exception.parse_error.101] "; the rest is the useful
// part ("parse error at line 3, column 1: syntax error ...").
std::string without_exception_id(const char* what) {
  std::string s = what;
  if (!s.empty() && s.front() == '[') {
    const auto end = s.find("] ");
    if (end != std::string::npos) s.erase(0, end + 2);
  }
  return s;
}

// Converts one JSON value; false for null, arrays and objects (no setting has such a type).
bool to_config_value(const json& j, config::ConfigValue& out) {
  switch (j.type()) {
    case json::value_t::boolean:
      out = j.get<bool>();
      return true;
    case json::value_t::number_integer:
      out = j.get<std::int64_t>();
      return true;
    case json::value_t::number_unsigned: {
      const auto u = j.get<std::uint64_t>();
      constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
      out = static_cast<std::int64_t>(u > kMax ? kMax : u);  // still out of range for every key
      return true;
    }
    case json::value_t::number_float:
      out = j.get<double>();
      return true;
    case json::value_t::string:
      out = std::string_view(j.get_ref<const std::string&>());
      return true;
    default:
      return false;
  }
}

// Adds every problem of `doc` to `err`; fills `out` only when there is none.
void parse_document(const json& doc, ParsedConfig& out, ConfigFileError& err) {
  auto problem = [&err](ConfigFileErrc what, const std::string& sentence) {
    if (err.problems.empty()) err.what = what;
    err.problems.add(sentence);
  };
  if (!doc.is_object()) {
    problem(ConfigFileErrc::bad_structure, "the file must hold a JSON object");
    return;
  }
  for (const auto& [name, value] : doc.items()) {
    if (name != "schema_version" && name != "settings") {
      problem(ConfigFileErrc::bad_structure, "unknown top-level key \"" + name + "\"");
    }
  }
  const auto version = doc.find("schema_version");
  if (version == doc.end() || !version->is_number_integer()) {
    problem(ConfigFileErrc::bad_structure, "schema_version: missing or not an integer");
    return;
  }
  const std::int64_t schema_version = version->get<std::int64_t>();
  const auto settings = doc.find("settings");
  if (settings == doc.end() || !settings->is_object()) {
    problem(ConfigFileErrc::bad_structure, "settings: missing or not an object");
    return;
  }
  config::ConfigSettings list;
  for (auto it = settings->begin(); it != settings->end(); ++it) {
    const std::string& key = it.key();  // a reference into `doc`, which outlives `list`
    const json& value = it.value();
    config::ConfigValue v;
    if (!to_config_value(value, v)) {
      const config::ConfigKey* def = config::find_key(key);
      problem(ConfigFileErrc::bad_settings, def != nullptr ? key + ": expected " +
                                                                 std::string(to_string(def->type)) +
                                                                 ", got " + value.type_name()
                                                           : "unknown key \"" + key + "\"");
      continue;
    }
    if (!list.push(std::string_view(key), v)) {
      problem(ConfigFileErrc::bad_structure,
              "settings: more than " + std::to_string(list.kCapacity) + " entries");
      return;
    }
  }
  if (auto migrated = config::migrate(list, schema_version); !migrated) {
    problem(ConfigFileErrc::unsupported_version, "schema_version " +
                                                     std::to_string(schema_version) + ": " +
                                                     std::string(to_string(migrated.error())));
    return;
  }
  config::GatewayConfig candidate;
  const config::ConfigErrors errors = config::apply_settings(candidate, list.items());
  for (const auto& e : describe(errors)) problem(ConfigFileErrc::bad_settings, e);
  if (err.problems.empty()) {
    out.config = candidate;
    out.schema_version = schema_version;
  }
}

}  // namespace

const char* to_string(ConfigFileErrc e) {
  switch (e) {
    case ConfigFileErrc::empty:
      return "empty file";
    case ConfigFileErrc::not_json:
      return "not JSON";
    case ConfigFileErrc::bad_structure:
      return "not a configuration file";
    case ConfigFileErrc::bad_settings:
      return "unusable settings";
    case ConfigFileErrc::unsupported_version:
      return "unsupported schema version";
  }
  return "unusable configuration file";
}

std::string to_string(const ConfigFileError& e) {
  return e.problems.empty() ? to_string(e.what) : e.problems.joined();
}

Result<ParsedConfig, ConfigFileError> config_from_json(std::string_view text) {
  ConfigFileError err;
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    err.what = ConfigFileErrc::empty;
    err.problems.add("empty file");
    return Err(err);
  }
  ParsedConfig out;
  try {
    const json doc = json::parse(text.begin(), text.end());
    parse_document(doc, out, err);
  } catch (const std::exception& e) {  // parse_error, or a type_error we did not foresee
    if (err.problems.empty()) err.what = ConfigFileErrc::not_json;
    err.problems.add(without_exception_id(e.what()));
  }
  if (!err.problems.empty()) return Err(err);
  return out;
}

std::string config_to_json(const config::GatewayConfig& config) {
  try {
    const config::GatewayConfig defaults = config::defaults();
    nlohmann::ordered_json settings = nlohmann::ordered_json::object();
    for (const config::ConfigKey& k : config::schema()) {
      const config::ConfigValue v = k.get(config);
      if (v == k.get(defaults)) continue;
      if (const auto* b = std::get_if<bool>(&v)) {
        settings[std::string(k.key)] = *b;
      } else if (const auto* i = std::get_if<std::int64_t>(&v)) {
        settings[std::string(k.key)] = *i;
      } else if (const auto* d = std::get_if<double>(&v)) {
        settings[std::string(k.key)] = *d;
      } else if (const auto* s = std::get_if<std::string_view>(&v)) {
        settings[std::string(k.key)] = std::string(*s);
      }
    }
    nlohmann::ordered_json doc;
    doc["schema_version"] = config::kSchemaVersion;
    doc["settings"] = std::move(settings);
    return doc.dump(2) + "\n";
  } catch (const std::exception&) {  // type_error 316: invalid UTF-8 in a string
    return {};
  }
}

}  // namespace tbgw::platform
