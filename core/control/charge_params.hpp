// ChargeParams: every knob of the charge-control engine, with its unit, its default and why.
//
// Voltages are PER CELL (`*_cell_mv`); the controller multiplies by the series cell count the
// BMS reports (reg 307), so no per-cell value can reach the CAN bus as a pack voltage (spec §7
// item 2). The per-cell voltages (absorption, float, re-bulk, cell target, CVL floor, DVL) are
// 0 by default: "from the BMS". charge_profile.hpp derives them, with the derating tables and
// the stale-hold window, from the TinyBMS's own settings on every settings read, for LiFePO4,
// Li-ion and LTO alike; a non-zero value is the owner's and is clamped to the BMS's envelope.
// For a LiFePO4 pack (reg 300 3.55 V, 315 3.65 V) the profile gives the values below: a 16S pack
// gets CVL 55.2 V in absorption, 54.0 V in float, DVL 46.4 V.
//
// Where each LiFePO4 value comes from (spec/victron-can-bms.md §5; charge_profile.cpp has the
// other chemistries):
//   absorption 3.450 V/cell   dbus-serialbattery MAX_CELL_VOLTAGE 3.45 (55.2 V for 16S); the
//                             Uksa007 JK gateway also absorbs at 55.2 V. Low end of 3.45-3.55:
//                             LiFePO4 is >99 % full there and the cell-driven loop, not this
//                             figure, is what protects an imbalanced pack.
//   float 3.375 V/cell        dbus-serialbattery FLOAT_CELL_VOLTAGE (54.0 V for 16S); ~97 %.
//   absorption 60 min max,    diyBMS absorbs 60 min, Uksa007 30 min, serialbattery 15 min after
//   tail C/50 for 5 min       the cells are within 10 mV. A tail current ends it earlier; the
//                             timer is a hard bound so float always comes ("why float never
//                             comes", users.md item 3).
//   re-bulk SOC < 80 % or     serialbattery goes back to bulk below 80 % SOC. The cell-voltage
//   min cell < 3.200 V, 60 s  condition catches a drifted SOC; 60 s ignores load sags.
//   max cell target 3.500 V,  the cell-driven CVL loop keeps the highest cell at or below
//   >= 100 mV below reg 315   min(target, reg 315 - margin); serialbattery's I-mode regulates to
//                             3.45 + 0.01 V, TinyBMS_Web_Gateway's protection starts at 3.50 V.
//   CVL floor 3.300 V/cell    the loop never asks for less than the LiFePO4 plateau (52.8 V),
//                             so a bad cell reading cannot make the GX discharge the pack deep
//                             to reach CVL (Victron: lower CVL "but not so low that the system
//                             starts discharging").
//   CVL rise 5 mV/cell/min    0.08 V/min for 16S; serialbattery recovers at 0.001 V/s
//                             (0.06 V/min). Float transition 4 mV/cell/min (0.064 V/min, the
//                             same order as serialbattery's 0.001 V/s "Float Transition").
//   CVL fall 50 mV/cell/min   0.8 V/min for 16S while every cell is below its target: a single
//                             bad cell reading cannot throw CVL down; at or above the target,
//                             and for the hard limiters (BMS cap, charge block), it falls at
//                             once. Observed on the simulator: the loop itself falls ~0.3 V/min.
//   step interval 20 s        Victron: updating CVL/CCL more often than every ~20 s is unlikely
//                             to help; serialbattery recalculates every 60 s. An increase of any
//                             limit is applied at most once per interval, and not sooner than one
//                             interval after a decrease (serialbattery holds 30 s after a derate).
//                             Decreases apply at once.
//   current recovery 20 %/min a limit that was derated climbs back over 5 min (serialbattery
//                             ramps 5 A/s after its 30 s hold: faster than a Multi settles).
//   CCL 100 A, DCL 150 A      installer's figures (config), and never above 90 % of the BMS's
//                             own over-current cutoffs (318 charge, 317 discharge): the gateway
//                             must never ask for a current the BMS would trip on.
//   cell -> CCL table         3.40/3.45/3.50/3.55 V -> 100/50/10/0 % (serialbattery v1 uses
//                             3.30/3.45/3.50/3.55 -> 100/50/5/0; starting at 3.40 keeps bulk fast
//                             through the 0.1 V IR rise of a 0.5 C charge). The profile puts it
//                             at the cell target - 100/-50/0/+50 mV.
//   cell -> DCL table         2.85/2.95/3.05/3.15 V -> 5/20/50/100 %; never 0 from the table:
//                             DCL 0 switches an off-grid Multi off, so only the BMS's
//                             under-voltage cutoff (reg 316) zeroes it. The profile puts it at
//                             reg 316 + 50/150/250/350 mV.
//   temperature -> CCL        0/5/10/15/40/45/50/55 degC -> 0/20/50/100/100/50/20/0 % (shape of
//                             serialbattery v2); plus a hard 0 below reg 320 + 5 degC ("cells too
//                             cold") and at reg 319 - 5 degC. The profile moves the cold knees to
//                             the BMS's reg 320 (not below the chemistry's limit) and the hot
//                             ones to reg 319.
//   temperature -> DCL        -20/-10/0/10/45/55 degC -> 10/30/60/100/100/30 %; DCL 0 only below
//                             -20 degC (LiFePO4 discharge rating) or at the BMS over-heat cutoff.
//   DVL 2.900 V/cell          serialbattery's minimum (46.4 V for 16S), and at least reg 316 +
//                             50 mV so an inverter that uses it stops before the BMS cuts off.
//   no cell sensor: board     the TinyBMS's own board sensor (reg 48) reads warmer than the cells
//   temperature - 5 degC      when its FETs carry current; without an external sensor it stands
//                             for the cells only with this margin taken off (cold-charge block,
//                             temperature derating). The owner may choose the source.
//   stale: stop_transmitting  Victron's default (block at once): after 5 s without BMS data the
//   after 5 s                 gateway sends nothing, the GX stops charging and discharging 3 s
//                             later. hold_safe is serialbattery's BLOCK_ON_DISCONNECT=False: keep
//                             running 20 min with charging blocked, only if every cell was within
//                             3.25-3.35 V at the last data.
//
// validate() reports every field out of range, not just the first.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "core/control/derate_table.hpp"
#include "core/util/time.hpp"

