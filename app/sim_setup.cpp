#include "app/sim_setup.hpp"

#include <fstream>
#include <sstream>

#include "sim/chemistry.hpp"
#include "sim/scenario_parser.hpp"

namespace tbgw::app {

std::unique_ptr<sim::SimulatorHost> start_simulator(boost::asio::io_context& io,
                                                    const SimOptions& options, std::string& error) {
  sim::SimConfig config;
  const auto chemistry = sim::chemistry_from_name(options.chemistry);
  if (!chemistry) {
    error = sim::unknown_chemistry_message(options.chemistry);
    return nullptr;
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
    if (!in) {
      error = "cannot read scenario file " + options.scenario_file;
      return nullptr;
    }
    auto parsed = sim::parse_scenario(in);
    if (!parsed.errors.empty()) {
      error = options.scenario_file + ": " + sim::format_errors(parsed.errors);
      return nullptr;
    }
    config.load = sim::LoadProfile::from_scenario(std::move(*parsed.scenario));
  }
  if (const std::string bad = sim::validate_config(config); !bad.empty()) {
    error = bad;
    return nullptr;
  }
  auto host = std::make_unique<sim::SimulatorHost>(io, config);
  if (!host->open_pty(error)) return nullptr;
  host->start();
  return host;
}

}  // namespace tbgw::app
