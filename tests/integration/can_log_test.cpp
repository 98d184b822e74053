// The candump log backend and the CAN frontend (CanOutput) driven against it: the exact
// `candump -L` line format, appending to a file or stdout, and the cadence rules checked by
// counting frames and their order in the log (no timing thresholds): 0x351 first in every
// cycle, the whole set once per period, nothing before the first data or after invalidation.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "integration/can_output_harness.hpp"
#include "integration/temp_dir.hpp"
#include "platform/linux/can_log.hpp"
#include "platform/linux/can_output.hpp"
#include "platform/linux/clock.hpp"

namespace tbgw::test {
namespace {

using namespace std::chrono_literals;
using platform::CanLogBackend;
using platform::CanOutput;
using platform::CanOutputConfig;
using victron::CanFrame;

CanFrame frame(std::uint32_t id, std::vector<std::uint8_t> bytes) {
  CanFrame f;
  f.id = id;
  f.dlc = static_cast<std::uint8_t>(bytes.size());
  for (std::size_t i = 0; i < bytes.size(); ++i) f.data[i] = bytes[i];
  return f;
}

// The spec's example 0x351 (CVL 56.8 V, CCL 100 A, DCL 150 A, DVL 44.0 V) and four more ids;
// 0x351 is deliberately not first, CanOutput must put it first.
std::array<CanFrame, 5> victron_set(std::uint8_t tag = 0) {
  return {frame(0x355, {0x5A, 0x00, 0x64, 0x00, tag}),
          frame(0x351, {0x38, 0x02, 0xE8, 0x03, 0xDC, 0x05, 0xB8, 0x01}),
          frame(0x356, {0x4C, 0x14, 0x00, 0x00, 0xFA, 0x00}),
          frame(0x35A, {0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA}),
          frame(0x35E, {'T', 'B', 'G', 'W'})};
}
constexpr std::array<std::uint32_t, 5> kCycleOrder = {0x351, 0x355, 0x356, 0x35A, 0x35E};

std::vector<std::uint32_t> ids(const std::vector<LogLine>& lines) {
  std::vector<std::uint32_t> out;
  for (const auto& l : lines) out.push_back(l.id);
  return out;
}

// --- the line format ------------------------------------------------------------------------

struct FormatCase {
  CanFrame frame;
  std::int64_t unix_us;
  const char* iface;
  const char* expected;
};

TEST(CandumpFormat, GivenFramesWhenFormattedThenLinesAreExactlyCandumpL) {
  const FormatCase cases[] = {
      {frame(0x351, {0x28, 0x02, 0xE8, 0x03, 0xDC, 0x05, 0xB8, 0x01}), 1700000000123456, "can0",
       "(1700000000.123456) can0 351#2802E803DC05B801\n"},
      {frame(0x35E, {0xab, 0xcd}), 1700000000000042, "vcan1",
       "(1700000000.000042) vcan1 35E#ABCD\n"},
      {frame(0x00A, {}), 5, "can0", "(0.000005) can0 00A#\n"},
      {frame(0x7FF, {0, 0, 0, 0, 0, 0, 0, 0}), 1999999999999999, "slcan0",
       "(1999999999.999999) slcan0 7FF#0000000000000000\n"},
  };
  for (const auto& c : cases) {
    const auto line = platform::format_candump_line(c.frame, c.unix_us, c.iface);
    EXPECT_EQ(line.view(), c.expected);
  }
}

// The checker the other tests rely on refuses near misses.
TEST(CandumpFormat, GivenNearMissLinesWhenCheckedThenTheyAreRejected) {
  const char* bad[] = {
      "(1700000000.12345) can0 351#00",   "(1700000000.123456) can0 351#0",
      "(1700000000.123456) can0 351#ab",  "(1700000000.123456) can0 35#00",
      "1700000000.123456 can0 351#00",    "(1700000000.123456)  can0 351#00",
      "(1700000000.123456) can0 351#00 ", "(1700000000.123456) can0 351#000000000000000000",
  };
  for (const char* line : bad) {
    LogLine l;
    EXPECT_FALSE(parse_candump(line, l)) << line;
  }
  LogLine ok;
  ASSERT_TRUE(parse_candump("(1700000000.123456) can0 351#2802E803DC05B801", ok));
  EXPECT_EQ(ok.stamp_us, 1700000000123456);
  EXPECT_EQ(ok.id, 0x351U);
  EXPECT_EQ(ok.data_hex, "2802E803DC05B801");
}

TEST(CandumpLog, GivenAFileWithContentWhenFramesAreSentThenLinesAreAppendedInCandumpFormat) {
  TempDir dir;
  const auto file = dir.path() / "can.log";
  { std::ofstream(file) << "(1.000000) can0 123#00\n"; }
  CanLogBackend log(file.string(), "vcan7");
  log.start();
  ASSERT_EQ(log.health().level, platform::CanHealth::ok) << log.health().reason;
  for (const auto& f : victron_set()) {
    EXPECT_EQ(log.send(f, platform::now_ms() + 1000), platform::CanSendResult::queued);
  }
  log.stop();
  const auto lines = read_candump(file);
  ASSERT_EQ(lines.size(), 6U);
  EXPECT_EQ(lines[0].text, "(1.000000) can0 123#00");
  for (std::size_t i = 1; i < lines.size(); ++i) {
    EXPECT_NE(lines[i].id, 0xFFFFFFFF) << "not candump -L: " << lines[i].text;
    EXPECT_EQ(lines[i].interface_name, "vcan7");
  }
  EXPECT_EQ(lines[2].text.substr(lines[2].text.find(')') + 2), "vcan7 351#3802E803DC05B801");
  EXPECT_EQ(log.stats().tx_frames, 5U);
}

TEST(CandumpLog, GivenLogToStdoutWhenAFrameIsSentThenTheLineGoesToStdout) {
  TempDir dir;
  const auto file = dir.path() / "stdout.txt";
  std::fflush(stdout);
  const int saved = ::dup(STDOUT_FILENO);
  std::FILE* capture = std::fopen(file.c_str(), "w");
  ASSERT_NE(capture, nullptr);
  ::dup2(::fileno(capture), STDOUT_FILENO);
  {
    CanLogBackend log(std::string(CanLogBackend::kStdout));
    log.start();
    EXPECT_EQ(log.send(victron_set()[1], platform::now_ms() + 1000),
              platform::CanSendResult::queued);
    log.stop();
  }
  ::dup2(saved, STDOUT_FILENO);
  ::close(saved);
  std::fclose(capture);
  const auto lines = read_candump(file);
  ASSERT_EQ(lines.size(), 1U);
  EXPECT_EQ(lines[0].id, 0x351U) << lines[0].text;
  EXPECT_EQ(lines[0].interface_name, "can0");
}

TEST(CandumpLog, GivenAnUncreatableFileWhenStartedThenHealthIsFailedAndSendsAreErrors) {
  CanLogBackend log("/nonexistent-dir/can.log");
  log.start();
  EXPECT_EQ(log.health().level, platform::CanHealth::failed);
  EXPECT_NE(log.health().reason.find("/nonexistent-dir/can.log"), std::string::npos);
  EXPECT_EQ(log.send(victron_set()[0], platform::now_ms() + 1000), platform::CanSendResult::error);
  EXPECT_EQ(log.stats().tx_errors, 1U);
}

// --- CanOutput against the log --------------------------------------------------------------

struct OutputFixture : ::testing::Test {
  TempDir dir;
  std::filesystem::path file = dir.path() / "out.log";
  boost::asio::io_context io;
  CanLogBackend log{file.string()};

