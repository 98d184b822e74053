// Faults: everything the simulator can be told to do wrong, switchable while it runs.
//
// The Simulator reads this struct on every step and every reply, so a change takes effect at
// once (apply_command() in simulator.hpp is the text front end). Link faults draw from their
// own seeded random stream, separate from the battery's, so the same seed and the same fault
// switches give the same run, and switching a fault never changes the battery.
#pragma once

#include <array>
#include <optional>

namespace tbgw::sim {

struct Faults {
  // --- link ---
  bool silent = false;             // unplugged: requests are not received, nothing is sent,
                                   // replies already queued are discarded
  double drop_probability = 0.0;   // 0-1: a finished reply is discarded instead of sent
  double corrupt_byte_rate = 0.0;  // 0-1: per outgoing byte, chance that one random bit flips
  int late_ms = 0;                 // extra delay before a reply's first byte, ms (>= 0)

  // --- battery ---
  int drift_cell = 0;             // pack cell 1..N whose voltage drifts; 0 = none
  double drift_mv_per_min = 0.0;  // drift rate, mV per model minute (+ = upwards)
  // Temperature sensors forced to a reading, degC: [0] internal, [1] external 1, [2] external 2.
  std::array<std::optional<double>, 3> sensor_override_c{};
};

}  // namespace tbgw::sim
