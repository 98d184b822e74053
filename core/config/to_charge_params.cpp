// Field-by-field copies (to_charge_params.hpp). Doubles and whole numbers narrow to the structs'
// floats: the schema's ranges are exact in float, so a value in range stays in range.
#include "core/config/to_charge_params.hpp"

#include <cstdint>

namespace tbgw::config {
namespace {

float f(double v) {
  return static_cast<float>(v);
}
float f(std::int32_t v) {
  return static_cast<float>(v);
}

}  // namespace

control::ChargeParams to_charge_params(const GatewayConfig& c) {
  control::ChargeParams p;
  p.absorption_cell_mv = f(c.charge_absorption_cell_mv);
  p.float_cell_mv = f(c.charge_float_cell_mv);
  p.absorption_max_ms = c.charge_absorption_max_ms;
  p.tail_current_c = f(c.charge_tail_current_c);
  p.rebulk_soc_pct = f(c.charge_rebulk_soc_pct);
  p.rebulk_min_cell_mv = f(c.charge_rebulk_min_cell_mv);
  p.max_cell_target_mv = f(c.charge_max_cell_target_mv);
  p.ovp_margin_mv = f(c.charge_ovp_margin_mv);
  p.cvl_floor_cell_mv = f(c.charge_cvl_floor_cell_mv);
  p.cvl_rise_cell_mv_per_min = f(c.charge_cvl_rise_cell_mv_per_min);
  p.cvl_fall_cell_mv_per_min = f(c.charge_cvl_fall_cell_mv_per_min);
  p.limit_step_interval_ms = c.charge_limit_step_interval_ms;
  p.current_recovery_pct_per_min = f(c.charge_current_recovery_pct_per_min);
  p.ccl_max_a = f(c.charge_ccl_max_a);
  p.dcl_max_a = f(c.charge_dcl_max_a);
  p.bms_current_fraction = f(c.charge_bms_current_fraction);
  p.cold_charge_margin_c = f(c.charge_cold_charge_margin_c);
  p.hot_charge_margin_c = f(c.charge_hot_charge_margin_c);
  p.discharge_min_temp_c = f(c.charge_discharge_min_temp_c);
  p.dvl_cell_mv = f(c.charge_dvl_cell_mv);
  p.cell_temp_source = static_cast<control::CellTempSource>(c.charge_cell_temp_source);
  p.board_temp_margin_c = f(c.charge_board_temp_margin_c);
  p.stale_policy = to_control(c.stale_policy);
  p.stale_timeout_ms = c.stale_timeout_ms;
  p.hold_max_ms = c.stale_hold_max_ms;
  return p;
}

victron::AlarmThresholds to_alarm_thresholds(const GatewayConfig& c) {
  victron::AlarmThresholds t;
  t.cell_high_warning_margin_mv = f(c.alert_cell_high_warning_margin_mv);
  t.cell_high_alarm_margin_mv = f(c.alert_cell_high_alarm_margin_mv);
  t.cell_low_warning_margin_mv = f(c.alert_cell_low_warning_margin_mv);
  t.cell_low_alarm_margin_mv = f(c.alert_cell_low_alarm_margin_mv);
  t.pack_high_warning_margin_mv = f(c.alert_pack_high_warning_margin_cell_mv);
  t.pack_high_alarm_margin_mv = f(c.alert_pack_high_alarm_margin_cell_mv);
  t.pack_low_warning_margin_mv = f(c.alert_pack_low_warning_margin_cell_mv);
  t.pack_low_alarm_margin_mv = f(c.alert_pack_low_alarm_margin_cell_mv);
  t.temp_high_warning_margin_c = f(c.alert_temp_high_warning_margin_c);
  t.temp_high_alarm_margin_c = f(c.alert_temp_high_alarm_margin_c);
  t.temp_low_warning_c = f(c.alert_temp_low_warning_c);
  t.temp_low_alarm_c = f(c.alert_temp_low_alarm_c);
  t.charge_temp_high_warning_c = f(c.alert_charge_temp_high_warning_c);
  t.charge_temp_high_alarm_c = f(c.alert_charge_temp_high_alarm_c);
  t.charge_temp_low_warning_margin_c = f(c.alert_charge_temp_low_warning_margin_c);
  t.charge_temp_low_alarm_margin_c = f(c.alert_charge_temp_low_alarm_margin_c);
  t.current_warning_pct = f(c.alert_current_warning_pct);
  t.current_alarm_pct = f(c.alert_current_alarm_pct);
  t.imbalance_warning_mv = f(c.alert_imbalance_warning_mv);
  t.imbalance_alarm_mv = f(c.alert_imbalance_alarm_mv);
  t.raise_delay_ms = c.alert_raise_delay_ms;
  t.clear_delay_ms = c.alert_clear_delay_ms;
  return t;
}

}  // namespace tbgw::config
