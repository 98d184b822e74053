// Host build of the golden-vector program: no platform figures to report.
#include "mcu/platform_report.hpp"

namespace tbgw::mcu {

std::size_t stack_peak_bytes() {
  return 0;
}

void report_platform() {}

}  // namespace tbgw::mcu
