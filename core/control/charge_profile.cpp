// derive_profile: see charge_profile.hpp.
#include "core/control/charge_profile.hpp"

#include <algorithm>

#include "core/control/reason_writer.hpp"

namespace tbgw::control {
namespace {

// What a chemistry's defaults start from, per cell (mV) and in degC.
struct Traits {
  float absorption_max_mv;  // the typical absorption, never above reg 300 - 50 mV
  float absorption_low_mv;  // the low end of the chemistry's absorption window (owner clamp)
  float absorption_high_mv;
  float float_step_mv;  // float = absorption - this
  float cvl_floor_mv;   // the cell loop never asks for less (a plateau or nominal voltage)
  float rebulk_min_mv;  // float -> bulk below this lowest cell
  float dvl_mv;         // discharge voltage limit, at least reg 316 + margin
  float hold_min_mv;    // hold_safe only with every cell inside this mid-range window
  float hold_max_mv;
  float charge_min_c;     // the chemistry's lowest charge temperature (CCL 0 below it)
  float charge_max_c;     // CCL reaches 0 here at the latest
  float discharge_max_c;  // DCL is derated from 10 degC below it
};

// LiFePO4: dbus-serialbattery's 3.45 / 3.375 V (spec/victron-can-bms.md §5.2) and the values
//   ChargeParams has always had; LiFePO4 datasheets charge at 0-55 degC, discharge up to 60.
// Li-ion (NMC/NCA, 3.6-3.7 V nominal): absorbs 50 mV under the BMS's fully charged voltage (the
//   real 14S unit: 4.150 -> 4.100 V); floats 100 mV lower (~90 %: a Li-ion cell ages when held
//   full); floor 3.70 V (nominal), re-bulk below 3.90 V, DVL 3.10 V (~5 % left); NMC cells
//   charge at 0-45 degC (the table reaches 0 at 50) and discharge up to 60 degC.
// LTO (2.3-2.4 V nominal): absorbs 50 mV under fully charged (2.70 -> 2.65 V), floats 50 mV
//   lower, floor 2.30 V, re-bulk below 2.45 V, DVL 2.00 V; charges at -30..+55 degC, discharges
//   up to 65 degC.
constexpr Traits kLfp{3450.0F, 3350.0F, 3650.0F, 75.0F, 3300.0F, 3200.0F,
                      2900.0F, 3250.0F, 3350.0F, 0.0F,  55.0F,   60.0F};
constexpr Traits kLiIon{4150.0F, 3900.0F, 4250.0F, 100.0F, 3700.0F, 3900.0F,
                        3100.0F, 3600.0F, 3900.0F, 0.0F,   50.0F,   60.0F};
constexpr Traits kLto{2750.0F, 2500.0F, 2850.0F, 50.0F,  2300.0F, 2450.0F,
                      2000.0F, 2250.0F, 2450.0F, -30.0F, 55.0F,   65.0F};

const Traits& traits(Chemistry c) {
  switch (c) {
    case Chemistry::li_ion:
      return kLiIon;
    case Chemistry::lto:
      return kLto;
    case Chemistry::lfp:
      break;
  }
  return kLfp;
}

// Headroom between the absorption default and reg 300, and between absorption and the cell
// loop's target.
constexpr float kBelowFullMv = 50.0F;
constexpr float kTargetAboveAbsorptionMv = 50.0F;
// The smallest step kept between values that must stay strictly ordered.
constexpr float kStepMv = 1.0F;

// Picks the owner's value (clamped to [lo, hi]) or the default, and records a clamp.
class Picker {
 public:
  explicit Picker(ChargeProfile& p) : p_(p) {}

  float pick(std::string_view field, float configured_mv, float default_mv, float lo, float hi) {
    hi = std::max(hi, lo);
    if (configured_mv <= 0.0F) return std::clamp(default_mv, lo, hi);
    const float used = std::clamp(configured_mv, lo, hi);
    if (used != configured_mv && p_.clamp_count < ChargeProfile::kMaxClamps) {
      p_.clamps[p_.clamp_count++] = {field, configured_mv, used, lo, hi};
    }
    return used;
  }