namespace tbgw::control {

// What the controller does when BMS data stops arriving (see charge_controller.hpp).
enum class StalePolicy : std::uint8_t {
  stop_transmitting = 0,  // valid = false after stale_timeout_ms: the GX's own 3 s fail-safe
  hold_safe = 1,          // CCL 0, DCL kept, for hold_max_ms if cells were mid-range
};
const char* to_string(StalePolicy p);

// Which sensors stand for the cells' temperature (pack_facts.hpp).
enum class CellTempSource : std::uint8_t {
  automatic = 0,  // the external sensors when any is fitted, else the board sensor - margin
  external = 1,   // the external sensors only: none fitted blocks charging
  board = 2,      // the board sensor - margin, even when external sensors are fitted
};
const char* to_string(CellTempSource s);

constexpr DerateTable make_table(std::initializer_list<DeratePoint> points) {
  DerateTable t;
  for (const DeratePoint& p : points) {
    if (t.count < DerateTable::kMaxPoints) t.points[t.count++] = p;
  }
  return t;
}

struct ParamIssue {
  std::string_view field;
  std::string_view problem;
};

struct ParamCheck {
  static constexpr std::size_t kMaxIssues = 64;
  std::array<ParamIssue, kMaxIssues> issues{};
  std::size_t count = 0;

