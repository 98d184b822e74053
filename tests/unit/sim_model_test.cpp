// Battery model of the simulator: energy balance, balancing, determinism, heat, load profiles,
// time factor, drift, the OCV curve (protection and status: sim_protection_test.cpp). Time is a
// plain Millis value stepped by hand (fake clock); every run is seeded (the seed is in the config).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "sim/ocv_curve.hpp"
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

double cell_spread_mv(const TruthState& t) {
  return t.max_cell_mv - t.min_cell_mv;
}

TEST(SimOcvCurve, GIVEN_the_table_WHEN_sampled_THEN_it_is_monotonic_with_LiFePO4_landmarks) {
  double previous = 0.0;
  for (double soc = 0.0; soc <= 100.0; soc += 0.5) {
    const double v = ocv_v(soc);
    EXPECT_GT(v, previous) << "soc " << soc;
    previous = v;
  }
  EXPECT_NEAR(ocv_v(0.0), 2.5, 1e-9);
  EXPECT_NEAR(ocv_v(100.0), 3.65, 1e-9);
  EXPECT_GT(ocv_v(20.0), 3.2);  // plateau
  EXPECT_LT(ocv_v(90.0), 3.35);
  EXPECT_NEAR(soc_from_ocv_pct(ocv_v(55.0)), 55.0, 1e-9);
}

struct BalanceCase {
  const char* name;
  double current_a;
};

class SimEnergyBalance : public ::testing::TestWithParam<BalanceCase> {};

TEST_P(SimEnergyBalance,
       GIVEN_a_constant_current_WHEN_run_for_an_hour_THEN_ah_equals_delta_soc_times_capacity) {
  SimConfig c = base_config();
  c.initial_soc_pct = 50.0;
  c.load = LoadProfile::constant_current(GetParam().current_a);
  Simulator sim(c);
  Millis now = kStart;
  sim.advance(now);  // fixes the simulator's time origin
  const double bms_soc0 = sim.truth().soc_pct;
  std::vector<double> cell_soc0;
  for (int i = 0; i < c.cells; ++i) cell_soc0.push_back(sim.model().cells().cell_soc_pct(i));
  double ah = 0.0;
  sim.set_step_observer([&ah](const TruthState& t) { ah += t.current_a * 0.1 / 3600.0; });

  run_for(sim, now, 3'600'000);

  EXPECT_NEAR(ah, GetParam().current_a, 1e-6);  // one hour at constant current
  const double bms_ah = (sim.truth().soc_pct - bms_soc0) / 100.0 * c.capacity_ah;
  EXPECT_NEAR(bms_ah, ah, std::fabs(ah) * 1e-3);
  for (int i = 0; i < c.cells; ++i) {
    const auto& cells = sim.model().cells();
    const double cell_ah = (cells.cell_soc_pct(i) - cell_soc0[static_cast<std::size_t>(i)]) /
                           100.0 * cells.cell_capacity_ah(i);
    EXPECT_NEAR(cell_ah, ah, std::fabs(ah) * 1e-3) << "cell " << i + 1;
  }
}

INSTANTIATE_TEST_SUITE_P(Directions, SimEnergyBalance,
                         ::testing::Values(BalanceCase{"charge", 40.0},
                                           BalanceCase{"discharge", -60.0}),
                         [](const auto& p) { return std::string(p.param.name); });

TEST(SimBalancing, GIVEN_spread_cells_above_reg_303_WHEN_idle_THEN_bleeding_narrows_the_spread) {
  SimConfig c = base_config();
  c.capacity_ah = 10.0;
  c.initial_soc_pct = 97.0;
  c.soc_spread_pct = 1.0;
  c.balance_resistor_ohm = 3.3;  // ~1 A bleed so an hour of model time shows it
  Simulator sim(c);
  Millis now = kStart;
  sim.advance(now);  // fixes the simulator's time origin
  run_for(sim, now, 1000);
  const double spread_before = cell_spread_mv(sim.truth());
  ASSERT_GT(spread_before, 15.0);
  EXPECT_NE(sim.truth().balancing_active_mask, 0);
  EXPECT_EQ(sim.truth().balancing_active_mask, sim.truth().balancing_needed_mask);

  run_for(sim, now, 3'600'000);
  const double spread_after = cell_spread_mv(sim.truth());
  EXPECT_LT(spread_after, spread_before / 2.0);
}

