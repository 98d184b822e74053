// A throw-away state directory for tests of files (config, counters): created empty under the
// system temp directory, removed with everything in it at the end of the test.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

#include "integration/temp_dir.hpp"

namespace tbgw::test {

class TempStateDir : public TempDir {
 public:
  // Entries other than config.json and config.json.last-good (temp files, leftovers).
  std::size_t stray_files() const {
    std::size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(path())) {
      const auto name = e.path().filename().string();
      if (name != "config.json" && name != "config.json.last-good") ++n;
    }
    return n;
  }
};

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_text(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

}  // namespace tbgw::test
