// ChargeParams::validate: every field against its range and the fields against each other.
// Ranges are wide enough for any lithium chemistry the TinyBMS supports (its cell limits are
// 0.8-4.5 V); the cross-checks are what keep the engine meaningful (float <= absorption <= the
// cell target, DVL below the CVL floor, a DCL table that never reaches 0 on its own). A per-cell
// voltage of 0 means "from the BMS" (charge_profile.hpp) and takes part in no cross-check: the
// profile keeps the order itself, and the controller validates what it derived too.
#include "core/control/charge_params.hpp"

namespace tbgw::control {
namespace {

// NaN fails every comparison, so it is reported as out of range.
bool within(float v, float lo, float hi) {
  return v >= lo && v <= hi;
}
bool within(Millis v, Millis lo, Millis hi) {
  return v >= lo && v <= hi;
}
// A per-cell voltage: 0 (from the BMS) or inside the TinyBMS's cell range.
bool cell_mv_or_auto(float v) {
  return v == 0.0F || within(v, 800.0F, 4500.0F);
}
// A cross-check between two per-cell voltages holds while either is "from the BMS".
bool either_auto(float a, float b) {
  return a == 0.0F || b == 0.0F;
}

constexpr Millis kMinute = 60'000;

}  // namespace

const char* to_string(CellTempSource s) {
  switch (s) {
    case CellTempSource::automatic:
      return "auto";
    case CellTempSource::external:
      return "external";
    case CellTempSource::board:
      return "board";
  }
  return "unknown";
}

const char* to_string(StalePolicy p) {
  switch (p) {
    case StalePolicy::stop_transmitting:
      return "stop_transmitting";
    case StalePolicy::hold_safe:
      return "hold_safe";
  }
  return "unknown";
}

ParamCheck ChargeParams::validate() const {
  ParamCheck c;
  auto range = [&c](bool ok, std::string_view field, std::string_view problem) {
    if (!ok) c.add(field, problem);
  };
  constexpr std::string_view kCell = "not 0 (from the BMS) and outside 800-4500 mV";
  range(cell_mv_or_auto(absorption_cell_mv), "absorption_cell_mv", kCell);
  range(cell_mv_or_auto(float_cell_mv), "float_cell_mv", kCell);
  range(either_auto(float_cell_mv, absorption_cell_mv) || float_cell_mv <= absorption_cell_mv,
        "float_cell_mv", "above absorption_cell_mv");
  range(within(absorption_entry_window_cell_mv, 0.0F, 100.0F), "absorption_entry_window_cell_mv",
        "outside 0-100 mV");
  range(within(absorption_max_ms, kMinute, 12 * 60 * kMinute), "absorption_max_ms",
        "outside 1 min - 12 h");
  range(within(tail_current_c, 0.0F, 0.5F), "tail_current_c", "outside 0-0.5 C");
  range(within(tail_hold_ms, Millis{0}, 60 * kMinute), "tail_hold_ms", "outside 0-60 min");
  range(within(rebulk_soc_pct, 0.0F, 99.0F), "rebulk_soc_pct", "outside 0-99 %");
  range(cell_mv_or_auto(rebulk_min_cell_mv), "rebulk_min_cell_mv", kCell);
  range(either_auto(rebulk_min_cell_mv, float_cell_mv) || rebulk_min_cell_mv < float_cell_mv,
        "rebulk_min_cell_mv", "not below float_cell_mv");
  range(within(rebulk_hold_ms, Millis{0}, 60 * kMinute), "rebulk_hold_ms", "outside 0-60 min");

  range(cell_mv_or_auto(max_cell_target_mv), "max_cell_target_mv", kCell);
  range(either_auto(max_cell_target_mv, absorption_cell_mv) ||
            max_cell_target_mv >= absorption_cell_mv,
        "max_cell_target_mv", "below absorption_cell_mv");
  range(within(ovp_margin_mv, 20.0F, 500.0F), "ovp_margin_mv", "outside 20-500 mV");
  range(cell_mv_or_auto(cvl_floor_cell_mv), "cvl_floor_cell_mv", kCell);
  range(either_auto(cvl_floor_cell_mv, float_cell_mv) || cvl_floor_cell_mv <= float_cell_mv,
        "cvl_floor_cell_mv", "above float_cell_mv");
  range(within(cvl_rise_cell_mv_per_min, 0.1F, 100.0F), "cvl_rise_cell_mv_per_min",
        "outside 0.1-100 mV/min");
  range(within(cvl_fall_cell_mv_per_min, 1.0F, 1000.0F), "cvl_fall_cell_mv_per_min",
        "outside 1-1000 mV/min");
  range(within(float_transition_cell_mv_per_min, 0.1F, 100.0F), "float_transition_cell_mv_per_min",
        "outside 0.1-100 mV/min");

  range(within(limit_step_interval_ms, Millis{1'000}, 10 * kMinute), "limit_step_interval_ms",
        "outside 1 s - 10 min");
  range(within(current_recovery_pct_per_min, 1.0F, 100.0F), "current_recovery_pct_per_min",
        "outside 1-100 %/min");
  range(within(cell_hysteresis_mv, 0.0F, 200.0F), "cell_hysteresis_mv", "outside 0-200 mV");
  range(within(temp_hysteresis_c, 0.0F, 10.0F), "temp_hysteresis_c", "outside 0-10 degC");
  range(within(soc_hysteresis_pct, 0.0F, 20.0F), "soc_hysteresis_pct", "outside 0-20 %");
  range(within(uv_release_mv, 0.0F, 500.0F), "uv_release_mv", "outside 0-500 mV");

  range(within(ccl_max_a, 0.1F, 2000.0F), "ccl_max_a", "outside 0.1-2000 A");
  range(within(dcl_max_a, 0.1F, 2000.0F), "dcl_max_a", "outside 0.1-2000 A");
  range(within(bms_current_fraction, 0.1F, 1.0F), "bms_current_fraction", "outside 0.1-1");

  range(ccl_by_max_cell_mv.well_formed(), "ccl_by_max_cell_mv",
        "x not ascending or factor outside 0-1");
  range(dcl_by_min_cell_mv.well_formed(), "dcl_by_min_cell_mv",
        "x not ascending or factor outside 0-1");
  range(dcl_by_min_cell_mv.lowest_factor() > 0.0F, "dcl_by_min_cell_mv",
        "a factor of 0: only the BMS under-voltage cutoff may zero DCL");
  range(ccl_by_temp_c.well_formed(), "ccl_by_temp_c", "x not ascending or factor outside 0-1");
  range(dcl_by_temp_c.well_formed(), "dcl_by_temp_c", "x not ascending or factor outside 0-1");
  range(dcl_by_temp_c.lowest_factor() > 0.0F, "dcl_by_temp_c",
        "a factor of 0: DCL 0 comes only from discharge_min_temp_c or the BMS over-heat cutoff");
  range(ccl_by_soc_pct.well_formed(), "ccl_by_soc_pct", "x not ascending or factor outside 0-1");
  range(within(cold_charge_margin_c, 0.0F, 20.0F), "cold_charge_margin_c", "outside 0-20 degC");
  range(within(hot_charge_margin_c, 0.0F, 30.0F), "hot_charge_margin_c", "outside 0-30 degC");
  range(within(discharge_min_temp_c, -40.0F, 10.0F), "discharge_min_temp_c", "outside -40-10 degC");
  range(cell_temp_source == CellTempSource::automatic ||
            cell_temp_source == CellTempSource::external ||
            cell_temp_source == CellTempSource::board,
        "cell_temp_source", "unknown source");
  range(within(board_temp_margin_c, 5.0F, 30.0F), "board_temp_margin_c", "outside 5-30 degC");

  range(cell_mv_or_auto(dvl_cell_mv), "dvl_cell_mv", kCell);
  range(either_auto(dvl_cell_mv, cvl_floor_cell_mv) || dvl_cell_mv < cvl_floor_cell_mv,
        "dvl_cell_mv", "not below cvl_floor_cell_mv");
  range(within(dvl_margin_above_uv_mv, 0.0F, 500.0F), "dvl_margin_above_uv_mv", "outside 0-500 mV");

  range(stale_policy == StalePolicy::stop_transmitting || stale_policy == StalePolicy::hold_safe,
        "stale_policy", "unknown policy");
  range(within(stale_timeout_ms, Millis{1'000}, Millis{60'000}), "stale_timeout_ms",
        "outside 1-60 s");
  range(within(hold_max_ms, Millis{0}, 60 * kMinute), "hold_max_ms", "outside 0-60 min");
  range(within(hold_min_cell_mv, 800.0F, 4500.0F), "hold_min_cell_mv", "outside 800-4500 mV");
  range(within(hold_max_cell_mv, 800.0F, 4500.0F), "hold_max_cell_mv", "outside 800-4500 mV");
  range(hold_min_cell_mv < hold_max_cell_mv, "hold_max_cell_mv", "not above hold_min_cell_mv");
  return c;
}

}  // namespace tbgw::control
