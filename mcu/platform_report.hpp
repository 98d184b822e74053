// What differs between the host and the MCU build of the golden-vector program: only the
// platform's own report (measured peak stack on the MCU), printed after the golden output on
// lines starting with "#mcu " that scripts/test-mcu.sh strips before comparing.
#pragma once

#include <cstddef>

namespace tbgw::mcu {

// Bytes of the painted stack region ever touched (MCU build only).
std::size_t stack_peak_bytes();

// Prints the platform's figures (nothing on the host).
void report_platform();

}  // namespace tbgw::mcu
