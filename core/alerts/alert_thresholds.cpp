// AlertThresholds validation: see alert_thresholds.hpp.
#include "core/alerts/alert_thresholds.hpp"

#include <cmath>

namespace tbgw::alerts {

Result<void, victron::ThresholdError> validate(const AlertThresholds& t) {
  if (auto r = victron::validate(t.battery); !r.ok()) return r;
  if (!std::isfinite(t.soc_low_warning_pct) || !std::isfinite(t.soc_low_alarm_pct) ||
      !std::isfinite(t.soc_hysteresis_pct)) {
    return Err(victron::ThresholdError::not_finite);
  }
  if (t.soc_low_alarm_pct < 0.0F || t.soc_hysteresis_pct < 0.0F || t.link_lost_warning_ms < 0 ||
      t.connect_grace_ms < 0 || t.can_down_warning_ms < 0 || t.gx_missing_warning_ms < 0 ||
      t.storage_warning_ms < 0) {
    return Err(victron::ThresholdError::negative);
  }
  if (t.soc_low_warning_pct < t.soc_low_alarm_pct ||
      t.link_lost_warning_ms > t.link_lost_alarm_ms ||
      t.can_down_warning_ms > t.can_down_alarm_ms ||
      t.gx_missing_warning_ms > t.gx_missing_alarm_ms ||
      t.storage_warning_ms > t.storage_alarm_ms) {
    return Err(victron::ThresholdError::warning_past_alarm);
  }
  return {};
}

}  // namespace tbgw::alerts
