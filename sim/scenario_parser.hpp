// Parser of the scenario text format (full description: sim/SCENARIO_FORMAT.md).
//
//   # comment (also after a value); blank lines are ignored
//   time_s, load, ambient_c[, hold|ramp]
//   0,      0 A,    25
//   600,    -50 A,  25,  ramp      <- ramps linearly from the previous point to -50 A
//   3600,   1500 W, 30             <- hold (default): the previous values hold until 3600 s
//   7200,   0 A,    -               <- "-" or empty ambient keeps the previous ambient
//   repeat                          <- optional last line: loop with period 7200 s
//
// `load` is a number with the unit A (current) or W (power), positive = charging. The ambient
// of the first point may be "-" too: the simulator's configured ambient is used then. A header
// line whose first field is `time_s` is skipped. Times are model seconds, strictly increasing.
// A ramp needs the same unit at both ends (a current cannot ramp into a power).
//
// Every bad line is reported with its line number (1-based) and a reason; the parser keeps
// going so one run lists all problems. A file with any error yields no scenario.
#pragma once

#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario.hpp"

namespace tbgw::sim {

struct ScenarioError {
  int line = 0;         // 1-based line number; 0 for an error about the whole file
  std::string message;  // what is wrong, e.g. "time 50 is not after the previous point (60)"
};

struct ScenarioParseResult {
  std::optional<Scenario> scenario;  // set when errors is empty
  std::vector<ScenarioError> errors;
};

ScenarioParseResult parse_scenario(std::istream& in);
ScenarioParseResult parse_scenario(std::string_view text);

// "line 4: ..." lines joined by '\n', for a CLI error message.
std::string format_errors(const std::vector<ScenarioError>& errors);

}  // namespace tbgw::sim