  bool ok() const { return count == 0; }
  void add(std::string_view field, std::string_view problem) {
    if (count < kMaxIssues) issues[count++] = {field, problem};
  }
};

struct ChargeParams {
  // --- phases (per cell) ---
  // 0 = from the BMS (charge_profile.hpp), for every per-cell voltage marked "auto".
  float absorption_cell_mv = 0.0F;                // auto
  float float_cell_mv = 0.0F;                     // auto
  float absorption_entry_window_cell_mv = 10.0F;  // absorption starts within n x this of CVL
  Millis absorption_max_ms = 60 * 60'000;
  float tail_current_c = 0.02F;  // tail current in A per Ah of reg 306 (C/50)
  Millis tail_hold_ms = 5 * 60'000;
  float rebulk_soc_pct = 80.0F;
  float rebulk_min_cell_mv = 0.0F;  // auto
  Millis rebulk_hold_ms = 60'000;

  // --- cell-driven CVL loop and CVL movement ---
  float max_cell_target_mv = 0.0F;  // auto
  float ovp_margin_mv = 100.0F;     // the target stays this far below reg 315
  float cvl_floor_cell_mv = 0.0F;   // auto
  float cvl_rise_cell_mv_per_min = 5.0F;
  float cvl_fall_cell_mv_per_min = 50.0F;  // bypassed once a cell is at its target
  float float_transition_cell_mv_per_min = 4.0F;

  // --- anti-flapping ---
  Millis limit_step_interval_ms = 20'000;
  float current_recovery_pct_per_min = 20.0F;  // of the current maximum
  float cell_hysteresis_mv = 25.0F;
  float temp_hysteresis_c = 2.0F;
  float soc_hysteresis_pct = 2.0F;
  float uv_release_mv = 100.0F;  // DCL 0 at reg 316 ends this far above it (the BMS's own)

  // --- current maximums ---
  float ccl_max_a = 100.0F;
  float dcl_max_a = 150.0F;
  float bms_current_fraction = 0.9F;  // of the BMS over-current cutoffs 318 / 317

  // --- derating (the cell and temperature tables are set by the profile) ---
  DerateTable ccl_by_max_cell_mv =
      make_table({{3400.0F, 1.0F}, {3450.0F, 0.5F}, {3500.0F, 0.1F}, {3550.0F, 0.0F}});
  DerateTable dcl_by_min_cell_mv =
      make_table({{2850.0F, 0.05F}, {2950.0F, 0.2F}, {3050.0F, 0.5F}, {3150.0F, 1.0F}});
  DerateTable ccl_by_temp_c = make_table({{0.0F, 0.0F},
                                          {5.0F, 0.2F},
                                          {10.0F, 0.5F},
                                          {15.0F, 1.0F},
                                          {40.0F, 1.0F},
                                          {45.0F, 0.5F},
                                          {50.0F, 0.2F},
                                          {55.0F, 0.0F}});
  DerateTable dcl_by_temp_c = make_table(
      {{-20.0F, 0.1F}, {-10.0F, 0.3F}, {0.0F, 0.6F}, {10.0F, 1.0F}, {45.0F, 1.0F}, {55.0F, 0.3F}});
  DerateTable ccl_by_soc_pct{};       // off; e.g. 85/90/95/98 % -> 100/50/20/10 %
  float cold_charge_margin_c = 5.0F;  // CCL 0 below reg 320 + this
  float hot_charge_margin_c = 5.0F;   // CCL 0 at or above reg 319 - this
  float discharge_min_temp_c = -20.0F;

  // --- cell temperature source ---
  CellTempSource cell_temp_source = CellTempSource::automatic;
  float board_temp_margin_c = 5.0F;  // the board sensor stands for the cells this much colder

  // --- discharge voltage ---
  float dvl_cell_mv = 0.0F;  // auto
  float dvl_margin_above_uv_mv = 50.0F;

  // --- stale BMS data ---
  StalePolicy stale_policy = StalePolicy::stop_transmitting;
  Millis stale_timeout_ms = 5'000;
  Millis hold_max_ms = 20 * 60'000;  // hold_safe: from the last good data
  float hold_min_cell_mv = 3250.0F;  // hold_safe only if every cell was within these (profile)
  float hold_max_cell_mv = 3350.0F;

  ParamCheck validate() const;
};

}  // namespace tbgw::control
