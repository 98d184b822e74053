// The clock of the golden-vector run, shared by the recorder (host, with the simulator) and the
// golden program (host and MCU, with the recorded bytes): both step the same fake clock and call
// the poller at the same instants, so replayed bytes meet the poller in the same state.
#pragma once

#include "core/util/time.hpp"

namespace tbgw::mcu {

inline constexpr Millis kStepMs = 5;         // one loop iteration: poll, then feed bytes
inline constexpr Millis kEndMs = 80'000;     // length of the run
inline constexpr Millis kCanCycleMs = 1000;  // Victron CAN cadence

}  // namespace tbgw::mcu
