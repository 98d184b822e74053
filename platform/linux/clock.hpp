// The one place the Linux programs read the monotonic clock for the core (time is a parameter
// everywhere below app/).
#pragma once

#include <chrono>

#include "core/util/time.hpp"

namespace tbgw::platform {

inline Millis now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace tbgw::platform
