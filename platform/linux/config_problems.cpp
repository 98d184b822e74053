#include "platform/linux/config_problems.hpp"

namespace tbgw::platform {

std::vector<std::string> ConfigProblems::lines(std::string_view prefix) const {
  std::vector<std::string> out;
  for (const auto& item : items()) out.push_back(std::string(prefix) + std::string(item.view()));
  if (omitted_ > 0) {
    out.push_back(std::string(prefix) + "(" + std::to_string(omitted_) + " more problems)");
  }
  return out;
}

std::string ConfigProblems::joined() const {
  std::string out;
  for (const auto& line : lines()) out += (out.empty() ? "" : "; ") + line;
  return out;
}

}  // namespace tbgw::platform
