// Chemistry names and the lookup of a chemistry's profile; the tables themselves are in
// chemistry_lfp.cpp, chemistry_nmc.cpp and chemistry_lto.cpp.
#include "sim/chemistry.hpp"

#include <array>

namespace tbgw::sim {
namespace {

constexpr std::array kAll{Chemistry::lfp, Chemistry::nmc, Chemistry::lto};

}  // namespace

const ChemistryProfile& chemistry_profile(Chemistry chemistry) {
  switch (chemistry) {
    case Chemistry::nmc:
      return chemistry_tables::nmc();
    case Chemistry::lto:
      return chemistry_tables::lto();
    case Chemistry::lfp:
      break;
  }
  return chemistry_tables::lfp();  // also for a value outside the enum: the default chemistry
}

std::string_view chemistry_name(Chemistry chemistry) {
  return chemistry_profile(chemistry).name;
}

std::optional<Chemistry> chemistry_from_name(std::string_view name) {
  for (const Chemistry c : kAll) {
    if (chemistry_profile(c).name == name) return c;
  }
  return std::nullopt;
}

std::string unknown_chemistry_message(std::string_view name) {
  if (chemistry_from_name(name)) return {};
  return "unknown chemistry '" + std::string(name) +
         "' (allowed: " + std::string(kChemistryChoices) + ")";
}

}  // namespace tbgw::sim
