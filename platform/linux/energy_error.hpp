// EnergyError: the errors of the energy files (energy_store.hpp: the lifetime counters,
// energy_periods_store.hpp: the per-day figures).
#pragma once

#include <cstdint>

#include "platform/linux/error.hpp"

namespace tbgw::platform {

// Why energy counters or per-day figures were not saved, or a file's text was refused.
enum class EnergyErrc : std::uint8_t {
  invalid_counters,     // save(): negative or not finite
  write_failed,         // save(): the atomic write failed (detail: step, file, OS reason)
  bad_json,             // text: not JSON, or a member of the wrong type (detail: the parser's
                        // message, with the byte offset of a syntax error)
  not_object,           // text: JSON, but not an object
  no_version,           // text: no integer "version"
  unsupported_version,  // text: another format version (detail: the version found)
  missing_total,        // text: a total is absent or not a number (detail: its name)
  invalid_total,        // text: a total is negative or not finite
  too_many_periods,     // text: more days or months than energy::EnergyPeriods keeps
  out_of_memory,        // std::bad_alloc or another library exception (detail: its what())
};
const char* to_string(EnergyErrc e);
using EnergyError = Error<EnergyErrc>;

}  // namespace tbgw::platform
