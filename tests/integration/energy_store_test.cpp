// EnergyStore on a real filesystem: round trip, damaged files fall back to the last good copy,
// failed writes leave the old file intact (the SIGKILL loop is in energy_store_kill_test.cpp).
#include "platform/linux/energy_store.hpp"

#include <fcntl.h>
#include <linux/fs.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <string>

#include "integration/temp_dir.hpp"

namespace tbgw::platform {
namespace {

namespace fs = std::filesystem;

using test::TempDir;

msg::EnergyCounters counters(double wh_c, double wh_d, double ah_c, double ah_d) {
  msg::EnergyCounters c;
  c.wh_charged = wh_c;
  c.wh_discharged = wh_d;
  c.ah_charged = ah_c;
  c.ah_discharged = ah_d;
  return c;
}

void expect_same(const msg::EnergyCounters& a, const msg::EnergyCounters& b) {
  EXPECT_EQ(a.wh_charged, b.wh_charged);
  EXPECT_EQ(a.wh_discharged, b.wh_discharged);
  EXPECT_EQ(a.ah_charged, b.ah_charged);
  EXPECT_EQ(a.ah_discharged, b.ah_discharged);
}

void write_text(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

// The Result-returning API as the bool-and-message form these tests were written against.
bool save(EnergyStore& store, const msg::EnergyCounters& c, std::string& error) {
  const auto r = store.save(c);
  if (!r) error = to_string(r.error());
  return r.ok();
}

bool from_json(std::string_view text, msg::EnergyCounters& out, std::string& error) {
  const auto r = energy_counters_from_json(text);
  if (!r) {
    error = to_string(r.error());
    return false;
  }
  out = *r;
  return true;
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(EnergyStore, GivenSavedCounters_WhenLoaded_ThenBitIdenticalAndFromFile) {
  const msg::EnergyCounters cases[] = {
      counters(0, 0, 0, 0),
      counters(1234.5, 987.25, 24.125, 19.0),
      counters(0.1, 1.0 / 3.0, 2.0 / 7.0, 1e-9),
      counters(9.87654321e12, 5e-324, 1.7976931348623157e308, 123456789.123456789),
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(energy_counters_to_json(c));
    TempDir dir;
    EnergyStore store(dir.path());
    (void)store.load();
    std::string error;
    ASSERT_TRUE(save(store, c, error)) << error;

    EnergyStore reader(dir.path());
    const auto r = reader.load();
    EXPECT_EQ(r.source, EnergyLoadSource::file) << r.detail;
    expect_same(r.counters, c);
    EXPECT_EQ(r.counters.stamp_ms, 0);
  }
}

TEST(EnergyStore, GivenNoFile_WhenLoaded_ThenZeroAndSourceNone) {
  TempDir dir;
  EnergyStore store(dir.path());
  const auto r = store.load();
  EXPECT_EQ(r.source, EnergyLoadSource::none);
  expect_same(r.counters, msg::EnergyCounters{});
  EXPECT_NE(r.detail.find("starting from zero"), std::string::npos) << r.detail;
}

TEST(EnergyStore, GivenTwoSaves_ThenPreviousIsKeptAsLastGood) {
  TempDir dir;
  EnergyStore store(dir.path());
  (void)store.load();
  std::string error;
  ASSERT_TRUE(save(store, counters(1, 2, 3, 4), error)) << error;
  EXPECT_FALSE(fs::exists(store.last_good_path()));  // nothing to keep yet
  ASSERT_TRUE(save(store, counters(5, 6, 7, 8), error)) << error;

  msg::EnergyCounters last_good;
  ASSERT_TRUE(from_json(read_text(store.last_good_path()), last_good, error));
  expect_same(last_good, counters(1, 2, 3, 4));
}

TEST(EnergyStore, GivenDamagedFile_WhenLoaded_ThenLastGoodCopyUsedAndDamagedFileKeptAside) {
  struct Case {
    const char* name;
    std::string text;
    const char* reason;  // expected in the detail
  };
  const Case cases[] = {
      {"empty", "", "parse error"},
      {"truncated", R"({"version": 1, "wh_charged": 12)", "parse error"},
      {"garbage", std::string("\x00\xff\x13garbage", 10), "parse error"},
      {"not an object", "[1, 2]", "not a JSON object"},
      {"missing total", R"({"version": 1, "wh_charged": 1, "wh_discharged": 1, "ah_charged": 1})",
       "ah_discharged"},
      {"negative total",
       R"({"version":1,"wh_charged":-5,"wh_discharged":1,"ah_charged":1,"ah_discharged":1})",
       "negative"},
      {"nan written as null",
       R"({"version":1,"wh_charged":null,"wh_discharged":1,"ah_charged":1,"ah_discharged":1})",
       "wh_charged"},
      {"future version",
       R"({"version":2,"wh_charged":1,"wh_discharged":1,"ah_charged":1,"ah_discharged":1})",
       "unsupported version 2"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    TempDir dir;
    std::string error;
    {
      EnergyStore store(dir.path());
      (void)store.load();
      ASSERT_TRUE(save(store, counters(10, 20, 1, 2), error)) << error;
      ASSERT_TRUE(save(store, counters(11, 21, 1.5, 2.5), error)) << error;
      write_text(store.file_path(), c.text);  // damaged after the fact
    }
    EnergyStore store(dir.path());
    const auto r = store.load();

    EXPECT_EQ(r.source, EnergyLoadSource::last_good) << r.detail;
    expect_same(r.counters, counters(10, 20, 1, 2));
    EXPECT_NE(r.detail.find(c.reason), std::string::npos) << r.detail;
    EXPECT_EQ(read_text(dir.path() / "energy.json.corrupt"), c.text);

    // The next save writes a fresh file and must not replace the good copy by anything damaged.
    ASSERT_TRUE(save(store, counters(12, 22, 2, 3), error)) << error;
    EnergyStore again(dir.path());
    const auto r2 = again.load();
    EXPECT_EQ(r2.source, EnergyLoadSource::file) << r2.detail;
    expect_same(r2.counters, counters(12, 22, 2, 3));
    msg::EnergyCounters last_good;
    ASSERT_TRUE(from_json(read_text(store.last_good_path()), last_good, error));
    expect_same(last_good, counters(10, 20, 1, 2));
  }
}

TEST(EnergyStore, GivenOnlyLastGoodCopy_WhenLoaded_ThenItIsUsed) {
  TempDir dir;
  EnergyStore store(dir.path());
  (void)store.load();
  std::string error;
  ASSERT_TRUE(save(store, counters(1, 2, 3, 4), error)) << error;
  ASSERT_TRUE(save(store, counters(5, 6, 7, 8), error)) << error;
  fs::remove(store.file_path());

  const auto r = EnergyStore(dir.path()).load();
  EXPECT_EQ(r.source, EnergyLoadSource::last_good) << r.detail;
  expect_same(r.counters, counters(1, 2, 3, 4));
}

TEST(EnergyStore, GivenEveryCopyDamaged_WhenLoaded_ThenZeroWithBothReasons) {
  TempDir dir;
  write_text(dir.path() / "energy.json", "{");
  write_text(dir.path() / "energy.json.last-good", "[]");
  const auto r = EnergyStore(dir.path()).load();
  EXPECT_EQ(r.source, EnergyLoadSource::reset);
  expect_same(r.counters, msg::EnergyCounters{});
  EXPECT_NE(r.detail.find("parse error"), std::string::npos) << r.detail;
  EXPECT_NE(r.detail.find("not a JSON object"), std::string::npos) << r.detail;
}

TEST(EnergyStore, GivenInvalidCounters_WhenSaved_ThenRefusedAndFileUnchanged) {
  TempDir dir;
  EnergyStore store(dir.path());
  (void)store.load();
  std::string error;
  ASSERT_TRUE(save(store, counters(1, 2, 3, 4), error)) << error;
  EXPECT_FALSE(save(store, counters(std::numeric_limits<double>::quiet_NaN(), 0, 0, 0), error));
  EXPECT_FALSE(save(store, counters(-1, 0, 0, 0), error));
  EXPECT_EQ(store.stats().save_failures, 2U);
  expect_same(EnergyStore(dir.path()).load().counters, counters(1, 2, 3, 4));
}

// Makes a directory unwritable for this process, root included (immutable flag), and undoes it.
class ReadOnlyDir {
 public:
  explicit ReadOnlyDir(const fs::path& dir) : dir_(dir) {
    if (::geteuid() != 0) {
      ok_ = ::chmod(dir.c_str(), 0555) == 0;
      return;
    }
    fd_ = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int flags = 0;
    if (fd_ >= 0 && ::ioctl(fd_, FS_IOC_GETFLAGS, &flags) == 0) {
      flags |= FS_IMMUTABLE_FL;
      ok_ = ::ioctl(fd_, FS_IOC_SETFLAGS, &flags) == 0;
    }
  }
  ~ReadOnlyDir() {
    if (fd_ >= 0) {
      int flags = 0;
      if (::ioctl(fd_, FS_IOC_GETFLAGS, &flags) == 0) {
        flags &= ~FS_IMMUTABLE_FL;
        ::ioctl(fd_, FS_IOC_SETFLAGS, &flags);
      }
      ::close(fd_);
    } else {
      ::chmod(dir_.c_str(), 0755);
    }
  }
  ReadOnlyDir(const ReadOnlyDir&) = delete;
  ReadOnlyDir& operator=(const ReadOnlyDir&) = delete;
  bool ok() const { return ok_; }

 private:
  fs::path dir_;
  int fd_ = -1;
  bool ok_ = false;
};

// A file-size limit makes write() fail with EFBIG, as a full disk would with ENOSPC.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &old_);
    old_handler_ = ::signal(SIGXFSZ, SIG_IGN);
    rlimit lim = old_;
    lim.rlim_cur = bytes;
    ok_ = ::setrlimit(RLIMIT_FSIZE, &lim) == 0;
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &old_);
    ::signal(SIGXFSZ, old_handler_);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;
  bool ok() const { return ok_; }

 private:
  rlimit old_{};
  sighandler_t old_handler_{};
  bool ok_ = false;
};

TEST(EnergyStore, GivenWriteThatFails_WhenSaved_ThenClearErrorAndOldFileIntact) {
  enum class Fault { read_only_dir, disk_full, temp_path_blocked };
  struct Case {
    const char* name;
    Fault fault;
    const char* error_part;
  };
  const Case cases[] = {
      {"read-only directory", Fault::read_only_dir, "cannot create"},
      {"disk full (file size limit)", Fault::disk_full, "cannot write"},
      {"temp path is a directory", Fault::temp_path_blocked, "cannot create"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    TempDir dir;
    EnergyStore store(dir.path());
    (void)store.load();
    std::string error;
    ASSERT_TRUE(save(store, counters(1, 2, 3, 4), error)) << error;
    ASSERT_TRUE(save(store, counters(5, 6, 7, 8), error)) << error;
    const std::string before = read_text(store.file_path());

    bool saved = true;
    error.clear();
    switch (c.fault) {
      case Fault::read_only_dir: {
        ReadOnlyDir ro(dir.path());
        if (!ro.ok()) {
          std::cout << "[  SKIPPED ] cannot make a read-only directory here\n";
          continue;
        }
        saved = save(store, counters(9, 9, 9, 9), error);
        break;
      }
      case Fault::disk_full: {
        FileSizeLimit limit(16);
        ASSERT_TRUE(limit.ok());
        saved = save(store, counters(9, 9, 9, 9), error);
        break;
      }
      case Fault::temp_path_blocked:
        fs::create_directory(dir.path() / "energy.json.tmp");
        saved = save(store, counters(9, 9, 9, 9), error);
        fs::remove(dir.path() / "energy.json.tmp");
        break;
    }

    EXPECT_FALSE(saved);
    EXPECT_NE(error.find(c.error_part), std::string::npos) << error;
    EXPECT_NE(error.find("energy.json"), std::string::npos) << error;
    EXPECT_EQ(read_text(store.file_path()), before);
    EXPECT_FALSE(fs::exists(dir.path() / "energy.json.tmp"));
    EXPECT_EQ(store.stats().save_failures, 1U);
    const auto r = EnergyStore(dir.path()).load();
    EXPECT_EQ(r.source, EnergyLoadSource::file);
    expect_same(r.counters, counters(5, 6, 7, 8));
    // The store recovers once the fault is gone.
    EXPECT_TRUE(save(store, counters(10, 10, 10, 10), error)) << error;
  }
}

}  // namespace
}  // namespace tbgw::platform
