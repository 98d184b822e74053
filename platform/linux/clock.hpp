// The one place the Linux programs read clocks for the core (time is a parameter everywhere
// below app/): the monotonic clock for protocol timing, the wall clock and the local UTC
// offset for what a person reads (history, per-day energy, alert times).
#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>

#include "core/util/time.hpp"

namespace tbgw::platform {

inline Millis now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

// The same monotonic clock in microseconds (now_us() / 1000 == now_ms()): the CAN schedule's
// time, fine enough for its cadence statistics.
inline Micros now_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

inline std::int64_t unix_now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// Seconds east of UTC for the local time zone at `unix_s` (TZ / /etc/localtime).
inline std::int32_t utc_offset_s(std::int64_t unix_s) {
  const std::time_t t = static_cast<std::time_t>(unix_s);
  std::tm local{};
  if (::localtime_r(&t, &local) == nullptr) return 0;
  return static_cast<std::int32_t>(local.tm_gmtoff);
}

}  // namespace tbgw::platform
