// Reads a candump -L log (the gateway's `log:` CAN backend) back into frames, for the tests that
// run the real gateway and check what it put on the bus.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/victron/can_frame.hpp"

namespace tbgw::test {

struct CandumpFrame {
  double unix_s = 0;
  victron::CanFrame frame;
};

// Parses `(1700000000.123456) can0 351#2802E803DC05B801` (candump -L). A hand-written parser:
// GCC 12's std::regex trips -Wmaybe-uninitialized in the asan preset.
inline std::vector<CandumpFrame> read_candump(const std::filesystem::path& file) {
  std::vector<CandumpFrame> out;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    const auto close = line.find(") ");
    const auto hash = line.find('#');
    if (line.empty() || line[0] != '(' || close == std::string::npos || hash == std::string::npos ||
        hash < 3) {
      continue;
    }
    CandumpFrame f;
    f.unix_s = std::stod(line.substr(1, close - 1));
    f.frame.id = static_cast<std::uint32_t>(std::stoul(line.substr(hash - 3, 3), nullptr, 16));
    const std::string data = line.substr(hash + 1);
    f.frame.dlc = static_cast<std::uint8_t>(std::min<std::size_t>(8, data.size() / 2));
    for (std::size_t i = 0; i < f.frame.dlc; ++i) {
      f.frame.data[i] = static_cast<std::uint8_t>(std::stoul(data.substr(2 * i, 2), nullptr, 16));
    }
    out.push_back(f);
  }
  return out;
}

}  // namespace tbgw::test
