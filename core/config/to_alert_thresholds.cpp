// to_alert_thresholds: see to_alert_thresholds.hpp.
#include "core/config/to_alert_thresholds.hpp"

#include "core/config/to_charge_params.hpp"

namespace tbgw::config {

alerts::AlertThresholds to_alert_thresholds(const GatewayConfig& c) {
  alerts::AlertThresholds t;
  t.battery = to_alarm_thresholds(c);
  t.soc_low_warning_pct = static_cast<float>(c.alert_soc_low_warning_pct);
  t.soc_low_alarm_pct = static_cast<float>(c.alert_soc_low_alarm_pct);
  return t;
}

}  // namespace tbgw::config
