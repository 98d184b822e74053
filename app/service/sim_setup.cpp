#include "app/service/sim_setup.hpp"

#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "sim/chemistry.hpp"
#include "sim/scenario_parser.hpp"

namespace tbgw::app {

using platform::make_error;

const char* to_string(SimStartErrc e) {
  switch (e) {
    case SimStartErrc::unknown_chemistry:
      return "unknown chemistry";
    case SimStartErrc::scenario_unreadable:
      return "cannot read scenario file";
    case SimStartErrc::scenario_invalid:
      return "invalid scenario file";
    case SimStartErrc::invalid_config:
      return "invalid simulator settings:";
    case SimStartErrc::no_pty:
      return "pseudo-terminal:";
  }
  return "simulator error";
}

Result<std::unique_ptr<sim::SimulatorHost>, SimStartError> start_simulator(
    boost::asio::io_context& io, const SimOptions& options) {
  sim::SimConfig config;
  const auto chemistry = sim::chemistry_from_name(options.chemistry);
  if (!chemistry) {
    return make_error(
        SimStartErrc::unknown_chemistry, 0,
        "'" + options.chemistry + "' (allowed: " + std::string(sim::kChemistryChoices) + ")");
  }
  config.chemistry = *chemistry;
  config.cells = options.cells;
  config.seed = options.seed;
  config.time_factor = options.time_factor;
  config.initial_soc_pct = options.initial_soc_pct;
  config.load = sim::LoadProfile::constant_current(options.current_a);
  if (options.solar_day) config.load = sim::LoadProfile::solar_day(sim::solar_day_for(*chemistry));
  if (!options.scenario_file.empty()) {
    std::ifstream in(options.scenario_file);
    if (!in) return make_error(SimStartErrc::scenario_unreadable, 0, options.scenario_file);
    auto parsed = sim::parse_scenario(in);
    if (!parsed.errors.empty()) {
      // The list can be longer than an error's detail: all of it goes to the log here.
      const std::string all = sim::format_errors(parsed.errors);
      spdlog::error("{}: {}", options.scenario_file, all);
      return make_error(SimStartErrc::scenario_invalid, 0,
                        options.scenario_file + ": " + all.substr(0, all.find('\n')));
    }
    config.load = sim::LoadProfile::from_scenario(std::move(*parsed.scenario));
  }
  if (const std::string bad = sim::validate_config(config); !bad.empty()) {
    return make_error(SimStartErrc::invalid_config, 0, bad);
  }
  auto host = std::make_unique<sim::SimulatorHost>(io, config);
  if (auto opened = host->open_pty(); !opened) {
    return platform::wrap_error(SimStartErrc::no_pty, opened.error());
  }
  host->start();
  return host;
}

}  // namespace tbgw::app
