// A throw-away state directory for tests of files (config, counters): created empty under the
// system temp directory, removed with everything in it at the end of the test.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

namespace tbgw::test {

class TempStateDir {
 public:
  TempStateDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tbgw-state-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempStateDir() {
    std::error_code ec;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ec);
    std::filesystem::remove_all(path_, ec);
  }
  TempStateDir(const TempStateDir&) = delete;
  TempStateDir& operator=(const TempStateDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // Entries other than config.json and config.json.last-good (temp files, leftovers).
  std::size_t stray_files() const {
    std::size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(path_)) {
      const auto name = e.path().filename().string();
      if (name != "config.json" && name != "config.json.last-good") ++n;
    }
    return n;
  }

 private:
  std::filesystem::path path_;
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