 private:
  ChargeProfile& p_;
};

// Strictly ascending x, whatever the BMS's temperatures: a squeezed table stays well formed
// (the hard blocks at reg 319/320 decide there anyway).
void make_ascending(DerateTable& t) {
  for (std::size_t i = 1; i < t.count; ++i) {
    t.points[i].x = std::max(t.points[i].x, t.points[i - 1].x + 0.1F);
  }
}

}  // namespace

const char* to_string(Chemistry c) {
  switch (c) {
    case Chemistry::lfp:
      return "LiFePO4";
    case Chemistry::li_ion:
      return "Li-ion";
    case Chemistry::lto:
      return "LTO";
  }
  return "unknown";
}

const char* key(Chemistry c) {
  switch (c) {
    case Chemistry::lfp:
      return "lfp";
    case Chemistry::li_ion:
      return "li_ion";
    case Chemistry::lto:
      return "lto";
  }
  return "unknown";
}

namespace {

// reg 300 when set, else what the over-voltage cutoff implies.
float fully_charged_mv(const tinybms::BmsSettings& s) {
  return s.fully_charged_cell_mv > 0 ? static_cast<float>(s.fully_charged_cell_mv)
                                     : static_cast<float>(s.over_voltage_cutoff_cell_mv) - 100.0F;
}

}  // namespace

Chemistry chemistry_of(const tinybms::BmsSettings& s) {
  const float full_mv = fully_charged_mv(s);
  if (full_mv < 3000.0F) return Chemistry::lto;
  if (full_mv < 3800.0F) return Chemistry::lfp;
  return Chemistry::li_ion;
}

ChargeProfile derive_profile(const tinybms::BmsSettings& s, const ChargeParams& configured) {
  ChargeProfile out;
  out.chemistry = chemistry_of(s);
  out.series_cells = s.series_cells;
  out.fully_charged_cell_mv = s.fully_charged_cell_mv;
  const Traits& t = traits(out.chemistry);
  ChargeParams& e = out.effective;
  e = configured;

  const float ovp_mv = s.over_voltage_cutoff_cell_mv;
  const float uv_mv = s.under_voltage_cutoff_cell_mv;
  const float full_mv = fully_charged_mv(s);
  const float empty_mv = s.fully_discharged_cell_mv > 0 ? s.fully_discharged_cell_mv : uv_mv;
  const float ceiling_mv = ovp_mv - configured.ovp_margin_mv;
  const float dvl_min_mv = uv_mv + configured.dvl_margin_above_uv_mv;
  // The lowest absorption the chain below can hold: DVL < floor <= float <= absorption.
  const float chain_low_mv = dvl_min_mv + kStepMv;

  Picker pick(out);
  const float abs_high = std::max(std::min(full_mv, ceiling_mv), chain_low_mv);
  const float abs_low = std::clamp(t.absorption_low_mv, chain_low_mv, abs_high);
  e.absorption_cell_mv =
      pick.pick("absorption_cell_mv", configured.absorption_cell_mv,
                std::min(t.absorption_max_mv, full_mv - kBelowFullMv), abs_low, abs_high);
  e.max_cell_target_mv =
      pick.pick("max_cell_target_mv", configured.max_cell_target_mv,
                e.absorption_cell_mv + kTargetAboveAbsorptionMv, e.absorption_cell_mv,
                std::max(ceiling_mv, e.absorption_cell_mv));
  e.float_cell_mv = pick.pick(
      "float_cell_mv", configured.float_cell_mv, e.absorption_cell_mv - t.float_step_mv,
      std::min(std::max(empty_mv, chain_low_mv), e.absorption_cell_mv), e.absorption_cell_mv);
  e.cvl_floor_cell_mv = pick.pick("cvl_floor_cell_mv", configured.cvl_floor_cell_mv, t.cvl_floor_mv,
                                  chain_low_mv, e.float_cell_mv);
  e.dvl_cell_mv = pick.pick("dvl_cell_mv", configured.dvl_cell_mv, std::max(t.dvl_mv, dvl_min_mv),
                            dvl_min_mv, e.cvl_floor_cell_mv - kStepMv);
  e.rebulk_min_cell_mv =
      pick.pick("rebulk_min_cell_mv", configured.rebulk_min_cell_mv, t.rebulk_min_mv,
                std::min(empty_mv, e.float_cell_mv - kStepMv), e.float_cell_mv - kStepMv);

  // hold_safe's mid-range window, inside the chain so it is never near a cutoff.
  // (dvl < absorption by at least kStepMv, so the window always fits, if only narrowly.)
  const float hold_low = e.dvl_cell_mv + kStepMv / 4.0F;
  const float hold_high = e.absorption_cell_mv;
  e.hold_min_cell_mv = std::clamp(t.hold_min_mv, hold_low, hold_high - kStepMv / 2.0F);
  e.hold_max_cell_mv = std::clamp(t.hold_max_mv, e.hold_min_cell_mv + kStepMv / 4.0F, hold_high);

  const float target = e.max_cell_target_mv;
  e.ccl_by_max_cell_mv = make_table(
      {{target - 100.0F, 1.0F}, {target - 50.0F, 0.5F}, {target, 0.1F}, {target + 50.0F, 0.0F}});
  e.dcl_by_min_cell_mv = make_table({{uv_mv + 50.0F, 0.05F},
                                     {uv_mv + 150.0F, 0.2F},
                                     {uv_mv + 250.0F, 0.5F},
                                     {uv_mv + 350.0F, 1.0F}});

  // Charging: from the BMS's low-temperature cutoff (reg 320), never below the chemistry's
  // limit, up to 5 degC under the over-heat cutoff (reg 319), never above the chemistry's.
  const float over_heat_c = s.over_heat_cutoff_c;
  const float cold_c = std::max(static_cast<float>(s.low_temp_charge_cutoff_c), t.charge_min_c);
  const float hot_c = std::min(over_heat_c - 5.0F, t.charge_max_c);
  e.ccl_by_temp_c = make_table({{cold_c, 0.0F},
                                {cold_c + 5.0F, 0.2F},
                                {cold_c + 10.0F, 0.5F},
                                {cold_c + 15.0F, 1.0F},
                                {hot_c - 15.0F, 1.0F},
                                {hot_c - 10.0F, 0.5F},
                                {hot_c - 5.0F, 0.2F},
                                {hot_c, 0.0F}});
  make_ascending(e.ccl_by_temp_c);
  const float hot_discharge_c = std::min(over_heat_c, t.discharge_max_c);
  e.dcl_by_temp_c = make_table({{-20.0F, 0.1F},
                                {-10.0F, 0.3F},
                                {0.0F, 0.6F},
                                {10.0F, 1.0F},
                                {hot_discharge_c - 15.0F, 1.0F},
                                {hot_discharge_c - 5.0F, 0.3F}});
  make_ascending(e.dcl_by_temp_c);
  out.valid = true;
  return out;
}

ChargeProfile::Text ChargeProfile::describe() const {
  Text text{};
  ReasonWriter w(text);
  if (!valid) {
    w.text("charge profile: waiting for the BMS settings");
    return text;
  }
  w.text("charge profile: ").text(to_string(chemistry)).text(" from the BMS (fully charged ");
  w.cell_volts(fully_charged_cell_mv).text("/cell): absorption ");
  w.cell_volts(effective.absorption_cell_mv).text("/cell");
  for (std::size_t i = 0; i < clamp_count; ++i) {
    if (clamps[i].field == "absorption_cell_mv") {
      w.text(" (configured ").number(clamps[i].configured_mv / 1000.0F, 3).text(", clamped)");
    }
  }
  w.text(" x ").integer(series_cells).text(" = ");
  w.volts(effective.absorption_cell_mv * static_cast<float>(series_cells) / 1000.0F, 2);
  return text;
}

ChargeProfile::Text ChargeProfile::describe(const ProfileClamp& c) {
  Text text{};
  ReasonWriter w(text);
  w.text(c.field).text(" ").integer(static_cast<std::int64_t>(c.configured_mv));
  w.text(" mV is outside the BMS envelope ").integer(static_cast<std::int64_t>(c.low_mv));
  w.text("-").integer(static_cast<std::int64_t>(c.high_mv)).text(" mV: ");
  w.integer(static_cast<std::int64_t>(c.used_mv)).text(" mV is used");
  return text;
}

ChargeProfile::Text ChargeProfile::temperature_text() const {
  Text text{};
  ReasonWriter w(text);
  if (board_margin_c > 0.0F) {
    w.text("no cell sensor: the BMS board temperature with a ").number(board_margin_c, 0);
    w.text(
        " \xC2\xB0"
        "C margin stands for the cells");
  } else {
    w.text("cell temperature from the external sensors");
  }
  return text;
}

bool ChargeProfile::same_values(const ChargeProfile& o) const {
  const ChargeParams& a = effective;
  const ChargeParams& b = o.effective;
  if (valid != o.valid || chemistry != o.chemistry || series_cells != o.series_cells ||
      fully_charged_cell_mv != o.fully_charged_cell_mv || clamp_count != o.clamp_count ||
      board_margin_c != o.board_margin_c) {
    return false;
  }
  for (std::size_t i = 0; i < clamp_count; ++i) {
    if (clamps[i].field != o.clamps[i].field ||
        clamps[i].configured_mv != o.clamps[i].configured_mv ||
        clamps[i].used_mv != o.clamps[i].used_mv) {
      return false;
    }
  }
  return a.absorption_cell_mv == b.absorption_cell_mv && a.float_cell_mv == b.float_cell_mv &&
         a.max_cell_target_mv == b.max_cell_target_mv &&
         a.cvl_floor_cell_mv == b.cvl_floor_cell_mv && a.dvl_cell_mv == b.dvl_cell_mv &&
         a.rebulk_min_cell_mv == b.rebulk_min_cell_mv;
}

}  // namespace tbgw::control
