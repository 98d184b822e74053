// EnergyPeriodsStore: the per-day / per-month / lifetime energy figures
// (core/energy/energy_periods) in STATE_DIR/energy-periods.json, written atomically like the
// energy counters (platform/linux/atomic_file). A missing file starts empty; an unreadable or
// inconsistent one is moved aside to energy-periods.json.corrupt and the periods start empty,
// with a log line that says so (the lifetime totals of energy.json are not affected).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "core/energy/energy_periods.hpp"
#include "platform/linux/energy_error.hpp"

namespace tbgw::platform {

// What load() found: the state when the file was good, and one log line either way (like
// EnergyStore::load, it never fails: without a good file the periods start empty).
struct EnergyPeriodsLoad {
  std::optional<energy::EnergyPeriodsState> state;
  std::string detail;
};

class EnergyPeriodsStore {
 public:
  explicit EnergyPeriodsStore(const std::filesystem::path& state_dir);

  EnergyPeriodsLoad load();
  Result<void, EnergyError> save(const energy::EnergyPeriodsState& state);

 private:
  std::filesystem::path path_;
};

// The JSON text of a state and back (exposed for tests).
std::string energy_periods_to_json(const energy::EnergyPeriodsState& state);
Result<energy::EnergyPeriodsState, EnergyError> energy_periods_from_json(const std::string& text);

}  // namespace tbgw::platform
