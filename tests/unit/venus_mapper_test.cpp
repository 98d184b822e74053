// VenusMapper: measurements, invalid for unknowns, changed values only, stale policy, alarms.
#include <gtest/gtest.h>

#include <string>

#include "core/venus/venus_mapper.hpp"

namespace tbgw::venus {
namespace {

msg::BatterySnapshot snapshot(Millis stamp) {
  msg::BatterySnapshot s;
  s.stamp_ms = stamp;
  s.cell_count = 4;
  s.cell_mv = {3300.0F, 3310.0F, 3290.0F, 3305.0F};
  s.pack_voltage_v = 13.206F;
  s.pack_current_a = -10.0F;
  s.soc_pct = 50.0;
  s.temps_c = {25.0F, 20.0F, 22.0F};
  s.temp_present = {true, true, false};
  s.balancing_active_mask = 0b0010;
  return s;
}

msg::ChargeDecision decision() {
  msg::ChargeDecision d;
  d.valid = true;
  d.cvl_v = 13.8F;
  d.ccl_a = 50.0F;
  d.dcl_a = 100.0F;
  d.dvl_v = 11.6F;
  // The bounds every valid decision carries (decision_guard.hpp): a 4S LiFePO4 pack.
  d.pack_v = 13.2F;
  d.cvl_ceiling_v = 14.6F;
  d.ccl_ceiling_a = 150.0F;
  d.dcl_ceiling_a = 200.0F;
  return d;
}

struct Rig {
  VenusMapper mapper;
  VenusTable table;
  msg::BatterySnapshot snap = snapshot(0);
  msg::ChargeDecision dec = decision();
  VenusInputs in;
  Rig() {
    in.snapshot = &snap;
    in.decision = &dec;
    in.link = msg::LinkStatus::up;
    in.capacity_ah = 100.0F;
  }
  double real(Path p) const { return table.get(p).real; }
  std::int32_t integer(Path p) const { return table.get(p).integer; }
};

TEST(VenusMapper, GivenFreshSnapshot_WhenMapped_ThenDcSocCellsAndCapacityPublished) {
  Rig r;
  r.mapper.update(r.in, 1000, r.table);
  EXPECT_DOUBLE_EQ(r.real(Path::dc_voltage), 13.21);  // rounded to 0.01 V
  EXPECT_DOUBLE_EQ(r.real(Path::dc_current), -10.0);
  EXPECT_DOUBLE_EQ(r.real(Path::dc_power), -132.0);  // W, whole watts
  EXPECT_DOUBLE_EQ(r.real(Path::soc), 50.0);
  EXPECT_DOUBLE_EQ(r.real(Path::dc_temperature), 20.0);  // external sensor, not the board
  EXPECT_DOUBLE_EQ(r.real(cell_voltage_path(1)), 3.31);
  EXPECT_FALSE(r.table.get(cell_voltage_path(4)).valid());
  EXPECT_EQ(r.integer(cell_balance_path(1)), 1);
  EXPECT_EQ(r.table.get(Path::system_min_voltage_cell_id).text(), "C3");
  EXPECT_EQ(r.table.get(Path::system_max_voltage_cell_id).text(), "C2");
  EXPECT_DOUBLE_EQ(r.real(Path::voltages_diff), 0.02);
  EXPECT_DOUBLE_EQ(r.real(Path::capacity), 50.0);
  EXPECT_DOUBLE_EQ(r.real(Path::consumed_amphours), -50.0);
  EXPECT_DOUBLE_EQ(r.real(Path::time_to_go), 18'000.0);
  EXPECT_EQ(r.integer(Path::state), 9);
  EXPECT_EQ(r.integer(Path::alarm_bms_cable), 0);
  EXPECT_DOUBLE_EQ(r.real(Path::info_max_charge_current), 50.0);
  EXPECT_EQ(r.integer(Path::io_allow_to_charge), 1);
}

TEST(VenusMapper, GivenUnknowns_WhenMapped_ThenInvalidNotZero) {
  Rig r;
  r.in.capacity_ah = 0.0F;
  r.snap.temp_present = {false, false, false};
  r.snap.pack_current_a = 0.0F;
  r.mapper.update(r.in, 1000, r.table);
  for (const Path p : {Path::soh, Path::capacity, Path::installed_capacity, Path::time_to_go,
                       Path::dc_temperature, Path::system_min_cell_temperature}) {
    EXPECT_FALSE(r.table.get(p).valid()) << spec(p).path;
  }
}

TEST(VenusMapper, GivenNothingYet_WhenMapped_ThenInitialisingAndNoLimits) {
  Rig r;
  r.in.snapshot = nullptr;
  r.in.decision = nullptr;
  r.in.link = msg::LinkStatus::connecting;
  r.mapper.update(r.in, 1000, r.table);
  EXPECT_EQ(r.integer(Path::state), 0);
  EXPECT_FALSE(r.table.get(Path::dc_voltage).valid());
  EXPECT_FALSE(r.table.get(Path::info_max_charge_voltage).valid());
  EXPECT_EQ(r.integer(Path::alarm_bms_cable), 0);
}

TEST(VenusMapper, GivenSameInputsTwice_WhenMapped_ThenSecondCycleChangesNothing) {
  Rig r;
  r.mapper.update(r.in, 1000, r.table);
  EXPECT_GT(r.table.changed_count(), 30U);
  r.table.take_changed([](Path, const VenusValue&) {});
  r.mapper.update(r.in, 2000, r.table);
  EXPECT_EQ(r.table.changed_count(), 0U);
  r.snap.cell_mv[0] = 3300.4F;  // below the 1 mV resolution of /Voltages/CellN
  r.mapper.update(r.in, 3000, r.table);
  EXPECT_EQ(r.table.changed_count(), 0U);
  r.snap.cell_mv[0] = 3302.0F;
  r.mapper.update(r.in, 4000, r.table);
  EXPECT_TRUE(r.table.changed(cell_voltage_path(0)));
}

TEST(VenusMapper, GivenOldSnapshot_WhenMapped_ThenMeasurementsInvalidCableAlarmLimitsZero) {
  Rig r;
  r.mapper.update(r.in, 1000, r.table);
  r.mapper.update(r.in, 1000 + 5'001, r.table);  // default stale timeout 5 s
  EXPECT_TRUE(r.mapper.stale());
  for (const Path p : {Path::dc_voltage, Path::dc_current, Path::soc, cell_voltage_path(0),
                       Path::system_min_cell_voltage}) {
    EXPECT_FALSE(r.table.get(p).valid()) << spec(p).path;
  }
  EXPECT_EQ(r.integer(Path::alarm_bms_cable), 2);
  EXPECT_EQ(r.integer(Path::state), 10);
  EXPECT_EQ(r.integer(Path::system_nr_of_modules_online), 0);
  EXPECT_DOUBLE_EQ(r.real(Path::info_max_charge_current), 0.0);
  EXPECT_DOUBLE_EQ(r.real(Path::info_max_discharge_current), 0.0);
  // CVL held at the last pack voltage (13.2 V), valid: only CVL stops MPPTs feeding in PV.
  EXPECT_NEAR(r.real(Path::info_max_charge_voltage), 13.2, 1e-5);
  EXPECT_EQ(r.integer(Path::io_allow_to_charge), 0);
}

TEST(VenusMapper, GivenLinkLost_WhenSnapshotRecent_ThenStaleAnyway) {
  Rig r;
  r.in.link = msg::LinkStatus::lost;
  r.mapper.update(r.in, 1000, r.table);
  EXPECT_TRUE(r.mapper.stale());
  EXPECT_EQ(r.integer(Path::alarm_bms_cable), 2);
}

TEST(VenusMapper, GivenStaleThenFreshData_WhenMapped_ThenRecoveredInProcess) {
  Rig r;
  r.mapper.update(r.in, 1000, r.table);
  r.mapper.update(r.in, 10'000, r.table);
  r.snap.stamp_ms = 10'500;
  r.mapper.update(r.in, 11'000, r.table);
  EXPECT_FALSE(r.mapper.stale());
  EXPECT_EQ(r.integer(Path::alarm_bms_cable), 0);
  EXPECT_TRUE(r.table.get(Path::dc_voltage).valid());
  EXPECT_EQ(r.integer(Path::state), 9);
}

TEST(VenusMapper, GivenAlertSeverities_WhenMapped_ThenAlarmLevels012) {
  Rig r;
  r.in.alerts[static_cast<std::size_t>(msg::AlertId::cell_high)] = msg::AlertSeverity::warning;
  r.in.alerts[static_cast<std::size_t>(msg::AlertId::temp_low)] = msg::AlertSeverity::alarm;
  r.mapper.update(r.in, 1000, r.table);
  EXPECT_EQ(r.integer(Path::alarm_high_cell_voltage), 1);
  EXPECT_EQ(r.integer(Path::alarm_low_temperature), 2);
  EXPECT_EQ(r.integer(Path::alarm_low_voltage), 0);
}

TEST(VenusMapper, GivenEnergyCounters_WhenMapped_ThenHistoryInKwhAndNegativeAh) {
  Rig r;
  msg::EnergyCounters e;
  e.wh_charged = 12'345.0;
  e.wh_discharged = 2'000.0;
  e.ah_discharged = 40.0;
  r.in.energy = &e;
  r.mapper.update(r.in, 1000, r.table);
  EXPECT_DOUBLE_EQ(r.real(Path::history_charged_energy), 12.35);
  EXPECT_DOUBLE_EQ(r.real(Path::history_discharged_energy), 2.0);
  EXPECT_DOUBLE_EQ(r.real(Path::history_total_ah_drawn), -40.0);
}

TEST(VenusValue, GivenByIdPortPath_WhenStoredAsText_ThenKeptWhole) {
  // /Mgmt/Connection on a GX: "TinyBMS " + the adapter's /dev/serial/by-id/ link.
  const std::string connection =
      "TinyBMS /dev/serial/by-id/"
      "usb-Silicon_Labs_CP2102_USB_to_UART_Bridge_Controller_0001-if00-port0";
  EXPECT_EQ(VenusValue::of_text(connection).text(), connection);
}

TEST(VenusValue, GivenTextLongerThanTheBound_WhenStored_ThenCutAtTheBound) {
  const std::string long_text(VenusValue::kMaxText + 10, 'x');
  const VenusValue v = VenusValue::of_text(long_text);
  EXPECT_EQ(v.text().size(), VenusValue::kMaxText);
  EXPECT_EQ(v.text(), long_text.substr(0, VenusValue::kMaxText));
}

}  // namespace
}  // namespace tbgw::venus