  std::vector<LogLine> lines() { return read_candump(file); }
};

TEST_F(OutputFixture, GivenNoDataYetWhenRunningThenNothingIsSent) {
  CanOutput out(io, log, CanOutputConfig{.period_ms = 20, .keepalive_period_ms = 20});
  out.start();
  run_for(io, 100ms);
  EXPECT_TRUE(lines().empty());
  EXPECT_EQ(out.stats().cycles, 0U);
}

TEST_F(OutputFixture, GivenValidDataWhenCyclesRunThenEachCycleSendsTheWholeSetWith351First) {
  CanOutput out(io, log,
                CanOutputConfig{.period_ms = 40, .keepalive_period_ms = 40, .frame_spacing_ms = 2});
  out.start();
  const auto set = victron_set();
  ASSERT_TRUE(out.update(set).ok());
  constexpr std::uint64_t kCycles = 5;
  ASSERT_TRUE(run_until(io, [&] { return out.stats().frames_sent >= kCycles * set.size(); }));
  out.stop();

  // A loaded machine may let one more tick start before the loop stops: check the prefix.
  const auto got = lines();
  ASSERT_GE(got.size(), kCycles * set.size());
  for (std::size_t i = 0; i < kCycles * set.size(); ++i) {
    EXPECT_EQ(got[i].id, kCycleOrder[i % kCycleOrder.size()])
        << "line " << i << ": " << got[i].text;
    if (i > 0) {
      EXPECT_GE(got[i].stamp_us, got[i - 1].stamp_us);
    }
  }
  // Frames of one cycle are spaced: never two in the same millisecond tick of the timer
  // (a lower bound: timers never fire early; 1 ms of slack for wall vs steady clock).
  for (std::size_t i = 1; i < kCycles * set.size(); ++i) {
    if (i % set.size() != 0) {
      EXPECT_GE(got[i].stamp_us - got[i - 1].stamp_us, 1'000) << i;
    }
  }
  EXPECT_GE(out.stats().full_cycles, kCycles);
  EXPECT_EQ(out.stats().frames_dropped, 0U);
  EXPECT_GE(out.stats().cadence.samples, kCycles - 1);
}

TEST_F(OutputFixture, GivenAKeepaliveFasterThanThePeriodWhenRunningThen351GoesEveryTick) {
  // The full set every 3 ticks, 0x351 alone on the other two.
  CanOutput out(io, log,
                CanOutputConfig{.period_ms = 60, .keepalive_period_ms = 20, .frame_spacing_ms = 1});
  out.start();
  ASSERT_TRUE(out.update(victron_set()).ok());
  ASSERT_TRUE(run_until(io, [&] { return out.stats().frames_sent >= 19; }));
  out.stop();
  const std::vector<std::uint32_t> one_period = {0x351, 0x355, 0x356, 0x35A, 0x35E, 0x351, 0x351};
  std::vector<std::uint32_t> expected;
  for (int i = 0; i < 2; ++i) expected.insert(expected.end(), one_period.begin(), one_period.end());
  expected.insert(expected.end(), kCycleOrder.begin(), kCycleOrder.end());
  auto got = ids(lines());
  ASSERT_GE(got.size(), expected.size());
  got.resize(expected.size());
  EXPECT_EQ(got, expected);
}

TEST_F(OutputFixture, GivenTransmittingWhenInvalidatedThenNothingMoreIsSentUntilNewData) {
  CanOutput out(io, log, CanOutputConfig{.period_ms = 20, .keepalive_period_ms = 20});
  out.start();
  ASSERT_TRUE(out.update(victron_set()).ok());
  ASSERT_TRUE(run_until(io, [&] { return out.stats().frames_sent >= 10; }));
  out.invalidate();
  const auto before = lines().size();
  const auto sent_before = out.stats().frames_sent;
  run_for(io, 150ms);  // several periods
  EXPECT_EQ(lines().size(), before);
  EXPECT_EQ(out.stats().frames_sent, sent_before);
  EXPECT_FALSE(out.transmitting());

  // New data: transmission resumes at once with 0x351 and the new content.
  ASSERT_TRUE(out.update(victron_set(7)).ok());
  ASSERT_TRUE(run_until(io, [&] { return out.stats().frames_sent >= sent_before + 5; }));
  out.stop();
  const auto after = lines();
  ASSERT_GE(after.size(), before + 5);
  EXPECT_EQ(after[before].id, 0x351U);
  EXPECT_EQ(after[before + 1].data_hex, "5A00640007");
  EXPECT_EQ(out.stats().invalidations, 1U);
}

TEST_F(OutputFixture, GivenNewDataWhileTransmittingThenEveryLaterFrameCarriesIt) {
  CanOutput out(io, log, CanOutputConfig{.period_ms = 20, .keepalive_period_ms = 20});
  out.start();
  ASSERT_TRUE(out.update(victron_set(1)).ok());
  ASSERT_TRUE(run_until(io, [&] { return out.stats().frames_sent >= 5; }));
  // Frames are read from the latest set when they go out, even in the middle of a cycle.
  const auto sent_before = out.stats().frames_sent;
  ASSERT_TRUE(out.update(victron_set(2)).ok());
  ASSERT_TRUE(run_until(io, [&] { return out.stats().frames_sent >= sent_before + 10; }));
  out.stop();
  const auto got = lines();
  ASSERT_GE(got.size(), sent_before + 10);
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (got[i].id != 0x355) continue;
    EXPECT_EQ(got[i].data_hex, i < sent_before ? "5A00640001" : "5A00640002") << i;
  }
}

struct RejectCase {
  const char* name;
  std::vector<CanFrame> frames;
  CanOutput::UpdateError error;
};

TEST_F(OutputFixture, GivenABadFrameSetWhenUpdatedThenItIsRejectedAndNothingChanges) {
  const auto good = victron_set();
  std::vector<CanFrame> too_many(CanOutput::kMaxFrames + 1, frame(0x351, {}));
  for (std::size_t i = 0; i < too_many.size(); ++i) too_many[i].id = 0x351 + i;
  const RejectCase cases[] = {
      {"no 0x351", {frame(0x355, {1})}, CanOutput::UpdateError::no_keepalive},
      {"gx keep-alive id",
       {frame(0x351, {}), frame(0x305, {})},
       CanOutput::UpdateError::reserved_id},
      {"gx ident id", {frame(0x351, {}), frame(0x307, {})}, CanOutput::UpdateError::reserved_id},
      {"duplicate", {frame(0x351, {}), frame(0x351, {1})}, CanOutput::UpdateError::duplicate_id},
      {"29-bit id", {frame(0x351, {}), frame(0x1000, {})}, CanOutput::UpdateError::bad_frame},
      {"too many", too_many, CanOutput::UpdateError::too_many_frames},
  };
  CanOutput out(io, log, CanOutputConfig{.period_ms = 20, .keepalive_period_ms = 20});
  out.start();
  for (const auto& c : cases) {
    const auto r = out.update(c.frames);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(r.error(), c.error) << c.name;
  }
  EXPECT_FALSE(out.transmitting());
  run_for(io, 60ms);
  EXPECT_TRUE(lines().empty());

  ASSERT_TRUE(out.update(good).ok());
  EXPECT_FALSE(out.update(cases[0].frames).ok());
  ASSERT_TRUE(run_until(io, [&] { return out.stats().frames_sent >= 10; }));
  out.stop();
  EXPECT_EQ(ids(lines()).front(), 0x351U);
  EXPECT_EQ(out.stats().rejected_updates, std::size(cases) + 1);
}

}  // namespace
}  // namespace tbgw::test
