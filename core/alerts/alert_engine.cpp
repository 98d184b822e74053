// AlertEngine: see alert_engine.hpp.
#include "core/alerts/alert_engine.hpp"

#include <cmath>

namespace tbgw::alerts {

namespace {

using Level = msg::AlarmLevel;
using Severity = msg::AlertSeverity;
using Id = msg::AlertId;

constexpr bool battery_ids_follow_rule_ids() {
  for (std::size_t i = 0; i < victron::AlarmEvaluator::kRules; ++i) {
    if (static_cast<std::size_t>(static_cast<Id>(i)) != i) return false;
  }
  return static_cast<std::size_t>(Id::bms_status) ==
             static_cast<std::size_t>(victron::AlarmRuleId::bms_status) &&
         static_cast<std::size_t>(Id::cell_high) ==
             static_cast<std::size_t>(victron::AlarmRuleId::cell_high) &&
         static_cast<std::size_t>(Id::imbalance) ==
             static_cast<std::size_t>(victron::AlarmRuleId::imbalance) &&
         static_cast<std::size_t>(Id::charge_current) ==
             static_cast<std::size_t>(victron::AlarmRuleId::charge_current);
}
static_assert(battery_ids_follow_rule_ids(), "msg::AlertId must start with victron::AlarmRuleId");
static_assert(static_cast<std::size_t>(Id::soc_low) == victron::AlarmEvaluator::kRules);

Severity severity_of(Level l) {
  switch (l) {
    case Level::warning:
      return Severity::warning;
    case Level::alarm:
      return Severity::alarm;
    case Level::unsupported:
    case Level::ok:
      break;
  }
  return Severity::none;
}

float seconds(Millis ms) {
  return static_cast<float>(ms) / 1000.0F;
}

msg::AlertChanged entry_of(msg::AlertEdge edge, const Alert& a, Millis now_ms) {
  msg::AlertChanged e;
  e.stamp_ms = now_ms;
  e.edge = edge;
  e.id = a.id;
  e.severity = a.severity;
  e.active = a.active;
  e.acknowledged = a.acknowledged;
  e.value = a.value;
  e.threshold = a.threshold;
  e.raised_ms = a.raised_ms;
  e.cleared_ms = a.cleared_ms;
  e.message = a.message;
  return e;
}

}  // namespace

AlertEngine::AlertEngine(const AlertThresholds& thresholds)
    : thresholds_(thresholds), evaluator_(thresholds.battery) {
  for (std::size_t i = 0; i < alerts_.size(); ++i) alerts_[i].id = static_cast<Id>(i);
}

void AlertEngine::set_thresholds(const AlertThresholds& thresholds) {
  thresholds_ = thresholds;
  evaluator_.set_thresholds(thresholds.battery);
}

msg::BatteryAlarms AlertEngine::on_snapshot(const msg::BatterySnapshot& snapshot,
                                            const tinybms::BmsSettings* settings,
                                            msg::LinkStatus link, Millis now_ms) {
  last_alarms_ = evaluator_.evaluate(snapshot, settings, link, now_ms);
  const MessageContext ctx{&snapshot, link, msg::LinkLossReason::none, {}};
  const auto& status = evaluator_.rule_status();
  for (std::size_t i = 0; i < status.size(); ++i) {
    const victron::AlarmRuleStatus& r = status[i];
    apply(static_cast<Id>(i), {r.judged ? r.level : Level::ok, r.value, r.warning, r.alarm}, ctx,
          now_ms);
  }
  judge_soc(snapshot, ctx, now_ms);
  return last_alarms_;
}

void AlertEngine::judge_soc(const msg::BatterySnapshot& snapshot, const MessageContext& ctx,
                            Millis now_ms) {
  const auto soc = static_cast<float>(snapshot.soc_pct);
  if (!std::isfinite(soc)) {
    soc_filter_.reset();
    apply(Id::soc_low, {}, ctx, now_ms);
    return;
  }
  const AlertThresholds& t = thresholds_;
  const auto level_at = [&t](float v) {
    return v <= t.soc_low_alarm_pct ? Level::alarm
                                    : (v <= t.soc_low_warning_pct ? Level::warning : Level::ok);
  };
  const Level level =
      soc_filter_.update(level_at(soc), level_at(soc - t.soc_hysteresis_pct),
                         {t.battery.raise_delay_ms, t.battery.clear_delay_ms}, now_ms);
  apply(Id::soc_low, {level, soc, t.soc_low_warning_pct, t.soc_low_alarm_pct}, ctx, now_ms);
}

void AlertEngine::tick(const msg::LinkState& link, const GatewayHealth& health, Millis now_ms) {
  const AlertThresholds& t = thresholds_;
  const MessageContext ctx{nullptr, link.status, link.reason, {}};
  // A link still connecting is judged only after the start-up grace.
  const Millis link_grace = link.status == msg::LinkStatus::connecting ? t.connect_grace_ms : 0;
  judge_duration(Id::bms_link_lost, link_, link.status != msg::LinkStatus::up, link_grace,
                 t.link_lost_warning_ms, t.link_lost_alarm_ms, ctx, now_ms);
  judge_duration(Id::can_bus_off, can_, !health.can_ok, 0, t.can_down_warning_ms,
                 t.can_down_alarm_ms, ctx, now_ms);
  judge_duration(Id::gx_not_seen, gx_, !health.gx_seen, 0, t.gx_missing_warning_ms,
                 t.gx_missing_alarm_ms, ctx, now_ms);
  judge_duration(Id::storage, storage_, !health.storage_ok, 0, t.storage_warning_ms,
                 t.storage_alarm_ms, ctx, now_ms);
}

void AlertEngine::on_charge_setting(std::string_view field, float configured_mv, float used_mv,
                                    Millis now_ms) {
  const MessageContext ctx{nullptr, msg::LinkStatus::up, msg::LinkLossReason::none, field};
  if (field.empty()) {
    apply(Id::charge_setting, {}, ctx, now_ms);
  } else {
    apply(Id::charge_setting, {Level::warning, configured_mv, used_mv, used_mv}, ctx, now_ms);
  }
}

void AlertEngine::judge_duration(Id id, Duration& d, bool bad, Millis grace_ms, Millis warning_ms,
                                 Millis alarm_ms, const MessageContext& ctx, Millis now_ms) {
  if (bad && !d.bad) d.since = now_ms;
  d.bad = bad;
  const Millis lasted = bad ? now_ms - d.since : 0;
  const Millis counted = lasted > grace_ms ? lasted - grace_ms : 0;
  Level raw = Level::ok;
  if (bad && lasted >= grace_ms) {
    raw = counted >= alarm_ms ? Level::alarm : (counted >= warning_ms ? Level::warning : Level::ok);
  }
  // The durations are the minimum duration; the clear delay keeps a flapping bus from flapping
  // the alert.
  const Level level = d.filter.update(raw, raw, {0, thresholds_.battery.clear_delay_ms}, now_ms);
  apply(id, {level, seconds(lasted), seconds(warning_ms), seconds(alarm_ms)}, ctx, now_ms);
}

void AlertEngine::apply(Id id, const Judgement& j, const MessageContext& ctx, Millis now_ms) {
  Alert& a = alerts_[static_cast<std::size_t>(id)];
  const Severity next = severity_of(j.level);
  const Severity before = a.severity;
  if (next == Severity::none) {
    if (!a.active) return;
    a.severity = Severity::none;
    a.active = false;
    a.cleared_ms = now_ms;
    emit(msg::AlertEdge::cleared, a, now_ms);
    return;
  }
  a.severity = next;
  a.value = j.value;
  a.threshold = next == Severity::alarm ? j.alarm : j.warning;
  write_message(a.message, id, a.value, a.threshold, ctx);
  if (!a.active) {
    a.active = true;
    a.acknowledged = false;
    a.raised_ms = now_ms;
    a.cleared_ms = 0;
    emit(msg::AlertEdge::raised, a, now_ms);
  } else if (next != before) {
    if (next == Severity::alarm) a.acknowledged = false;
    emit(msg::AlertEdge::changed, a, now_ms);
  }
}

void AlertEngine::emit(msg::AlertEdge edge, const Alert& a, Millis now_ms) {
  const msg::AlertChanged& stored = log_.push(entry_of(edge, a, now_ms));
  if (listener_) listener_(stored);
}

bool AlertEngine::acknowledge(Id id, Millis now_ms) {
  const auto i = static_cast<std::size_t>(id);
  if (i >= alerts_.size()) return false;
  Alert& a = alerts_[i];
  if (!a.active || a.acknowledged) return false;
  a.acknowledged = true;
  emit(msg::AlertEdge::acknowledged, a, now_ms);
  return true;
}

std::size_t AlertEngine::acknowledge_all(Millis now_ms) {
  std::size_t n = 0;
  for (const Alert& a : alerts_) {
    if (acknowledge(a.id, now_ms)) ++n;
  }
  return n;
}

void AlertEngine::add_bms_event(const BmsEvent& event, Millis now_ms) {
  msg::AlertChanged e;
  e.stamp_ms = now_ms;
  e.edge = msg::AlertEdge::bms_event;
  e.id = Id::bms_event;
  e.bms_event_id = event.id;
  e.bms_event_unix_s = event.unix_s;
  e.value = static_cast<float>(event.id);
  write_bms_event_message(e.message, event.id, event.text);
  const msg::AlertChanged& stored = log_.push(e);
  if (listener_) listener_(stored);
}

const Alert& AlertEngine::alert(Id id) const {
  const auto i = static_cast<std::size_t>(id);
  return alerts_[i < alerts_.size() ? i : 0];
}

std::size_t AlertEngine::active_count() const {
  std::size_t n = 0;
  for (const Alert& a : alerts_) n += a.active ? 1U : 0U;
  return n;
}

Severity AlertEngine::worst() const {
  Severity w = Severity::none;
  for (const Alert& a : alerts_) {
    if (a.severity > w) w = a.severity;
  }
  return w;
}

}  // namespace tbgw::alerts
