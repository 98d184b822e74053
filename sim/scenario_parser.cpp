// Scenario text parser; the format is described in scenario_parser.hpp and SCENARIO_FORMAT.md.
#include "sim/scenario_parser.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <sstream>
#include <system_error>

namespace tbgw::sim {
namespace {

constexpr double kMinAmbientC = -60.0;
constexpr double kMaxAmbientC = 100.0;
constexpr double kMaxAbsCurrentA = 10000.0;
constexpr double kMaxAbsPowerW = 1.0e6;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    fields.push_back(trim(line.substr(start, comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return fields;
}

// A whole field as a finite number (a leading '+' is accepted, from_chars alone rejects it).
std::optional<double> parse_number(std::string_view s) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  double v = 0.0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) {
      return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

class LineParser {
 public:
  explicit LineParser(ScenarioParseResult& result) : result_(result) {}

  void parse(int line_no, std::string_view raw) {
    std::string_view line = raw.substr(0, raw.find('#'));
    line = trim(line);
    if (line.empty()) return;
    if (saw_repeat_) return error(line_no, "nothing may follow 'repeat'");
    if (iequals(line, "repeat")) {
      saw_repeat_ = true;
      if (scenario_.points.empty()) error(line_no, "'repeat' before any point");
      return;
    }
    const auto fields = split_fields(line);
    if (first_data_line_ && iequals(fields[0], "time_s")) {
      first_data_line_ = false;
      return;  // header line
    }
    first_data_line_ = false;
    if (fields.size() < 3 || fields.size() > 4) {
      return error(line_no, "expected 3 or 4 fields (time_s, load, ambient_c[, hold|ramp]), got " +
                                std::to_string(fields.size()));
    }
    ScenarioPoint p;
    p.line = line_no;
    if (!parse_time(line_no, fields[0], p) || !parse_load(line_no, fields[1], p) ||
        !parse_ambient(line_no, fields[2], p) ||
        !parse_transition(line_no, fields.size() == 4 ? fields[3] : "", p)) {
      return;
    }
    scenario_.points.push_back(p);
  }

  void finish() {
    if (scenario_.points.empty() && result_.errors.empty()) {
      error(0, "the scenario has no points");
    }
    scenario_.repeat = saw_repeat_;
    if (saw_repeat_ && !scenario_.points.empty() && scenario_.points.back().time_s <= 0.0) {
      error(0, "'repeat' needs a last point after time 0 (it sets the period)");
    }
    if (result_.errors.empty()) result_.scenario = std::move(scenario_);
  }

 private:
  void error(int line_no, std::string message) {
    result_.errors.push_back({line_no, std::move(message)});
  }

  bool parse_time(int line_no, std::string_view field, ScenarioPoint& p) {
    const auto t = parse_number(field);
    if (!t || *t < 0.0) {
      error(line_no, "time_s '" + std::string(field) + "' is not a number >= 0");
      return false;
    }
    if (!scenario_.points.empty() && *t <= scenario_.points.back().time_s) {
      std::ostringstream msg;
      msg << "time " << *t << " is not after the previous point (" << scenario_.points.back().time_s
          << ")";
      error(line_no, msg.str());
      return false;
    }
    p.time_s = *t;
    return true;
  }

  bool parse_load(int line_no, std::string_view field, ScenarioPoint& p) {
    std::string_view number = field;
    if (!number.empty() && (number.back() == 'A' || number.back() == 'a')) {
      p.quantity = LoadQuantity::current_a;
    } else if (!number.empty() && (number.back() == 'W' || number.back() == 'w')) {
      p.quantity = LoadQuantity::power_w;
    } else {
      error(line_no, "load '" + std::string(field) + "' needs a unit: A (current) or W (power)");
      return false;
    }
    number.remove_suffix(1);
    const auto v = parse_number(trim(number));
    const double limit = p.quantity == LoadQuantity::current_a ? kMaxAbsCurrentA : kMaxAbsPowerW;
    if (!v || std::fabs(*v) > limit) {
      error(line_no, "load '" + std::string(field) + "' is not a number within +-" +
                         std::to_string(static_cast<long>(limit)));
      return false;
    }
    p.value = *v;
    return true;
  }

  bool parse_ambient(int line_no, std::string_view field, ScenarioPoint& p) {
    if (field.empty() || field == "-") {
      p.ambient_c = scenario_.points.empty() ? std::numeric_limits<double>::quiet_NaN()
                                             : scenario_.points.back().ambient_c;
      return true;
    }
    const auto v = parse_number(field);
    if (!v || *v < kMinAmbientC || *v > kMaxAmbientC) {
      error(line_no, "ambient_c '" + std::string(field) + "' is not a number in -60..100");
      return false;
    }
    p.ambient_c = *v;
    return true;
  }

  bool parse_transition(int line_no, std::string_view field, ScenarioPoint& p) {
    if (field.empty() || iequals(field, "hold")) {
      p.transition = Transition::hold;
      return true;
    }
    if (!iequals(field, "ramp")) {
      error(line_no, "transition '" + std::string(field) + "' is neither 'hold' nor 'ramp'");
      return false;
    }
    if (scenario_.points.empty()) {
      error(line_no, "the first point cannot ramp (there is nothing to ramp from)");
      return false;
    }
    if (scenario_.points.back().quantity != p.quantity) {
      error(line_no, "cannot ramp between a current (A) and a power (W)");
      return false;
    }
    p.transition = Transition::ramp;
    return true;
  }

  ScenarioParseResult& result_;
  Scenario scenario_;
  bool saw_repeat_ = false;
  bool first_data_line_ = true;
};

}  // namespace

ScenarioParseResult parse_scenario(std::istream& in) {
  ScenarioParseResult result;
  LineParser parser(result);
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) parser.parse(++line_no, line);
  parser.finish();
  return result;
}

ScenarioParseResult parse_scenario(std::string_view text) {
  std::istringstream in{std::string(text)};
  return parse_scenario(in);
}

std::string format_errors(const std::vector<ScenarioError>& errors) {
  std::string out;
  for (const auto& e : errors) {
    if (!out.empty()) out += '\n';
    out += e.line > 0 ? "line " + std::to_string(e.line) + ": " + e.message : e.message;
  }
  return out;
}

}  // namespace tbgw::sim
