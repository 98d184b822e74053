// Range checks of SimConfig; see sim_config.hpp.
#include "sim/sim_config.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <sstream>
#include <type_traits>
#include <vector>

namespace tbgw::sim {
namespace {

// One table drives both validate_config() and sanitized(), so the two cannot disagree.
struct Field {
  const char* name;
  double min;
  double max;
  std::function<double(const SimConfig&)> get;
  std::function<void(SimConfig&, double)> set;
};

template <class T>
Field field(const char* name, double min, double max, T SimConfig::*member) {
  return {name, min, max, [member](const SimConfig& c) { return static_cast<double>(c.*member); },
          [member](SimConfig& c, double v) {
            if constexpr (std::is_integral_v<T>) {
              c.*member = static_cast<T>(std::llround(v));
            } else {
              c.*member = static_cast<T>(v);
            }
          }};
}

const std::vector<Field>& fields() {
  static const std::vector<Field> kFields = {
      field("cells", 4, 16, &SimConfig::cells),
      field("capacity_ah", 0.1, 655.0, &SimConfig::capacity_ah),
      field("initial_soc_pct", 0, 100, &SimConfig::initial_soc_pct),
      field("initial_soh_pct", 0, 100, &SimConfig::initial_soh_pct),
      field("capacity_spread_pct", 0, 20, &SimConfig::capacity_spread_pct),
      field("soc_spread_pct", 0, 20, &SimConfig::soc_spread_pct),
      field("resistance_spread_pct", 0, 50, &SimConfig::resistance_spread_pct),
      field("cell_resistance_mohm", 0.01, 100, &SimConfig::cell_resistance_mohm),
      field("polarization_mohm", 0.0, 100, &SimConfig::polarization_mohm),
      field("polarization_tau_s", 0.1, 100000, &SimConfig::polarization_tau_s),
      field("balance_resistor_ohm", 0.1, 100000, &SimConfig::balance_resistor_ohm),
      field("ambient_c", -40, 80, &SimConfig::ambient_c),
      field("time_factor", 0.001, 100000, &SimConfig::time_factor),
      field("model_step_ms", 10, 1000, &SimConfig::model_step_ms),
      field("response_delay_ms", 0, 10000, &SimConfig::response_delay_ms),
      field("baud", 300, 4000000, &SimConfig::baud),
      field("sleep_after_ms", 100, 3600000, &SimConfig::sleep_after_ms),
  };
  return kFields;
}

}  // namespace

std::string validate_config(const SimConfig& config) {
  // Only a value cast from outside the enum can fail here (the lookup falls back to lfp).
  if (chemistry_profile(config.chemistry).chemistry != config.chemistry) {
    return "chemistry is not one of " + std::string(kChemistryChoices);
  }
  for (const Field& f : fields()) {
    const double v = f.get(config);
    if (!(v >= f.min && v <= f.max)) {
      std::ostringstream msg;
      msg << f.name << " = " << v << " is outside " << f.min << ".." << f.max;
      return msg.str();
    }
  }
  return {};
}

SimConfig sanitized(const SimConfig& config) {
  SimConfig out = config;
  out.chemistry = chemistry_profile(config.chemistry).chemistry;  // unknown value -> lfp
  for (const Field& f : fields()) {
    const double v = f.get(out);
    f.set(out, std::isnan(v) ? f.min : std::clamp(v, f.min, f.max));
  }
  return out;
}

}  // namespace tbgw::sim
