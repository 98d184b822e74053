// The simulated BMS's protection and status: every cutoff fires at its configured register
// limit, opens the right path, logs its event and recovers; charge termination; online status.
// Time is a plain Millis value stepped by hand (fake clock); every run is seeded (config.seed).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "sim/simulator.hpp"

namespace tbgw::sim {
namespace {

constexpr Millis kStart = 1'000'000;  // an arbitrary origin: the simulator must not care

SimConfig base_config() {
  SimConfig c;
  c.seed = 42;
  return c;
}

// Runs the simulator for `ms` wall ms (time_factor 1 unless the config says otherwise).
void run_for(Simulator& sim, Millis& now, Millis ms) {
  now += ms;
  sim.advance(now);
}

void write_setting(Simulator& sim, std::uint16_t address, std::uint16_t value) {
  const tinybms::RegisterWrite w{address, value};
  WriteEffects effects;
  ASSERT_FALSE(sim.model().settings().apply({&w, 1}, effects)) << "register " << address;
}

bool has_event(const Simulator& sim, std::uint8_t id) {
  const EventLog& log = sim.model().events();
  for (std::size_t i = 0; i < log.size(); ++i) {
    if (log.chronological(i).id == id) return true;
  }
  return false;
}

TEST(
    SimCutoffs,
    GIVEN_a_charge_WHEN_a_cell_reaches_reg_315_THEN_charging_stops_and_recovers_below_the_hysteresis) {
  SimConfig c = base_config();
  c.initial_soc_pct = 95.0;
  c.load = LoadProfile::constant_current(100.0);
  Simulator sim(c);
  write_setting(sim, reg::kOverVoltageMv, 3450);
  Millis now = kStart;
  sim.advance(now);  // fixes the simulator's time origin
  double max_before_trip = 0.0;
  double max_at_trip = 0.0;
  bool tripped = false;
  sim.set_step_observer([&](const TruthState& t) {
    if (!tripped && t.protection.over_voltage) {
      tripped = true;
      max_at_trip = t.max_cell_mv;
    } else if (!tripped) {
      max_before_trip = t.max_cell_mv;
    }
  });
  for (int i = 0; i < 7200 && !tripped; ++i) run_for(sim, now, 1000);

  ASSERT_TRUE(tripped);
  EXPECT_LT(max_before_trip, 3450.0);
  EXPECT_GE(max_at_trip, 3450.0);
  EXPECT_TRUE(has_event(sim, event::kOverVoltageCutoff));
  EXPECT_EQ(sim.truth().online_status, status::kFault);
  run_for(sim, now, 1000);
  EXPECT_EQ(sim.truth().current_a, 0.0);
  EXPECT_EQ(sim.model().statistics().over_voltage_count, 1);

  sim.set_load(LoadProfile::constant_current(-50.0));
  for (int i = 0; i < 3600 && sim.truth().protection.over_voltage; ++i) run_for(sim, now, 1000);
  EXPECT_FALSE(sim.truth().protection.over_voltage);
  EXPECT_LE(sim.truth().max_cell_mv, 3450.0 - Protection::kVoltageHysteresisMv);
  EXPECT_TRUE(has_event(sim, event::kRecoveredOverVoltage));
  EXPECT_EQ(sim.truth().online_status, status::kDischarging);
}

TEST(SimCutoffs,
     GIVEN_a_discharge_WHEN_a_cell_reaches_reg_316_THEN_discharge_stops_and_a_charge_recovers_it) {
  SimConfig c = base_config();
  c.initial_soc_pct = 8.0;
  c.load = LoadProfile::constant_current(-100.0);
  Simulator sim(c);
  write_setting(sim, reg::kUnderVoltageMv, 3000);
  write_setting(sim, reg::kFullyDischargedMv, 2900);  // below 316: the warning stays out
  Millis now = kStart;
  sim.advance(now);  // fixes the simulator's time origin
  double min_at_trip = 0.0;
  sim.set_step_observer([&](const TruthState& t) {
    if (t.protection.under_voltage && min_at_trip == 0.0) min_at_trip = t.min_cell_mv;
  });
  for (int i = 0; i < 7200 && !sim.truth().protection.under_voltage; ++i) run_for(sim, now, 1000);

  ASSERT_TRUE(sim.truth().protection.under_voltage);
  EXPECT_LE(min_at_trip, 3000.0);
  EXPECT_GT(min_at_trip, 2950.0);  // it fired at the limit, not somewhere past it
  EXPECT_TRUE(has_event(sim, event::kUnderVoltageCutoff));
  EXPECT_FALSE(sim.truth().protection.fully_discharged);
  run_for(sim, now, 1000);
  EXPECT_EQ(sim.truth().current_a, 0.0);
  EXPECT_EQ(sim.truth().online_status, status::kFault);

  sim.set_load(LoadProfile::constant_current(50.0));
  for (int i = 0; i < 7200 && sim.truth().protection.under_voltage; ++i) run_for(sim, now, 1000);
  EXPECT_FALSE(sim.truth().protection.under_voltage);
  EXPECT_TRUE(has_event(sim, event::kRecoveredUnderVoltage));
  EXPECT_GT(sim.truth().current_a, 0.0);
}

TEST(SimCutoffs,
     GIVEN_a_discharge_WHEN_reg_301_is_reached_THEN_the_fully_discharged_warning_sets_soc_0) {
  SimConfig c = base_config();
  c.initial_soc_pct = 6.0;
  c.load = LoadProfile::constant_current(-100.0);
  Simulator sim(c);
  Millis now = kStart;
  sim.advance(now);  // fixes the simulator's time origin
  for (int i = 0; i < 7200 && !sim.truth().protection.fully_discharged; ++i)
    run_for(sim, now, 1000);
  ASSERT_TRUE(sim.truth().protection.fully_discharged);
  EXPECT_TRUE(has_event(sim, event::kFullyDischargedCutoff));
  EXPECT_EQ(sim.truth().soc_pct, 0.0);
  EXPECT_NE(sim.truth().online_status, status::kFault);  // a warning, not a fault
}

struct OverCurrentCase {
  const char* name;
  double demand_a;
  std::uint8_t event_id;
  Millis min_trip_ms;  // earliest acceptable trip time after the load starts
  Millis max_trip_ms;
};

class SimOverCurrent : public ::testing::TestWithParam<OverCurrentCase> {};

TEST_P(SimOverCurrent,
       GIVEN_limits_WHEN_the_demand_exceeds_them_THEN_the_path_opens_and_recovers_after_reg_332) {
  const OverCurrentCase& tc = GetParam();
  SimConfig c = base_config();
  Simulator sim(c);
  write_setting(sim, reg::kDischargeOverCurrentA, 100);
  write_setting(sim, reg::kPeakDischargeA, 300);
  write_setting(sim, reg::kChargeOverCurrentA, 50);
  write_setting(sim, reg::kChargerTypeAndOcTimeout, 0x0201);  // 2 s discharge timeout
  write_setting(sim, reg::kAutoRecoveryS, 5);
  Millis now = kStart;
  sim.advance(now);  // fixes the simulator's time origin
  sim.set_load(LoadProfile::constant_current(tc.demand_a));
  Millis tripped_after = -1;
  for (Millis t = 100; t <= 5000 && tripped_after < 0; t += 100) {
    run_for(sim, now, 100);
    const auto& p = sim.truth().protection;
    if (p.discharge_over_current || p.charge_over_current) tripped_after = t;
  }
  ASSERT_GE(tripped_after, tc.min_trip_ms);
  ASSERT_LE(tripped_after, tc.max_trip_ms);
  EXPECT_TRUE(has_event(sim, tc.event_id));
  EXPECT_EQ(sim.truth().current_a, 0.0);
  EXPECT_EQ(sim.truth().online_status, status::kFault);

  sim.set_load(LoadProfile::constant_current(0.0));
  run_for(sim, now, 5100);
  EXPECT_FALSE(sim.truth().protection.fault());
  EXPECT_EQ(sim.truth().online_status, status::kIdle);
}

INSTANTIATE_TEST_SUITE_P(
    Limits, SimOverCurrent,
    ::testing::Values(
        OverCurrentCase{"sustained_discharge", -150.0, event::kDischargeOverCurrent, 2000, 2200},
        OverCurrentCase{"peak_discharge", -350.0, event::kDischargeOverCurrent, 100, 100},
        OverCurrentCase{"charge", 60.0, event::kChargeOverCurrent, 100, 100}),
    [](const auto& p) { return std::string(p.param.name); });

TEST(SimCutoffs, GIVEN_a_hot_sensor_WHEN_above_reg_319_THEN_both_paths_open_until_it_cools) {
  Simulator sim(base_config());
  Millis now = kStart;
  sim.advance(now);  // fixes the simulator's time origin
  sim.faults().sensor_override_c[TruthState::kTempExternal1] = 70.0;
  sim.set_load(LoadProfile::constant_current(-20.0));
  run_for(sim, now, 1000);
  EXPECT_TRUE(sim.truth().protection.over_temperature);
  EXPECT_TRUE(has_event(sim, event::kOverTemperatureCutoff));
  EXPECT_EQ(sim.truth().current_a, 0.0);
  EXPECT_FALSE(sim.truth().protection.charge_allowed());
  EXPECT_EQ(sim.model().statistics().over_heat_count, 1);

  sim.faults().sensor_override_c[TruthState::kTempExternal1].reset();
  run_for(sim, now, 1000);
  EXPECT_FALSE(sim.truth().protection.over_temperature);
  EXPECT_TRUE(has_event(sim, event::kRecoveredOverTemperature));
  EXPECT_LT(sim.truth().current_a, 0.0);
}

TEST(SimCutoffs,
     GIVEN_a_cold_pack_WHEN_a_charger_pushes_current_THEN_charging_is_refused_but_discharge_works) {
  SimConfig c = base_config();
  c.ambient_c = -10.0;
  c.load = LoadProfile::constant_current(30.0);
  Simulator sim(c);
  Millis now = kStart;
  sim.advance(now);  // fixes the simulator's time origin
  run_for(sim, now, 1000);
  EXPECT_TRUE(sim.truth().protection.low_temp_charge);
  EXPECT_TRUE(has_event(sim, event::kLowTempChargeCutoff));
  EXPECT_EQ(sim.truth().current_a, 0.0);
  EXPECT_NE(sim.truth().online_status, status::kFault);  // a warning

  sim.set_load(LoadProfile::constant_current(-30.0));
  run_for(sim, now, 1000);
  EXPECT_NEAR(sim.truth().current_a, -30.0, 1e-9);

  write_setting(sim, reg::kLowTempChargeC, static_cast<std::uint16_t>(-20));
  sim.set_load(LoadProfile::constant_current(30.0));
  run_for(sim, now, 1000);
  EXPECT_FALSE(sim.truth().protection.low_temp_charge);
  EXPECT_TRUE(has_event(sim, event::kRecoveredLowTempWarning));
  EXPECT_NEAR(sim.truth().current_a, 30.0, 1e-9);
}

TEST(
    SimCharge,
    GIVEN_a_charge_WHEN_a_cell_reaches_reg_300_THEN_charge_is_done_soc_is_100_and_status_fully_charged) {
  SimConfig c = base_config();
  c.initial_soc_pct = 97.0;
  c.load = LoadProfile::constant_current(50.0);
  Simulator sim(c);
  Millis now = kStart;
  sim.advance(now);  // fixes the simulator's time origin
  for (int i = 0; i < 7200 && !sim.truth().protection.charge_done; ++i) run_for(sim, now, 1000);
  ASSERT_TRUE(sim.truth().protection.charge_done);
  EXPECT_TRUE(has_event(sim, event::kChargingDone));
  EXPECT_EQ(sim.truth().soc_pct, 100.0);
  run_for(sim, now, 1000);
  EXPECT_EQ(sim.truth().online_status, status::kFullyCharged);
  EXPECT_EQ(sim.model().statistics().full_charge_count, 1);
  EXPECT_FALSE(sim.truth().protection.over_voltage);  // 300 (3550) comes before 315 (3650)

  sim.set_load(LoadProfile::constant_current(-10.0));  // the next discharge re-arms charging
  run_for(sim, now, 1000);
  EXPECT_FALSE(sim.truth().protection.charge_done);
}

struct StatusCase {
  const char* name;
  double first_a;   // load for the first 60 s
  double second_a;  // then this for 1 s
  std::uint16_t expected;
};

class SimStatus : public ::testing::TestWithParam<StatusCase> {};

TEST_P(SimStatus, GIVEN_a_current_history_WHEN_stepped_THEN_the_online_status_matches) {
  const StatusCase& tc = GetParam();
  SimConfig c = base_config();
  c.load = LoadProfile::constant_current(tc.first_a);
  Simulator sim(c);
  Millis now = kStart;
  sim.advance(now);  // fixes the simulator's time origin
  run_for(sim, now, 60'000);
  sim.set_load(LoadProfile::constant_current(tc.second_a));
  run_for(sim, now, 1000);
  EXPECT_EQ(sim.truth().online_status, tc.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Codes, SimStatus,
    ::testing::Values(StatusCase{"idle", 0.0, 0.0, status::kIdle},
                      StatusCase{"charging_from_idle", 0.0, 20.0, status::kCharging},
                      StatusCase{"discharging", 0.0, -20.0, status::kDischarging},
                      StatusCase{"regeneration_right_after_discharge", -20.0, 15.0,
                                 status::kRegeneration}),
    [](const auto& p) { return std::string(p.param.name); });

TEST(SimStatus,
     GIVEN_regeneration_WHEN_it_lasts_the_charger_startup_delay_THEN_it_counts_as_charging) {
  SimConfig c = base_config();
  c.load = LoadProfile::constant_current(-20.0);
  Simulator sim(c);
  Millis now = kStart;
  sim.advance(now);  // fixes the simulator's time origin
  run_for(sim, now, 10'000);
  sim.set_load(LoadProfile::constant_current(15.0));
  run_for(sim, now, 19'000);
  EXPECT_EQ(sim.truth().online_status, status::kRegeneration);
  run_for(sim, now, 2'000);  // reg 310 default: 20 s
  EXPECT_EQ(sim.truth().online_status, status::kCharging);
  EXPECT_TRUE(has_event(sim, event::kChargerConnected));
  EXPECT_EQ(sim.model().statistics().charging_count, 1);
}

}  // namespace
}  // namespace tbgw::sim