TEST(SimBalancing, GIVEN_cells_below_reg_303_WHEN_spread_THEN_nothing_bleeds) {
  SimConfig c = base_config();
  c.initial_soc_pct = 50.0;
  c.soc_spread_pct = 5.0;
  Simulator sim(c);
  Millis now = kStart;
  sim.advance(now);  // fixes the simulator's time origin
  run_for(sim, now, 1000);
  EXPECT_EQ(sim.truth().balancing_needed_mask, 0);
}

std::vector<std::string> truth_lines(std::uint64_t seed) {
  SimConfig c;
  c.seed = seed;
  c.time_factor = 144.0;
  c.load = LoadProfile::solar_day();
  Simulator sim(c);
  std::vector<std::string> lines;
  sim.set_step_observer([&](const TruthState& t) { lines.push_back(truth_json_line(t, 0)); });
  Millis now = kStart;
  sim.advance(now);  // fixes the simulator's time origin
  for (int i = 0; i < 100; ++i) run_for(sim, now, 50);
  return lines;
}

TEST(SimDeterminism, GIVEN_the_same_seed_WHEN_run_twice_THEN_the_truth_sequences_are_identical) {
  const auto a = truth_lines(7);
  const auto b = truth_lines(7);
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(a, b);
}

TEST(SimDeterminism, GIVEN_different_seeds_WHEN_run_THEN_the_cells_differ) {
  EXPECT_NE(truth_lines(7), truth_lines(8));
}

TEST(SimThermal, GIVEN_a_heavy_discharge_WHEN_run_for_an_hour_THEN_the_sensors_warm_above_ambient) {
  SimConfig c = base_config();
  c.load = LoadProfile::constant_current(-150.0);
  Simulator sim(c);
  Millis now = kStart;
  sim.advance(now);  // fixes the simulator's time origin
  run_for(sim, now, 3'600'000);
  const auto& t = sim.truth().temps_c;
  EXPECT_GT(t[TruthState::kTempExternal1], c.ambient_c + 1.0);
  EXPECT_GT(t[TruthState::kTempInternal], c.ambient_c + 1.0);
  EXPECT_GT(t[TruthState::kTempExternal1], t[TruthState::kTempExternal2]);  // surface lags
}

TEST(SimSolarDay,
     GIVEN_the_solar_profile_WHEN_sampled_THEN_it_charges_at_noon_and_discharges_at_night) {
  const LoadProfile p = LoadProfile::solar_day();          // model time 0 = 06:00
  EXPECT_GT(p.demand_at(6 * 3600.0, 25.0).value, 40.0);    // 12:00
  EXPECT_LT(p.demand_at(15 * 3600.0, 25.0).value, -20.0);  // 21:00
  EXPECT_LT(p.demand_at(20 * 3600.0, 25.0).value, 0.0);    // 02:00
  EXPECT_GT(p.demand_at(9 * 3600.0, 25.0).ambient_c, p.demand_at(21 * 3600.0, 25.0).ambient_c);
}

TEST(SimTimeFactor, GIVEN_time_factor_144_WHEN_10_wall_minutes_pass_THEN_a_model_day_has_passed) {
  SimConfig c = base_config();
  c.time_factor = 144.0;
  Simulator sim(c);
  Millis now = kStart;
  sim.advance(now);  // fixes the simulator's time origin
  run_for(sim, now, 600'000);
  EXPECT_EQ(sim.truth().model_ms, 86'400'000);
  EXPECT_EQ(sim.truth().bms_lifetime_s, 86'400U);
}

TEST(SimDrift, GIVEN_a_drifting_cell_WHEN_a_model_minute_passes_THEN_it_rose_by_the_rate) {
  Simulator sim(base_config());
  Millis now = kStart;
  sim.advance(now);  // fixes the simulator's time origin
  run_for(sim, now, 1000);
  const double before = sim.truth().cell_mv[6];
  sim.faults().drift_cell = 7;
  sim.faults().drift_mv_per_min = 5.0;
  run_for(sim, now, 60'000);
  EXPECT_NEAR(sim.truth().cell_mv[6] - before, 5.0, 0.05);
  sim.clear_faults();
  run_for(sim, now, 100);
  EXPECT_NEAR(sim.truth().cell_mv[6], before, 0.05);
}

}  // namespace
}  // namespace tbgw::sim
