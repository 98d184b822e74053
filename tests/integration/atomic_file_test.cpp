// write_file_atomically, the helper shared by the config store and the energy store: content
// and mode of a new file, a stale temp reused, the previous file kept only when asked, and
// failures that name the file and leave the old content.
#include "platform/linux/atomic_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "integration/temp_dir.hpp"

namespace tbgw::platform {
namespace {

namespace fs = std::filesystem;

using test::TempDir;

// The Result-returning API as the bool-and-message form these tests were written against.
bool write_file_atomically(const fs::path& path, std::string_view bytes, std::string& error,
                           const AtomicWriteOptions& options = {}) {
  const auto r = platform::write_file_atomically(path, bytes, options);
  if (!r) error = to_string(r.error());
  return r.ok();
}

bool read_small_file(const fs::path& path, std::string& bytes, std::string& error,
                     std::size_t max_bytes = 1U << 20) {
  auto r = platform::read_small_file(path, max_bytes);
  if (!r) {
    error = to_string(r.error());
    return false;
  }
  bytes = std::move(*r);
  return true;
}

std::string read_text(const fs::path& p) {
  std::string bytes;
  std::string error;
  EXPECT_TRUE(read_small_file(p, bytes, error)) << error;
  return bytes;
}

TEST(AtomicFile, GivenNewPath_WhenWritten_ThenContentAndModeAndNoTempLeft) {
  struct Case {
    unsigned mode;
    std::string bytes;
  };
  const Case cases[] = {
      {0644, "hello\n"}, {0600, "secret"}, {0644, ""}, {0640, std::string(100'000, 'x')}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.mode);
    TempDir dir;
    const auto path = dir.path() / "f.json";
    std::string error;
    AtomicWriteOptions options;
    options.mode = c.mode;
    ::umask(022);
    ASSERT_TRUE(write_file_atomically(path, c.bytes, error, options)) << error;
    EXPECT_EQ(read_text(path), c.bytes);
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, c.mode & ~022U);
    EXPECT_FALSE(fs::exists(dir.path() / "f.json.tmp"));
  }
}

TEST(AtomicFile, GivenStaleTempFromACrash_WhenWritten_ThenReplacedCompletely) {
  TempDir dir;
  const auto path = dir.path() / "f.json";
  std::ofstream(dir.path() / "f.json.tmp") << std::string(1000, 'z');
  std::string error;
  ASSERT_TRUE(write_file_atomically(path, "short", error)) << error;
  EXPECT_EQ(read_text(path), "short");
}

TEST(AtomicFile, GivenKeepPreviousAs_WhenReplacing_ThenOldContentKeptOnlyWhenAsked) {
  struct Case {
    const char* name;
    bool keep;
    bool file_exists_before;
    bool backup_expected;
  };
  const Case cases[] = {
      {"kept when asked", true, true, true},
      {"not kept when not asked", false, true, false},
      {"nothing to keep on first write", true, false, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    TempDir dir;
    const auto path = dir.path() / "f.json";
    const auto backup = dir.path() / "f.json.last-good";
    std::string error;
    if (c.file_exists_before) {
      ASSERT_TRUE(write_file_atomically(path, "old", error)) << error;
    }
    AtomicWriteOptions options;
    if (c.keep) options.keep_previous_as = backup;

    ASSERT_TRUE(write_file_atomically(path, "new", error, options)) << error;

    EXPECT_EQ(read_text(path), "new");
    EXPECT_EQ(fs::exists(backup), c.backup_expected);
    if (c.backup_expected) {
      EXPECT_EQ(read_text(backup), "old");
    }
    EXPECT_FALSE(fs::exists(dir.path() / "f.json.last-good.tmp"));
  }
}

TEST(AtomicFile, GivenMissingDirectory_WhenWritten_ThenFalseWithFileAndReason) {
  TempDir dir;
  std::string error;
  EXPECT_FALSE(write_file_atomically(dir.path() / "nope" / "f.json", "x", error));
  EXPECT_NE(error.find("f.json.tmp"), std::string::npos) << error;
  EXPECT_NE(error.find("No such file or directory"), std::string::npos) << error;
}

TEST(AtomicFile, GivenFileLargerThanLimit_WhenRead_ThenRefused) {
  TempDir dir;
  const auto path = dir.path() / "big";
  std::string error;
  ASSERT_TRUE(write_file_atomically(path, std::string(5000, 'b'), error)) << error;
  std::string bytes;
  EXPECT_FALSE(read_small_file(path, bytes, error, 4096));
  EXPECT_NE(error.find("larger than 4096"), std::string::npos) << error;
  EXPECT_TRUE(read_small_file(path, bytes, error, 5000));
  EXPECT_EQ(bytes.size(), 5000U);
}

}  // namespace
}  // namespace tbgw::platform
