// The simulator's three chemistries (lfp, nmc, lto): each OCV curve is monotonic with its
// landmarks and its inverse round-trips; the settings defaults are the chemistry's typical
// TinyBMS settings and nothing else changes; a pack of each chemistry rests without tripping
// anything, terminates a charge before its over-voltage cutoff, stops a discharge at "fully
// discharged", and still reaches both voltage cutoffs when the settings let it. Time is a plain
// Millis value stepped by hand (fake clock); every run is seeded (config.seed).
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "sim/chemistry.hpp"
#include "sim/load_profile.hpp"
#include "sim/ocv_curve.hpp"
#include "sim/settings_table.hpp"
#include "sim/simulator.hpp"

namespace tbgw::sim {
namespace {

constexpr Millis kStart = 1'000'000;  // an arbitrary origin: the simulator must not care

struct ChemistryCase {
  Chemistry chemistry;
  const char* name;
  double empty_v_min, empty_v_max;                 // OCV at 0 %
  double half_v_min, half_v_max;                   // OCV at 50 %
  double full_v_min, full_v_max;                   // OCV at 100 %
  std::map<std::uint16_t, std::int32_t> settings;  // the chemistry's registers in 300-320
};

// gtest prints the parameter in ctest's test names: the name, not the bytes.
void PrintTo(const ChemistryCase& c, std::ostream* os) {
  *os << c.name;
}

std::string case_name(const ::testing::TestParamInfo<ChemistryCase>& info) {
  return info.param.name;
}

// The registers the brief gives per chemistry (LiFePO4: the simulator's defaults as they always
// were; NMC: the spec's real 14S Li-ion unit; LTO: typical LTO values, 320 below zero).
const std::vector<ChemistryCase>& cases() {
  static const std::vector<ChemistryCase> kCases = {
      {Chemistry::lfp,
       "lfp",
       2.50,
       2.50,
       3.28,
       3.31,
       3.65,
       3.65,
       {{300, 3550},
        {301, 2900},
        {303, 3400},
        {304, 1000},
        {308, 15},
        {315, 3650},
        {316, 2800},
        {317, 200},
        {318, 150},
        {319, 60},
        {320, 0}}},
      {Chemistry::nmc,
       "nmc",
       2.95,
       3.05,
       3.60,
       3.72,
       4.15,
       4.20,
       {{300, 4150},
        {301, 3000},
        {303, 3200},
        {304, 1000},
        {308, 15},
        {315, 4200},
        {316, 2900},
        {317, 60},
        {318, 20},
        {319, 60},
        {320, 1}}},
      {Chemistry::lto,
       "lto",
       1.80,
       2.00,
       2.30,
       2.40,
       2.75,
       2.80,
       {{300, 2700},
        {301, 2000},
        {303, 2500},
        {304, 1000},
        {308, 15},
        {315, 2800},
        {316, 1800},
        {317, 200},
        {318, 150},
        {319, 60},
        {320, -20}}},
  };
  return kCases;
}

SimConfig config_for(Chemistry chemistry) {
  SimConfig c;
  c.chemistry = chemistry;
  c.seed = 42;
  c.cells = 8;
  c.capacity_ah = 20.0;  // small, so a charge or discharge takes little model time
  return c;
}

void write_setting(Simulator& sim, std::uint16_t address, std::uint16_t value) {
  const tinybms::RegisterWrite w{address, value};
  WriteEffects effects;
  ASSERT_FALSE(sim.model().settings().apply({&w, 1}, effects)) << "register " << address;
}

// What happened over a run: the first step each flag was seen, and the cells then.
struct RunRecord {
  bool over_voltage = false;
  bool under_voltage = false;
  bool fully_discharged = false;
  bool charge_done = false;
  bool any_fault = false;
  double max_cell_mv_at_charge_done = 0.0;
  double min_cell_mv_at_fully_discharged = 0.0;
};

// Runs up to `limit_ms` of model time (time factor 1) or until `stop` says so.
template <class Stop>
RunRecord run_until(Simulator& sim, Millis limit_ms, Stop stop) {
  RunRecord r;
  sim.set_step_observer([&r](const TruthState& t) {
    const ProtectionFlags& p = t.protection;
    if (p.charge_done && !r.charge_done) r.max_cell_mv_at_charge_done = t.max_cell_mv;
    if (p.fully_discharged && !r.fully_discharged) {
      r.min_cell_mv_at_fully_discharged = t.min_cell_mv;
    }
    r.over_voltage = r.over_voltage || p.over_voltage;
    r.under_voltage = r.under_voltage || p.under_voltage;
    r.fully_discharged = r.fully_discharged || p.fully_discharged;
    r.charge_done = r.charge_done || p.charge_done;
    r.any_fault = r.any_fault || p.fault();
  });
  Millis now = kStart;
  sim.advance(now);  // fixes the simulator's time origin
  for (Millis t = 0; t < limit_ms && !stop(r); t += 1000) {
    now += 1000;
    sim.advance(now);
  }
  sim.set_step_observer({});
  return r;
}

constexpr Millis kTwoHoursMs = 2 * 3600 * 1000;

class SimChemistry : public ::testing::TestWithParam<ChemistryCase> {};

TEST_P(SimChemistry, GIVEN_the_ocv_table_WHEN_sampled_THEN_it_is_monotonic_with_its_landmarks) {
  const Chemistry chem = GetParam().chemistry;
  double previous = -1.0;
  // Including the steep extension outside 0-100 % that lets the cutoffs fire.
  for (double soc = -3.0; soc <= 103.0; soc += 0.25) {
    const double v = ocv_v(soc, chem);
    EXPECT_GT(v, previous) << "soc " << soc;
    previous = v;
  }
  EXPECT_GE(ocv_v(0.0, chem), GetParam().empty_v_min);
  EXPECT_LE(ocv_v(0.0, chem), GetParam().empty_v_max);
  EXPECT_GE(ocv_v(50.0, chem), GetParam().half_v_min);
  EXPECT_LE(ocv_v(50.0, chem), GetParam().half_v_max);
  EXPECT_GE(ocv_v(100.0, chem), GetParam().full_v_min);
  EXPECT_LE(ocv_v(100.0, chem), GetParam().full_v_max);
  EXPECT_LT(ocv_v(-1.0, chem), ocv_v(0.0, chem) - 0.1) << "an empty cell collapses";
  EXPECT_GT(ocv_v(101.0, chem), ocv_v(100.0, chem) + 0.1) << "an overcharged cell shoots up";
}

TEST_P(SimChemistry, GIVEN_a_soc_WHEN_its_ocv_is_inverted_THEN_the_soc_comes_back) {
  const Chemistry chem = GetParam().chemistry;
  for (double soc = 0.0; soc <= 100.0; soc += 0.5) {
    EXPECT_NEAR(soc_from_ocv_pct(ocv_v(soc, chem), chem), soc, 1e-9) << "soc " << soc;
  }
  EXPECT_EQ(soc_from_ocv_pct(ocv_v(0.0, chem) - 0.3, chem), 0.0);
  EXPECT_EQ(soc_from_ocv_pct(ocv_v(100.0, chem) + 0.3, chem), 100.0);
}

TEST_P(SimChemistry, GIVEN_the_chemistry_WHEN_the_settings_are_reset_THEN_its_defaults_read_back) {
  const SettingsTable table(SettingsDefaults{14, 66.0, GetParam().chemistry});
  for (const auto& [address, value] : GetParam().settings) {
    const auto raw = static_cast<std::uint16_t>(value);  // 320 may be negative: two's complement
    EXPECT_EQ(table.read(address), raw) << "register " << address;
    EXPECT_EQ(table.value_of_kind(SettingValueKind::default_value, address), raw)
        << "register " << address << " (0x1D default)";
  }
  EXPECT_EQ(table.read(reg::kCapacityCentiAh), 6600);
  EXPECT_EQ(table.read(reg::kSeriesCells), 14);
}

TEST_P(SimChemistry, GIVEN_the_chemistry_WHEN_compared_with_lfp_THEN_no_other_register_differs) {
  const SettingsTable lfp(SettingsDefaults{14, 66.0, Chemistry::lfp});
  const SettingsTable chem(SettingsDefaults{14, 66.0, GetParam().chemistry});
  const auto& own = GetParam().settings;
  for (std::uint16_t a = kFirstSettingRegister; a <= kLastSettingRegister; ++a) {
    if (own.contains(a)) continue;
    EXPECT_EQ(chem.read(a), lfp.read(a)) << "register " << a;
  }
}

TEST_P(SimChemistry, GIVEN_the_defaults_WHEN_range_checked_THEN_every_one_is_writable_as_is) {
  Simulator sim(config_for(GetParam().chemistry));
  for (const auto& [address, value] : GetParam().settings) {
    write_setting(sim, address, static_cast<std::uint16_t>(value));
  }
}

TEST_P(SimChemistry, GIVEN_a_pack_at_rest_WHEN_run_a_minute_THEN_idle_and_nothing_trips) {
  SimConfig c = config_for(GetParam().chemistry);
  c.initial_soc_pct = 50.0;
  Simulator sim(c);
  const RunRecord r = run_until(sim, 60'000, [](const RunRecord&) { return false; });
  EXPECT_FALSE(r.any_fault);
  EXPECT_EQ(sim.truth().protection, ProtectionFlags{});
  EXPECT_EQ(sim.truth().online_status, status::kIdle);
  EXPECT_EQ(sim.truth().chemistry, GetParam().chemistry);
  EXPECT_NEAR(sim.truth().min_cell_mv, ocv_v(50.0, GetParam().chemistry) * 1000.0, 30.0);
  EXPECT_NEAR(sim.truth().max_cell_mv, ocv_v(50.0, GetParam().chemistry) * 1000.0, 30.0);
}

TEST_P(SimChemistry, GIVEN_a_charge_WHEN_the_pack_fills_THEN_charge_done_fires_before_any_cutoff) {
  SimConfig c = config_for(GetParam().chemistry);
  c.initial_soc_pct = 90.0;
  c.load = LoadProfile::constant_current(10.0);  // under every chemistry's charge cutoff
  Simulator sim(c);
  const RunRecord r =
      run_until(sim, kTwoHoursMs, [](const RunRecord& rec) { return rec.charge_done; });
  ASSERT_TRUE(r.charge_done);
  EXPECT_FALSE(r.any_fault) << "no over-voltage or over-current on the way";
  EXPECT_GE(r.max_cell_mv_at_charge_done, GetParam().settings.at(300));
  EXPECT_LT(r.max_cell_mv_at_charge_done, GetParam().settings.at(315));
  EXPECT_DOUBLE_EQ(sim.truth().soc_pct, 100.0) << "charge done calibrates the SOC";
}

TEST_P(SimChemistry, GIVEN_a_discharge_WHEN_the_pack_empties_THEN_fully_discharged_stops_it) {
  SimConfig c = config_for(GetParam().chemistry);
  c.initial_soc_pct = 10.0;
  c.load = LoadProfile::constant_current(-10.0);
  Simulator sim(c);
  const RunRecord r =
      run_until(sim, kTwoHoursMs, [](const RunRecord& rec) { return rec.fully_discharged; });
  ASSERT_TRUE(r.fully_discharged);
  EXPECT_FALSE(r.under_voltage) << "the warning comes first, at 301 above 316";
  EXPECT_LE(r.min_cell_mv_at_fully_discharged, GetParam().settings.at(301));
  EXPECT_FALSE(sim.truth().protection.discharge_allowed()) << "the discharge path is open";
}

TEST_P(SimChemistry, GIVEN_charge_done_out_of_reach_WHEN_charged_on_THEN_over_voltage_fires) {
  SimConfig c = config_for(GetParam().chemistry);
  c.initial_soc_pct = 95.0;
  c.load = LoadProfile::constant_current(10.0);
  Simulator sim(c);
  write_setting(sim, reg::kFullyChargedMv, 4500);  // the maximum: charge done never fires
  const RunRecord r =
      run_until(sim, kTwoHoursMs, [](const RunRecord& rec) { return rec.over_voltage; });
  EXPECT_TRUE(r.over_voltage);
  EXPECT_FALSE(r.charge_done);
}

TEST_P(SimChemistry, GIVEN_fully_discharged_disabled_WHEN_discharged_on_THEN_under_voltage_fires) {
  SimConfig c = config_for(GetParam().chemistry);
  c.initial_soc_pct = 5.0;
  c.load = LoadProfile::constant_current(-10.0);
  Simulator sim(c);
  write_setting(sim, reg::kFullyDischargedMv, 1000);  // below 316: the warning is off
  const RunRecord r =
      run_until(sim, kTwoHoursMs, [](const RunRecord& rec) { return rec.under_voltage; });
  EXPECT_TRUE(r.under_voltage);
  EXPECT_FALSE(r.fully_discharged);
}

TEST_P(SimChemistry, GIVEN_a_truth_state_WHEN_formatted_THEN_the_json_names_the_chemistry) {
  Simulator sim(config_for(GetParam().chemistry));
  sim.advance(kStart);
  const std::string line = truth_json_line(sim.truth(), kStart);
  EXPECT_NE(line.find(std::string("\"chemistry\":\"") + GetParam().name + "\","), std::string::npos)
      << line;
}

TEST_P(SimChemistry, GIVEN_the_built_in_day_WHEN_sized_THEN_it_stays_under_the_current_cutoffs) {
  const LoadProfile day = LoadProfile::solar_day(solar_day_for(GetParam().chemistry));
  const double charge_limit_a = GetParam().settings.at(318);
  const double discharge_limit_a = GetParam().settings.at(317);
  for (double t_s = 0.0; t_s < 24 * 3600.0; t_s += 600.0) {
    const double a = day.demand_at(t_s, 25.0).value;
    EXPECT_LT(a, charge_limit_a) << "t " << t_s;
    EXPECT_GT(a, -discharge_limit_a) << "t " << t_s;
  }
}

INSTANTIATE_TEST_SUITE_P(Chemistries, SimChemistry, ::testing::ValuesIn(cases()), case_name);

TEST(SimChemistryNames, GIVEN_a_name_WHEN_looked_up_THEN_only_the_three_chemistries_exist) {
  EXPECT_EQ(chemistry_from_name("lfp"), Chemistry::lfp);
  EXPECT_EQ(chemistry_from_name("nmc"), Chemistry::nmc);
  EXPECT_EQ(chemistry_from_name("lto"), Chemistry::lto);
  EXPECT_EQ(chemistry_from_name("LFP"), std::nullopt);
  EXPECT_EQ(chemistry_from_name("lipo"), std::nullopt);
  EXPECT_EQ(chemistry_from_name(""), std::nullopt);
  EXPECT_EQ(chemistry_name(Chemistry::nmc), "nmc");
  EXPECT_EQ(unknown_chemistry_message("nmc"), "");
  const std::string message = unknown_chemistry_message("lipo");
  EXPECT_NE(message.find("lipo"), std::string::npos) << message;
  EXPECT_NE(message.find("lfp, nmc, lto"), std::string::npos) << message;
}

TEST(SimChemistryDefault, GIVEN_no_chemistry_WHEN_configured_THEN_lfp_as_before) {
  EXPECT_EQ(SimConfig{}.chemistry, Chemistry::lfp);
  EXPECT_EQ(SettingsDefaults{}.chemistry, Chemistry::lfp);
  EXPECT_EQ(ocv_v(55.0), ocv_v(55.0, Chemistry::lfp));
  const SolarDay lfp_day = solar_day_for(Chemistry::lfp);
  const SolarDay default_day;
  EXPECT_EQ(lfp_day.peak_charge_a, default_day.peak_charge_a);
  EXPECT_EQ(lfp_day.base_load_a, default_day.base_load_a);
  EXPECT_EQ(lfp_day.evening_load_a, default_day.evening_load_a);
}

TEST(SimChemistryPacks, GIVEN_the_real_14s_nmc_unit_at_83_pct_WHEN_run_THEN_it_reads_3_98_v_idle) {
  SimConfig c;
  c.chemistry = Chemistry::nmc;
  c.cells = 14;
  c.capacity_ah = 66.0;
  c.initial_soc_pct = 83.0;
  c.seed = 1;
  Simulator sim(c);
  const RunRecord r = run_until(sim, 60'000, [](const RunRecord&) { return false; });
  const TruthState& t = sim.truth();
  EXPECT_FALSE(r.any_fault);
  EXPECT_EQ(t.protection, ProtectionFlags{});
  EXPECT_EQ(t.online_status, status::kIdle);  // 0x97, as the capture
  for (int i = 0; i < t.cell_count; ++i) {
    EXPECT_NEAR(t.cell_mv[static_cast<std::size_t>(i)], 3980.0, 30.0) << "cell " << i + 1;
  }
  EXPECT_NEAR(t.pack_voltage_v, 55.78, 0.4);  // the capture's pack voltage
}

TEST(SimChemistryPacks, GIVEN_an_lto_pack_at_50_pct_WHEN_run_THEN_cells_read_2_3_to_2_4_v) {
  SimConfig c;
  c.chemistry = Chemistry::lto;
  c.initial_soc_pct = 50.0;
  Simulator sim(c);
  const RunRecord r = run_until(sim, 60'000, [](const RunRecord&) { return false; });
  EXPECT_FALSE(r.any_fault);
  EXPECT_EQ(sim.truth().online_status, status::kIdle);
  EXPECT_GE(sim.truth().min_cell_mv, 2300.0);
  EXPECT_LE(sim.truth().max_cell_mv, 2400.0);
}

TEST(SimChemistryPacks, GIVEN_minus_10_c_WHEN_charging_THEN_lto_charges_and_lfp_is_cut_off) {
  for (const Chemistry chem : {Chemistry::lto, Chemistry::lfp}) {
    SimConfig c = config_for(chem);
    c.ambient_c = -10.0;
    c.load = LoadProfile::constant_current(5.0);
    Simulator sim(c);
    run_until(sim, 10'000, [](const RunRecord&) { return false; });
    const bool lto = chem == Chemistry::lto;
    EXPECT_EQ(sim.truth().protection.low_temp_charge, !lto) << chemistry_name(chem);
    EXPECT_EQ(sim.truth().current_a > 4.9, lto) << chemistry_name(chem);
  }
}

}  // namespace
}  // namespace tbgw::sim
