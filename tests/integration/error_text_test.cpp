// The error texts of platform/ (error.hpp and each domain's to_string): what a log line or an
// API reply says when a file, a terminal, the CAN option, the history or the configuration
// fails.
#include <cerrno>
#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "integration/distinct_texts.hpp"
#include "platform/linux/atomic_file.hpp"
#include "platform/linux/can_backend_factory.hpp"
#include "platform/linux/config_json.hpp"
#include "platform/linux/config_problems.hpp"
#include "platform/linux/config_store.hpp"
#include "platform/linux/energy_error.hpp"
#include "platform/linux/error.hpp"
#include "platform/linux/history_store.hpp"
#include "platform/linux/tty_error.hpp"

namespace tbgw::platform {
namespace {

using test::expect_distinct_texts;

TEST(ErrorText, GivenEveryDomain_ThenEachEnumeratorHasItsOwnText) {
  expect_distinct_texts({FileErrc::create, FileErrc::write, FileErrc::fsync, FileErrc::close,
                         FileErrc::fsync_dir, FileErrc::link, FileErrc::rename, FileErrc::open,
                         FileErrc::read, FileErrc::too_large, FileErrc::out_of_memory});
  expect_distinct_texts({EnergyErrc::invalid_counters, EnergyErrc::write_failed,
                         EnergyErrc::bad_json, EnergyErrc::not_object, EnergyErrc::no_version,
                         EnergyErrc::unsupported_version, EnergyErrc::missing_total,
                         EnergyErrc::invalid_total, EnergyErrc::too_many_periods,
                         EnergyErrc::out_of_memory});
  expect_distinct_texts({TtyErrc::unsupported_baud, TtyErrc::open, TtyErrc::not_a_tty,
                         TtyErrc::in_use, TtyErrc::flock, TtyErrc::tcgetattr, TtyErrc::cfsetspeed,
                         TtyErrc::tcsetattr, TtyErrc::openpt, TtyErrc::grantpt, TtyErrc::ptsname,
                         TtyErrc::open_slave, TtyErrc::watch});
  expect_distinct_texts({CanSpecErrc::empty, CanSpecErrc::no_prefix, CanSpecErrc::bad_interface,
                         CanSpecErrc::bad_baud, CanSpecErrc::no_device, CanSpecErrc::no_file,
                         CanSpecErrc::unknown_backend, CanSpecErrc::bad_log_interface});
  expect_distinct_texts(
      {HistoryQueryErrc::not_open, HistoryQueryErrc::not_aggregate, HistoryQueryErrc::query});
  expect_distinct_texts({HistoryOpenErrc::missing, HistoryOpenErrc::cannot_open,
                         HistoryOpenErrc::unusable, HistoryOpenErrc::schema});
  expect_distinct_texts({ConfigFileErrc::empty, ConfigFileErrc::not_json,
                         ConfigFileErrc::bad_structure, ConfigFileErrc::bad_settings,
                         ConfigFileErrc::unsupported_version});
  expect_distinct_texts({ConfigSaveErrc::invalid, ConfigSaveErrc::not_encodable,
                         ConfigSaveErrc::no_directory, ConfigSaveErrc::write_failed,
                         ConfigSaveErrc::exception});
}

TEST(ErrorText, GivenAnOsError_ThenTheTextIsTheStepTheFileAndTheSystemReason) {
  const FileError e = make_error(FileErrc::create, ENOSPC, "/var/lib/x/config.json.tmp").error;
  EXPECT_EQ(to_string(e),
            std::string("cannot create /var/lib/x/config.json.tmp: ") + std::strerror(ENOSPC));
  // Without a detail, or without errno, the text has no empty part.
  EXPECT_EQ(to_string(make_error(TtyErrc::flock, EIO).error),
            std::string("flock: ") + std::strerror(EIO));
  EXPECT_EQ(to_string(make_error(FileErrc::out_of_memory).error), "out of memory");
}

TEST(ErrorText, GivenADetailLongerThanTheField_ThenItIsCutNotLost) {
  const std::string long_path = "/" + std::string(kMaxErrorDetail * 2, 'a');
  const FileError e = make_error(FileErrc::open, ENOENT, long_path).error;
  EXPECT_EQ(e.detail.size(), kMaxErrorDetail);
  EXPECT_EQ(e.errno_value, ENOENT);
  EXPECT_NE(to_string(e).find(std::strerror(ENOENT)), std::string::npos);
}

TEST(ErrorText, GivenAWrappedError_ThenTheInnerTextAndErrnoSurvive) {
  const FileError inner = make_error(FileErrc::write, EFBIG, "/s/energy.json.tmp").error;
  const EnergyError outer = wrap_error(EnergyErrc::write_failed, inner).error;
  EXPECT_EQ(outer.errno_value, EFBIG);
  const std::string text = to_string(outer);
  EXPECT_NE(text.find("cannot write /s/energy.json.tmp"), std::string::npos) << text;
  EXPECT_NE(text.find(std::strerror(EFBIG)), std::string::npos) << text;
}

TEST(ErrorText, GivenASerialOpenError_ThenTheInstallerGetsAHint) {
  EXPECT_NE(to_string(make_error(TtyErrc::open, EACCES).error).find("'dialout' group"),
            std::string::npos);
  EXPECT_NE(to_string(make_error(TtyErrc::open, ENOENT).error).find("/dev/serial/by-id/"),
            std::string::npos);
  EXPECT_NE(to_string(make_error(TtyErrc::open, EBUSY).error).find("another program"),
            std::string::npos);
  // Only an open() failure gets a hint: EACCES from tcsetattr is not about the group.
  EXPECT_EQ(to_string(make_error(TtyErrc::tcsetattr, EACCES).error).find("dialout"),
            std::string::npos);
}

TEST(ErrorText, GivenAWrongCanValue_ThenTheTextListsTheFormsExceptForTheLogInterface) {
  const std::string forms(kCanSpecForms);
  EXPECT_NE(to_string(make_error(CanSpecErrc::no_file).error).find(forms), std::string::npos);
  const std::string iface = to_string(make_error(CanSpecErrc::bad_log_interface, 0, "a b").error);
  EXPECT_EQ(iface, "invalid CAN log interface name 'a b'");
}

TEST(ErrorText, GivenAFailedConfigWrite_ThenTheTextIsTheFileErrorWithoutAPrefix) {
  const FileError inner = make_error(FileErrc::create, EISDIR, "/s/config.json.tmp").error;
  const ConfigSaveError e = wrap_error(ConfigSaveErrc::write_failed, inner).error;
  EXPECT_EQ(to_string(e),
            std::string("cannot create /s/config.json.tmp: ") + std::strerror(EISDIR));
}

TEST(ConfigProblems, GivenMoreThanItKeeps_ThenTheRestIsCountedAndSaid) {
  ConfigProblems p;
  EXPECT_TRUE(p.empty());
  for (std::size_t i = 0; i < ConfigProblems::kCapacity + 3; ++i) {
    p.add("key" + std::to_string(i) + ": bad");
  }
  EXPECT_EQ(p.items().size(), ConfigProblems::kCapacity);
  EXPECT_EQ(p.omitted(), 3U);
  const auto lines = p.lines("f.json: ");
  ASSERT_EQ(lines.size(), ConfigProblems::kCapacity + 1);
  EXPECT_EQ(lines.front(), "f.json: key0: bad");
  EXPECT_EQ(lines.back(), "f.json: (3 more problems)");
  EXPECT_EQ(p.joined().find("key0: bad; key1: bad"), 0U);
}

TEST(ConfigProblems, GivenABrokenFile_ThenEveryProblemIsKeptWithTheFirstKind) {
  const auto r = config_from_json(
      R"({"schema_version": 1, "extra": 1, "settings": {"poll.max_retries": "x", "nope": 1}})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().what, ConfigFileErrc::bad_structure);  // "extra" came first
  const std::string text = to_string(r.error());
  EXPECT_NE(text.find("unknown top-level key \"extra\""), std::string::npos) << text;
  EXPECT_NE(text.find("poll.max_retries: expected"), std::string::npos) << text;
  EXPECT_NE(text.find("unknown key \"nope\""), std::string::npos) << text;
}

}  // namespace
}  // namespace tbgw::platform
