#include "core/victron/alarm_evaluator.hpp"

#include <cmath>
#include <initializer_list>

#include "core/victron/snapshot_view.hpp"

namespace tbgw::victron {

namespace {

using Level = msg::AlarmLevel;
using Item = msg::AlarmItem;

enum class Direction : std::uint8_t { high, low };

// What the rules read, computed once per evaluation.
struct Context {
  const msg::BatterySnapshot& s;
  const tinybms::BmsSettings* settings;  // nullptr: not read yet
  const AlarmThresholds& t;
  CellExtremes cells;
  TempExtremes cell_temps;
  TempExtremes all_temps;
  msg::LinkStatus link;
};

// One judgement: the value and its thresholds, or known == false (cannot judge).
struct Measure {
  bool known = false;
  float value = 0.0F;
  float warning = 0.0F;
  float alarm = 0.0F;
  float hysteresis = 0.0F;
};

Measure judged(float value, float warning, float alarm, float hysteresis) {
  if (!std::isfinite(value)) return {};
  return {true, value, warning, alarm, hysteresis};
}

const tinybms::BmsSettings* settings_of(const Context& c) {
  return c.settings != nullptr && c.settings->series_cells > 0 ? c.settings : nullptr;
}

Measure cell_high(const Context& c) {
  const auto* st = settings_of(c);
  if (st == nullptr || st->over_voltage_cutoff_cell_mv == 0 || !c.cells.known) return {};
  const auto cut = static_cast<float>(st->over_voltage_cutoff_cell_mv);
  return judged(c.cells.max_mv, cut - c.t.cell_high_warning_margin_mv,
                cut - c.t.cell_high_alarm_margin_mv, c.t.cell_hysteresis_mv);
}

Measure cell_low(const Context& c) {
  const auto* st = settings_of(c);
  if (st == nullptr || st->under_voltage_cutoff_cell_mv == 0 || !c.cells.known) return {};
  const auto cut = static_cast<float>(st->under_voltage_cutoff_cell_mv);
  return judged(c.cells.min_mv, cut + c.t.cell_low_warning_margin_mv,
                cut + c.t.cell_low_alarm_margin_mv, c.t.cell_hysteresis_mv);
}

// Per-cell millivolts to pack volts for the configured series cells.
float pack_v(const tinybms::BmsSettings& st, float per_cell_mv) {
  return per_cell_mv * static_cast<float>(st.series_cells) / 1000.0F;
}

Measure pack_high(const Context& c) {
  const auto* st = settings_of(c);
  if (st == nullptr || st->over_voltage_cutoff_cell_mv == 0) return {};
  const float cut_v = st->pack_over_voltage_v();
  return judged(c.s.pack_voltage_v, cut_v - pack_v(*st, c.t.pack_high_warning_margin_mv),
                cut_v - pack_v(*st, c.t.pack_high_alarm_margin_mv),
                pack_v(*st, c.t.pack_hysteresis_mv));
}

Measure pack_low(const Context& c) {
  const auto* st = settings_of(c);
  if (st == nullptr || st->under_voltage_cutoff_cell_mv == 0) return {};
  const float cut_v = st->pack_under_voltage_v();
  return judged(c.s.pack_voltage_v, cut_v + pack_v(*st, c.t.pack_low_warning_margin_mv),
                cut_v + pack_v(*st, c.t.pack_low_alarm_margin_mv),
                pack_v(*st, c.t.pack_hysteresis_mv));
}

Measure temp_high(const Context& c) {
  const auto* st = settings_of(c);
  if (st == nullptr || st->over_heat_cutoff_c <= 0 || !c.all_temps.known) return {};
  const auto cut = static_cast<float>(st->over_heat_cutoff_c);
  return judged(c.all_temps.max_c, cut - c.t.temp_high_warning_margin_c,
                cut - c.t.temp_high_alarm_margin_c, c.t.temp_hysteresis_c);
}

Measure temp_low(const Context& c) {
  if (!c.cell_temps.known) return {};
  return judged(c.cell_temps.min_c, c.t.temp_low_warning_c, c.t.temp_low_alarm_c,
                c.t.temp_hysteresis_c);
}

Measure charge_temp_high(const Context& c) {
  if (!c.cell_temps.known) return {};
  return judged(c.cell_temps.max_c, c.t.charge_temp_high_warning_c, c.t.charge_temp_high_alarm_c,
                c.t.temp_hysteresis_c);
}

Measure charge_temp_low(const Context& c) {
  const auto* st = settings_of(c);
  if (st == nullptr || !c.cell_temps.known) return {};
  const auto cut = static_cast<float>(st->low_temp_charge_cutoff_c);
  return judged(c.cell_temps.min_c, cut + c.t.charge_temp_low_warning_margin_c,
                cut + c.t.charge_temp_low_alarm_margin_c, c.t.temp_hysteresis_c);
}

Measure current_vs(std::uint16_t cutoff_a, float value_a, const AlarmThresholds& t) {
  if (cutoff_a == 0) return {};
  const float one_pct = static_cast<float>(cutoff_a) / 100.0F;
  return judged(value_a, one_pct * t.current_warning_pct, one_pct * t.current_alarm_pct,
                one_pct * t.current_hysteresis_pct);
}

Measure discharge_current(const Context& c) {
  const auto* st = settings_of(c);
  if (st == nullptr) return {};
  return current_vs(st->discharge_over_current_a, -c.s.pack_current_a, c.t);
}

Measure charge_current(const Context& c) {
  const auto* st = settings_of(c);
  if (st == nullptr) return {};
  return current_vs(st->charge_over_current_a, c.s.pack_current_a, c.t);
}

Measure imbalance(const Context& c) {
  if (!c.cells.known) return {};
  return judged(c.cells.spread_mv(), c.t.imbalance_warning_mv, c.t.imbalance_alarm_mv,
                c.t.imbalance_hysteresis_mv);
}

// Status codes as values: 2 = the BMS reports a fault (alarm); 1 = an unknown status code, a
// cell count that disagrees with the settings, or a lost link (warning); 0 = fine.
Measure bms_status(const Context& c) {
  float code = 0.0F;
  if (c.s.online_status == msg::OnlineStatus::fault) {
    code = 2.0F;
  } else if (c.s.online_status == msg::OnlineStatus::unknown || c.s.cell_count_mismatch ||
             c.link == msg::LinkStatus::lost) {
    code = 1.0F;
  }
  return judged(code, 1.0F, 2.0F, 0.5F);
}

struct Rule {
  AlarmRuleId id;
  std::string_view name;
  Item item;
  Direction direction;
  bool alarm_needs_charging;  // above `warning` only while charging
  Measure (*measure)(const Context&);
};

constexpr std::array<Rule, AlarmEvaluator::kRules> kRuleTable{{
    {AlarmRuleId::cell_high, "cell_high", Item::high_voltage, Direction::high, false, cell_high},
    {AlarmRuleId::pack_high, "pack_high", Item::high_voltage, Direction::high, false, pack_high},
    {AlarmRuleId::cell_low, "cell_low", Item::low_voltage, Direction::low, false, cell_low},
    {AlarmRuleId::pack_low, "pack_low", Item::low_voltage, Direction::low, false, pack_low},
    {AlarmRuleId::temp_high, "temp_high", Item::high_temperature, Direction::high, false,
     temp_high},
    {AlarmRuleId::temp_low, "temp_low", Item::low_temperature, Direction::low, false, temp_low},
    {AlarmRuleId::charge_temp_high, "charge_temp_high", Item::high_charge_temperature,
     Direction::high, true, charge_temp_high},
    {AlarmRuleId::charge_temp_low, "charge_temp_low", Item::low_charge_temperature, Direction::low,
     true, charge_temp_low},
    {AlarmRuleId::discharge_current, "discharge_current", Item::high_discharge_current,
     Direction::high, false, discharge_current},
    {AlarmRuleId::charge_current, "charge_current", Item::high_charge_current, Direction::high,
     false, charge_current},
    {AlarmRuleId::imbalance, "imbalance", Item::cell_imbalance, Direction::high, false, imbalance},
    {AlarmRuleId::bms_status, "bms_status", Item::bms_internal, Direction::high, false, bms_status},
}};

constexpr bool table_in_id_order() {
  for (std::size_t i = 0; i < kRuleTable.size(); ++i) {
    if (static_cast<std::size_t>(kRuleTable[i].id) != i) return false;
  }
  return true;
}
static_assert(table_in_id_order(), "kRuleTable rows must follow AlarmRuleId");

Level severity(Direction d, float value, const Measure& m) {
  if (d == Direction::high) {
    return value >= m.alarm ? Level::alarm : (value >= m.warning ? Level::warning : Level::ok);
  }
  return value <= m.alarm ? Level::alarm : (value <= m.warning ? Level::warning : Level::ok);
}

Level min_level(Level a, Level b) {
  return a < b ? a : b;
}
Level max_level(Level a, Level b) {
  return a < b ? b : a;
}

bool finite_all(std::initializer_list<float> values) {
  for (const float v : values) {
    if (!std::isfinite(v)) return false;
  }
  return true;
}

}  // namespace

const char* to_string(ThresholdError e) {
  switch (e) {
    case ThresholdError::not_finite:
      return "not_finite";
    case ThresholdError::negative:
      return "negative";
    case ThresholdError::warning_past_alarm:
      return "warning_past_alarm";
  }
  return "unknown";
}

Result<void, ThresholdError> validate(const AlarmThresholds& t) {
  const std::initializer_list<float> non_negative{t.cell_high_warning_margin_mv,
                                                  t.cell_high_alarm_margin_mv,
                                                  t.cell_low_warning_margin_mv,
                                                  t.cell_low_alarm_margin_mv,
                                                  t.cell_hysteresis_mv,
                                                  t.pack_high_warning_margin_mv,
                                                  t.pack_high_alarm_margin_mv,
                                                  t.pack_low_warning_margin_mv,
                                                  t.pack_low_alarm_margin_mv,
                                                  t.pack_hysteresis_mv,
                                                  t.temp_high_warning_margin_c,
                                                  t.temp_high_alarm_margin_c,
                                                  t.charge_temp_low_warning_margin_c,
                                                  t.charge_temp_low_alarm_margin_c,
                                                  t.temp_hysteresis_c,
                                                  t.current_warning_pct,
                                                  t.current_alarm_pct,
                                                  t.current_hysteresis_pct,
                                                  t.imbalance_warning_mv,
                                                  t.imbalance_alarm_mv,
                                                  t.imbalance_hysteresis_mv,
                                                  t.charging_above_a,
                                                  t.charging_hysteresis_a};
  if (!finite_all(non_negative) ||
      !finite_all({t.temp_low_warning_c, t.temp_low_alarm_c, t.charge_temp_high_warning_c,
                   t.charge_temp_high_alarm_c})) {
    return Err(ThresholdError::not_finite);
  }
  for (const float v : non_negative) {
    if (v < 0.0F) return Err(ThresholdError::negative);
  }
  if (t.clear_delay_ms < 0 || t.raise_delay_ms < 0) return Err(ThresholdError::negative);
  // A warning margin is the wider one; absolute warnings come before their alarms.
  const bool ordered = t.cell_high_warning_margin_mv >= t.cell_high_alarm_margin_mv &&
                       t.cell_low_warning_margin_mv >= t.cell_low_alarm_margin_mv &&
                       t.pack_high_warning_margin_mv >= t.pack_high_alarm_margin_mv &&
                       t.pack_low_warning_margin_mv >= t.pack_low_alarm_margin_mv &&
                       t.temp_high_warning_margin_c >= t.temp_high_alarm_margin_c &&
                       t.temp_low_warning_c >= t.temp_low_alarm_c &&
                       t.charge_temp_high_warning_c <= t.charge_temp_high_alarm_c &&
                       t.charge_temp_low_warning_margin_c >= t.charge_temp_low_alarm_margin_c &&
                       t.current_warning_pct <= t.current_alarm_pct &&
                       t.imbalance_warning_mv <= t.imbalance_alarm_mv;
  if (!ordered) return Err(ThresholdError::warning_past_alarm);
  return {};
}

msg::BatteryAlarms AlarmEvaluator::evaluate(const msg::BatterySnapshot& snapshot,
                                            const tinybms::BmsSettings* settings,
                                            msg::LinkStatus link, Millis now_ms) {
  const float current_a = snapshot.pack_current_a;
  if (std::isfinite(current_a)) {
    if (current_a >= thresholds_.charging_above_a) {
      charging_ = true;
    } else if (current_a < thresholds_.charging_above_a - thresholds_.charging_hysteresis_a) {
      charging_ = false;
    }
  }
  const Context c{snapshot,
                  settings,
                  thresholds_,
                  cell_extremes(snapshot),
                  cell_temperatures(snapshot),
                  all_temperatures(snapshot),
                  link};

  msg::BatteryAlarms out;  // every item unsupported until a rule judges it
  out.stamp_ms = now_ms;
  out.online = link == msg::LinkStatus::up;

  for (std::size_t i = 0; i < kRules; ++i) {
    const Rule& rule = kRuleTable[i];
    const Measure m = rule.measure(c);
    alerts::LevelFilter& st = state_[i];
    AlarmRuleStatus& status = status_[i];
    status = AlarmRuleStatus{rule.name, rule.item, m.known, Level::ok, m.value, m.warning, m.alarm};
    if (!m.known) {
      st.reset();
      continue;
    }
    Level raw = severity(rule.direction, m.value, m);
    const float inside =
        rule.direction == Direction::high ? m.value + m.hysteresis : m.value - m.hysteresis;
    Level held = severity(rule.direction, inside, m);
    if (rule.alarm_needs_charging && !charging_) {
      raw = min_level(raw, Level::warning);
      held = min_level(held, Level::warning);
    }
    st.update(raw, held, {thresholds_.raise_delay_ms, thresholds_.clear_delay_ms}, now_ms);
    status.level = st.level();
    const auto item = static_cast<std::size_t>(rule.item);
    out.level[item] = max_level(out.level[item], st.level());
  }
  return out;
}

void AlarmEvaluator::reset() {
  state_ = {};
  status_ = {};
  charging_ = false;
}

msg::BatteryAlarms with_link_lost(msg::BatteryAlarms alarms) {
  alarms.online = false;
  msg::AlarmLevel& internal = alarms[msg::AlarmItem::bms_internal];
  if (internal != msg::AlarmLevel::alarm) internal = msg::AlarmLevel::warning;
  return alarms;
}

}  // namespace tbgw::victron
