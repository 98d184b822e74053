// Time in the core is always a parameter (DESIGN rule 1): callers pass a monotonic
// millisecond count; nothing under core/ reads a clock. The origin is arbitrary.
#pragma once

#include <cstdint>

namespace tbgw {

// Milliseconds on a monotonic clock chosen by the caller (steady_clock on Linux, the
// FreeRTOS tick count on a microcontroller). Signed so that differences are safe.
using Millis = std::int64_t;

// Microseconds on the same clock, for what needs finer grain than a millisecond (the CAN
// cadence statistics): `now_us / 1000` is the Millis of the same instant.
using Micros = std::int64_t;

}  // namespace tbgw
