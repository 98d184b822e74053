#include "platform/linux/energy_error.hpp"

namespace tbgw::platform {

const char* to_string(EnergyErrc e) {
  switch (e) {
    case EnergyErrc::invalid_counters:
      return "refusing to save invalid energy counters (negative or not finite)";
    case EnergyErrc::write_failed:
      return "write failed:";
    case EnergyErrc::bad_json:
      return "bad JSON:";
    case EnergyErrc::not_object:
      return "not a JSON object";
    case EnergyErrc::no_version:
      return "no integer \"version\"";
    case EnergyErrc::unsupported_version:
      return "unsupported version";
    case EnergyErrc::missing_total:
      return "no number";
    case EnergyErrc::invalid_total:
      return "a total is negative or not finite";
    case EnergyErrc::too_many_periods:
      return "more days or months than kept";
    case EnergyErrc::out_of_memory:
      return "out of memory:";
  }
  return "energy file error";
}

}  // namespace tbgw::platform
