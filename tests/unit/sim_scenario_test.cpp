// Scenario files for the simulator: the parser (valid input, every error with its line number)
// and the timeline evaluation (hold, ramp, repeat), and a scenario driving the model.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "sim/scenario_parser.hpp"
#include "sim/simulator.hpp"

namespace tbgw::sim {
namespace {

constexpr const char* kValid = R"(# a test scenario
time_s, load, ambient_c, transition
0,    0 A,    -          # configured ambient
60,   -50A,   20,  ramp  # ramps to -50 A at 60 s
120,  1500 W, 30         # hold: -50 A until 120 s
180,  +20 a,  ,    hold
repeat
)";

TEST(SimScenarioParser, GIVEN_a_valid_file_WHEN_parsed_THEN_every_point_is_read) {
  const auto r = parse_scenario(std::string_view(kValid));
  ASSERT_TRUE(r.errors.empty()) << format_errors(r.errors);
  ASSERT_TRUE(r.scenario);
  const Scenario& s = *r.scenario;
  ASSERT_EQ(s.points.size(), 4U);
  EXPECT_TRUE(s.repeat);
  EXPECT_EQ(s.points[1].time_s, 60.0);
  EXPECT_EQ(s.points[1].value, -50.0);
  EXPECT_EQ(s.points[1].transition, Transition::ramp);
  EXPECT_EQ(s.points[2].quantity, LoadQuantity::power_w);
  EXPECT_EQ(s.points[2].line, 5);
  EXPECT_TRUE(std::isnan(s.points[0].ambient_c));
  EXPECT_EQ(s.points[3].ambient_c, 30.0);  // empty ambient keeps the previous one
  EXPECT_EQ(s.points[3].value, 20.0);
}

struct ErrorCase {
  const char* name;
  const char* text;
  int line;
  const char* fragment;  // part of the expected message
};

class SimScenarioErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(SimScenarioErrors, GIVEN_a_bad_line_WHEN_parsed_THEN_the_error_names_its_line) {
  const ErrorCase& tc = GetParam();
  const auto r = parse_scenario(std::string_view(tc.text));
  EXPECT_FALSE(r.scenario);
  ASSERT_FALSE(r.errors.empty());
  EXPECT_EQ(r.errors[0].line, tc.line);
  EXPECT_NE(r.errors[0].message.find(tc.fragment), std::string::npos) << r.errors[0].message;
  if (tc.line > 0) {
    EXPECT_NE(format_errors(r.errors).find("line " + std::to_string(tc.line)), std::string::npos);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, SimScenarioErrors,
    ::testing::Values(
        ErrorCase{"bad_time", "0,0A,25\nabc,1A,25\n", 2, "time_s"},
        ErrorCase{"negative_time", "-1,0A,25\n", 1, "time_s"},
        ErrorCase{"time_not_increasing", "0,0A,25\n# c\n60,1A,25\n60,2A,25\n", 4, "not after"},
        ErrorCase{"no_unit", "0,5,25\n", 1, "unit"}, ErrorCase{"bad_unit", "0,5V,25\n", 1, "unit"},
        ErrorCase{"bad_number", "0,x A,25\n", 1, "not a number"},
        ErrorCase{"ambient_out_of_range", "0,0A,200\n", 1, "ambient_c"},
        ErrorCase{"too_few_fields", "0,0A\n", 1, "expected 3 or 4 fields"},
        ErrorCase{"too_many_fields", "0,0A,25,ramp,x\n", 1, "expected 3 or 4 fields"},
        ErrorCase{"bad_transition", "0,0A,25\n10,1A,25,jump\n", 2, "transition"},
        ErrorCase{"first_point_ramps", "0,0A,25,ramp\n", 1, "first point"},
        ErrorCase{"ramp_across_units", "0,0A,25\n10,100W,25,ramp\n", 2,
                  "current (A) and a power (W)"},
        ErrorCase{"after_repeat", "0,0A,25\n10,1A,25\nrepeat\n20,1A,25\n", 4, "repeat"},
        ErrorCase{"repeat_first", "repeat\n", 1, "before any point"},
        ErrorCase{"empty", "# nothing\n\n", 0, "no points"}),
    [](const auto& p) { return std::string(p.param.name); });

TEST(SimScenarioParser, GIVEN_several_bad_lines_WHEN_parsed_THEN_all_are_reported) {
  const auto r = parse_scenario(std::string_view("0,0A,25\nx,1A,25\n10,1Q,25\n20,1A,25\n"));
  ASSERT_EQ(r.errors.size(), 2U);
  EXPECT_EQ(r.errors[0].line, 2);
  EXPECT_EQ(r.errors[1].line, 3);
}

struct TimelineCase {
  double t_s;
  double expected_value;
  double expected_ambient_c;
};

class SimScenarioTimeline : public ::testing::TestWithParam<TimelineCase> {};

TEST_P(SimScenarioTimeline, GIVEN_the_valid_scenario_WHEN_evaluated_THEN_holds_ramps_and_repeats) {
  const auto s = parse_scenario(std::string_view(kValid)).scenario.value();
  const LoadProfile p = LoadProfile::from_scenario(s);
  const LoadDemand d = p.demand_at(GetParam().t_s, 25.0);
  EXPECT_NEAR(d.value, GetParam().expected_value, 1e-9) << "t=" << GetParam().t_s;
  EXPECT_NEAR(d.ambient_c, GetParam().expected_ambient_c, 1e-9) << "t=" << GetParam().t_s;
}

INSTANTIATE_TEST_SUITE_P(Points, SimScenarioTimeline,
                         ::testing::Values(TimelineCase{0.0, 0.0, 25.0},
                                           TimelineCase{30.0, -25.0, 25.0},  // half way up the ramp
                                           TimelineCase{60.0, -50.0, 20.0},
                                           TimelineCase{119.0, -50.0, 20.0},  // hold
                                           TimelineCase{120.0, 1500.0, 30.0},
                                           TimelineCase{179.0, 1500.0, 30.0},
                                           TimelineCase{210.0, -25.0, 25.0}));  // repeat: 180 + 30

TEST(SimScenario, GIVEN_a_scenario_load_WHEN_the_model_runs_THEN_it_follows_the_timeline) {
  const auto s =
      parse_scenario(std::string_view("0,-10A,25\n100,-10A,25\n100.5,-40A,25\n")).scenario;
  ASSERT_TRUE(s);
  SimConfig c;
  c.load = LoadProfile::from_scenario(*s);
  Simulator sim(c);
  Millis now = 0;
  sim.advance(now);
  now += 50'000;
  sim.advance(now);
  EXPECT_NEAR(sim.truth().current_a, -10.0, 1e-9);
  now += 60'000;
  sim.advance(now);
  EXPECT_NEAR(sim.truth().current_a, -40.0, 1e-9);
}

TEST(SimScenario, GIVEN_a_power_load_WHEN_the_model_runs_THEN_current_is_power_over_pack_voltage) {
  SimConfig c;
  c.load = LoadProfile::constant_power(-2000.0);
  Simulator sim(c);
  Millis now = 0;
  sim.advance(now);
  now += 10'000;
  sim.advance(now);
  EXPECT_NEAR(sim.truth().current_a * sim.truth().pack_voltage_v, -2000.0, 5.0);
}

}  // namespace
}  // namespace tbgw::sim
