// Per-value checks, cross-field rules and the transactional apply_settings() (config_validate.hpp).
#include "core/config/config_validate.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <variant>

#include "core/config/config_schema.hpp"
#include "core/config/config_text_rules.hpp"

namespace tbgw::config {
namespace {

ConfigError error_for(const ConfigKey& def, ConfigErrorKind kind) {
  ConfigError e;
  e.kind = kind;
  e.key.assign_truncated(def.key);
  e.def = &def;
  e.min = def.min;
  e.max = def.max;
  return e;
}

ConfigError wrong_type(const ConfigKey& def, const ConfigValue& value) {
  ConfigError e = error_for(def, ConfigErrorKind::wrong_type);
  e.given = type_of(value);
  return e;
}

Result<ConfigValue, ConfigError> check_number(const ConfigKey& def, double number,
                                              ConfigValue normalised) {
  if (!std::isfinite(number) || number < def.min || number > def.max) {
    ConfigError e = error_for(def, ConfigErrorKind::out_of_range);
    e.value = number;
    return Err(e);
  }
  return normalised;
}

Result<ConfigValue, ConfigError> check_integer(const ConfigKey& def, const ConfigValue& value) {
  const auto* i = std::get_if<std::int64_t>(&value);
  if (i == nullptr) return Err(wrong_type(def, value));
  if (def.zero_is_auto && *i == 0) return value;
  if (def.allowed.empty()) return check_number(def, static_cast<double>(*i), value);
  for (const std::int64_t a : def.allowed) {
    if (a == *i) return value;
  }
  ConfigError e = error_for(def, ConfigErrorKind::not_allowed);
  e.value = static_cast<double>(*i);
  return Err(e);
}

Result<ConfigValue, ConfigError> check_real(const ConfigKey& def, const ConfigValue& value) {
  if (const auto* i = std::get_if<std::int64_t>(&value)) {
    const double d = static_cast<double>(*i);
    return check_number(def, d, ConfigValue{d});
  }
  if (const auto* d = std::get_if<double>(&value)) return check_number(def, *d, value);
  return Err(wrong_type(def, value));
}

Result<ConfigValue, ConfigError> check_enum(const ConfigKey& def, const ConfigValue& value) {
  const auto* name = std::get_if<std::string_view>(&value);
  if (name == nullptr) return Err(wrong_type(def, value));
  for (const std::string_view n : def.names) {
    if (n == *name) return value;
  }
  return Err(error_for(def, ConfigErrorKind::not_allowed));
}

Result<ConfigValue, ConfigError> check_string(const ConfigKey& def, const ConfigValue& value) {
  const auto* s = std::get_if<std::string_view>(&value);
  if (s == nullptr) return Err(wrong_type(def, value));
  if (static_cast<double>(s->size()) > def.max) {
    ConfigError e = error_for(def, ConfigErrorKind::too_long);
    e.value = static_cast<double>(s->size());
    return Err(e);
  }
  const TextCheck check = check_text(def.text_rule, *s);
  if (check != TextCheck::ok) {
    return Err(error_for(def, check == TextCheck::bad_text ? ConfigErrorKind::bad_text
                                                           : ConfigErrorKind::bad_format));
  }
  return value;
}

constexpr std::array<CrossRule, 21> kCrossRules{{
    // A reply must be able to arrive before the next cycle starts.
    {"poll.response_timeout_ms", Relation::less, "poll.live_interval_ms"},
    // Loss needs more than one unanswered request, and more than one idle cycle.
    {"poll.link_loss_timeout_ms", Relation::greater, "poll.response_timeout_ms"},
    {"poll.link_loss_timeout_ms", Relation::greater, "poll.live_interval_ms"},
    // A probe must be able to time out before the next one goes out.
    {"poll.lost_probe_interval_ms", Relation::greater, "poll.response_timeout_ms"},
    // Otherwise data would turn stale between two regular refreshes.
    {"stale.timeout_ms", Relation::greater, "poll.live_interval_ms"},
    // ChargeParams::validate(): the phases keep their order (float at most absorption, re-bulk
    // below float), the loop's target is not below absorption, its floor not above float, and
    // DVL stays below the floor.
    {"charge.float_cell_mv", Relation::at_most, "charge.absorption_cell_mv"},
    {"charge.max_cell_target_mv", Relation::at_least, "charge.absorption_cell_mv"},
    {"charge.rebulk_min_cell_mv", Relation::less, "charge.float_cell_mv"},
    {"charge.cvl_floor_cell_mv", Relation::at_most, "charge.float_cell_mv"},
    {"charge.dvl_cell_mv", Relation::less, "charge.cvl_floor_cell_mv"},
    // validate(AlarmThresholds): a warning comes before its alarm (a wider margin, or an
    // absolute threshold on the near side).
    {"alert.cell_high_warning_margin_mv", Relation::at_least, "alert.cell_high_alarm_margin_mv"},
    {"alert.cell_low_warning_margin_mv", Relation::at_least, "alert.cell_low_alarm_margin_mv"},
    {"alert.pack_high_warning_margin_cell_mv", Relation::at_least,
     "alert.pack_high_alarm_margin_cell_mv"},
    {"alert.pack_low_warning_margin_cell_mv", Relation::at_least,
     "alert.pack_low_alarm_margin_cell_mv"},
    {"alert.temp_high_warning_margin_c", Relation::at_least, "alert.temp_high_alarm_margin_c"},
    {"alert.temp_low_warning_c", Relation::at_least, "alert.temp_low_alarm_c"},
    {"alert.charge_temp_high_warning_c", Relation::at_most, "alert.charge_temp_high_alarm_c"},
    {"alert.charge_temp_low_warning_margin_c", Relation::at_least,
     "alert.charge_temp_low_alarm_margin_c"},
    {"alert.current_warning_pct", Relation::at_most, "alert.current_alarm_pct"},
    {"alert.imbalance_warning_mv", Relation::at_most, "alert.imbalance_alarm_mv"},
    {"alert.soc_low_warning_pct", Relation::at_least, "alert.soc_low_alarm_pct"},
}};

// Integer and float keys compare as doubles (exact for every integer a key can hold).
double number_of(const ConfigKey& def, const GatewayConfig& config) {
  const ConfigValue v = def.get(config);
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  return 0.0;
}

bool holds(Relation r, double a, double b) {
  switch (r) {
    case Relation::less:
      return a < b;
    case Relation::greater:
      return a > b;
    case Relation::at_most:
      return a <= b;
    case Relation::at_least:
      return a >= b;
  }
  return false;
}

void push_cross_errors(const GatewayConfig& config, ConfigErrors& errors) {
  for (const CrossRule& rule : kCrossRules) {
    const ConfigKey* a = find_key(rule.key);
    const ConfigKey* b = find_key(rule.other);
    if (a == nullptr || b == nullptr) continue;  // tests break every rule, so both exist
    const double va = number_of(*a, config);
    const double vb = number_of(*b, config);
    // "From the BMS" on either side: the charge profile keeps that order itself.
    if ((a->zero_is_auto && va == 0.0) || (b->zero_is_auto && vb == 0.0)) continue;
    if (holds(rule.relation, va, vb)) continue;
    ConfigError e = error_for(*a, ConfigErrorKind::inconsistent);
    e.value = va;
    e.other_key = b->key;
    e.other_value = vb;
    e.relation = to_string(rule.relation);
    errors.push(e);
  }
}

}  // namespace

Result<ConfigValue, ConfigError> check_value(const ConfigKey& def, const ConfigValue& value) {
  switch (def.type) {
    case ConfigType::boolean:
      if (std::holds_alternative<bool>(value)) return value;
      return Err(wrong_type(def, value));
    case ConfigType::integer:
      return check_integer(def, value);
    case ConfigType::real:
      return check_real(def, value);
    case ConfigType::enumeration:
      return check_enum(def, value);
    case ConfigType::string:
      return check_string(def, value);
  }
  return Err(wrong_type(def, value));
}

std::span<const CrossRule> cross_rules() {
  return kCrossRules;
}

ConfigErrors check_consistency(const GatewayConfig& config) {
  ConfigErrors errors;
  push_cross_errors(config, errors);
  return errors;
}

ConfigErrors apply_settings(GatewayConfig& config, std::span<const ConfigSetting> settings) {
  ConfigErrors errors;
  GatewayConfig candidate = config;
  for (std::size_t i = 0; i < settings.size(); ++i) {
    const ConfigSetting& s = settings[i];
    const ConfigKey* def = find_key(s.key);
    if (def == nullptr) {
      ConfigError e;
      e.kind = ConfigErrorKind::unknown_key;
      e.key.assign_truncated(s.key);
      errors.push(e);
      continue;
    }
    bool duplicate = false;
    for (std::size_t j = 0; j < i && !duplicate; ++j) duplicate = settings[j].key == s.key;
    if (duplicate) {
      errors.push(error_for(*def, ConfigErrorKind::duplicate_key));
      continue;
    }
    auto checked = check_value(*def, s.value);
    if (!checked) {
      errors.push(checked.error());
      continue;
    }
    def->set(candidate, checked.value());
  }
  push_cross_errors(candidate, errors);
  if (errors.ok()) config = candidate;
  return errors;
}

ConfigErrors set(GatewayConfig& config, std::string_view key, const ConfigValue& value) {
  const ConfigSetting one{key, value};
  return apply_settings(config, std::span<const ConfigSetting>(&one, 1));
}

ConfigErrors validate(const GatewayConfig& config) {
  ConfigErrors errors;
  for (const ConfigKey& def : schema()) {
    auto checked = check_value(def, def.get(config));
    if (!checked) errors.push(checked.error());
  }
  push_cross_errors(config, errors);
  return errors;
}

}  // namespace tbgw::config
