// Scenario: a scripted load and ambient-temperature timeline for the battery model.
//
// A scenario is a list of breakpoints in model time. Between two breakpoints the load and the
// ambient temperature either hold the earlier point's values (a step at the later point) or
// ramp linearly to the later point's values, as the later point says. Before the first point
// the first point's values hold; after the last one its values hold, or, with `repeat`, the
// timeline starts again from 0 with a period equal to the last point's time.
//
// The text format is parsed by scenario_parser.hpp and documented in sim/SCENARIO_FORMAT.md.
// Current is positive when it charges the pack (the TinyBMS convention); power likewise.
#pragma once

#include <cstddef>
#include <vector>

namespace tbgw::sim {

enum class LoadQuantity { current_a, power_w };
enum class Transition { hold, ramp };

struct ScenarioPoint {
  double time_s = 0.0;  // model seconds from the start of the run
  LoadQuantity quantity = LoadQuantity::current_a;
  double value = 0.0;                        // A or W, positive = charging
  double ambient_c = 0.0;                    // NaN = the simulator's configured ambient temperature
  Transition transition = Transition::hold;  // how the segment that ends at this point behaves
  int line = 0;                              // source line, for messages
};

struct Scenario {
  std::vector<ScenarioPoint> points;  // strictly increasing time_s
  bool repeat = false;
};

// What the load asks of the battery at one instant (before the BMS's switches act).
struct LoadDemand {
  LoadQuantity quantity = LoadQuantity::current_a;
  double value = 0.0;      // A or W, positive = charging
  double ambient_c = 0.0;  // NaN = configured ambient
};

// The scenario's demand at model time `t_s`. An empty scenario demands 0 A at NaN ambient.
LoadDemand scenario_demand_at(const Scenario& scenario, double t_s);

}  // namespace tbgw::sim
