// EnergyCounters: energy and charge that went into and out of the pack since the counters were
// last reset. Filled by core/energy/EnergyCounter, persisted by the platform's EnergyStore,
// read by the CAN encoder (0x378) and later the UI.
//
// Doubles, because the totals grow for years while each step adds a fraction of a Wh; a float
// would stop counting small steps after a few MWh. Both directions are positive magnitudes.
#pragma once

#include <cmath>
#include <initializer_list>
#include <type_traits>

#include "core/util/time.hpp"

namespace tbgw::msg {

struct EnergyCounters {
  Millis stamp_ms = 0;  // stamp of the last snapshot integrated (0: none yet in this process)

  double wh_charged = 0.0;     // energy into the pack (current > 0)
  double wh_discharged = 0.0;  // energy out of the pack, as a positive number
  double ah_charged = 0.0;     // charge into the pack
  double ah_discharged = 0.0;  // charge out of the pack, as a positive number
};

static_assert(std::is_trivially_copyable_v<EnergyCounters>);

// Validator: every total finite and not negative.
inline bool is_valid(const EnergyCounters& c) {
  for (const double v : {c.wh_charged, c.wh_discharged, c.ah_charged, c.ah_discharged}) {
    if (!std::isfinite(v) || v < 0.0) return false;
  }
  return true;
}

}  // namespace tbgw::msg
