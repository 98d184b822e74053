// The CAN frame schedule on a fake microsecond clock: order (0x351 first), spacing, `full`
// retries then drop, errors, overrun resynchronisation, invalidation, GX presence and its
// timeout, a period longer than the keepalive period, cadence statistics, and an exhaustive
// sweep of configurations and driver answers checked against the schedule's invariants.
#include "core/victron/can_schedule.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <vector>

namespace tbgw::victron {
namespace {

using Result = CanSendResult;
constexpr Micros kMs = 1000;

CanFrame frame(std::uint32_t id, std::uint8_t b0 = 0) {
  CanFrame f;
  f.id = id;
  f.data[0] = b0;
  return f;
}

// 0x351 deliberately not first: the schedule must put it first.
std::vector<CanFrame> victron_set(std::uint8_t version = 0) {
  return {frame(0x355, version), frame(0x351, version), frame(0x356, version),
          frame(0x35A, version), frame(0x35E, version)};
}
const std::vector<std::uint32_t> kCycleOrder = {0x351, 0x355, 0x356, 0x35A, 0x35E};

struct Sent {
  Micros at_us;
  std::uint32_t id;
  std::uint8_t b0;
  Result result;
  std::uint64_t cycle;  // stats().cycles when it was sent
};

// The owner's loop on a fake clock: wakes at next_deadline (plus `late_us` when asked), checks
// the GX, sends what is due and answers with `answer` (queued unless told otherwise).
struct Owner {
  explicit Owner(CanScheduleConfig config = {}) : schedule(config) {}

  CanSchedule schedule;
  Micros now_us = 0;
  std::vector<Sent> sent;
  std::function<Result(const CanFrame&)> answer = [](const CanFrame&) { return Result::queued; };
  std::vector<bool> gx_edges;

  // Runs every deadline up to `until_us` (the clock then rests at until_us).
  void run_until(Micros until_us) {
    while (true) {
      const auto at = schedule.next_deadline(now_us);
      if (!at || *at > until_us) break;
      EXPECT_GE(*at, now_us);
      now_us = *at;
      wake();
    }
    now_us = until_us;
  }
  void wake() {
    if (schedule.check_gx(now_us)) gx_edges.push_back(schedule.gx().present);
    while (const auto f = schedule.due(now_us)) {
      const Result r = answer(*f);
      sent.push_back({now_us, f->id, f->data[0], r, schedule.stats().cycles});
      schedule.on_sent(r, now_us);  // the interval is checked through stats().cadence
    }
  }
  std::vector<std::uint32_t> ids() const {
    std::vector<std::uint32_t> out;
    for (const auto& s : sent) out.push_back(s.id);
    return out;
  }
};

TEST(CanSchedule, GivenNoDataWhenTimePassesThenNothingIsDueAndTheOwnerIdles) {
  Owner o;
  o.schedule.start(0);
  EXPECT_FALSE(o.schedule.next_deadline(0).has_value());
  EXPECT_FALSE(o.schedule.due(10'000 * kMs).has_value());
  o.run_until(10'000 * kMs);
  EXPECT_TRUE(o.sent.empty());
  EXPECT_EQ(o.schedule.stats().cycles, 0U);
}

TEST(CanSchedule, GivenDataBeforeStartWhenStartedThenTheFirstCycleBeginsAtStart) {
  Owner o;
  ASSERT_TRUE(o.schedule.update(victron_set(), 0).ok());
  EXPECT_FALSE(o.schedule.next_deadline(0).has_value());  // not started: nothing is due
  EXPECT_FALSE(o.schedule.due(5'000 * kMs).has_value());
  o.now_us = 7'000 * kMs;
  o.schedule.start(o.now_us);
  EXPECT_EQ(o.schedule.next_deadline(o.now_us), 7'000 * kMs);
  o.run_until(7'000 * kMs);
  ASSERT_FALSE(o.sent.empty());
  EXPECT_EQ(o.sent.front().at_us, 7'000 * kMs);
  EXPECT_EQ(o.sent.front().id, 0x351U);
}

TEST(CanSchedule, GivenValidDataWhenCyclesRunThenEachCycleIs351FirstWithSpacingOnTheTick) {
  Owner o(CanScheduleConfig{.frame_spacing_ms = 5});
  o.schedule.start(0);
  ASSERT_TRUE(o.schedule.update(victron_set(), 100 * kMs).ok());
  o.run_until(100 * kMs + 2'999 * kMs);
  ASSERT_EQ(o.sent.size(), 3 * kCycleOrder.size());
  for (std::size_t i = 0; i < o.sent.size(); ++i) {
    const std::size_t cycle = i / kCycleOrder.size();
    const std::size_t k = i % kCycleOrder.size();
    EXPECT_EQ(o.sent[i].id, kCycleOrder[k]) << i;
    // Ticks on an absolute schedule from the first update, frames 5 ms apart inside a cycle.
    EXPECT_EQ(o.sent[i].at_us, 100 * kMs + static_cast<Micros>(cycle) * 1000 * kMs +
                                   static_cast<Micros>(k) * 5 * kMs)
        << i;
  }
  const auto& st = o.schedule.stats();
  EXPECT_EQ(st.cycles, 3U);
  EXPECT_EQ(st.full_cycles, 3U);
  EXPECT_EQ(st.frames_sent, 15U);
  EXPECT_EQ(st.frames_dropped, 0U);
  EXPECT_EQ(st.overruns, 0U);
  EXPECT_EQ(st.cadence.samples, 2U);
  EXPECT_EQ(st.cadence.min_us, 1'000'000);
  EXPECT_EQ(st.cadence.max_us, 1'000'000);
  EXPECT_EQ(st.cadence.max_abs_jitter_us, 0);
  EXPECT_DOUBLE_EQ(st.cadence.mean_us, 1'000'000.0);
  EXPECT_DOUBLE_EQ(st.cadence.stddev_us, 0.0);
}

TEST(CanSchedule, GivenACycleThatWouldNotFitItsTickThenTheSpacingShrinks) {
  // 20 ms ticks, 5 frames: 4 gaps in half a tick = 2 ms each, not the configured 5 ms.
  Owner o(CanScheduleConfig{.period_ms = 20, .keepalive_period_ms = 20, .frame_spacing_ms = 5});
  o.schedule.start(0);
  ASSERT_TRUE(o.schedule.update(victron_set(), 0).ok());
  o.run_until(19 * kMs);
  ASSERT_EQ(o.sent.size(), 5U);
  for (std::size_t i = 1; i < o.sent.size(); ++i) {
    EXPECT_EQ(o.sent[i].at_us - o.sent[i - 1].at_us, 2 * kMs) << i;
  }
}

TEST(CanSchedule, GivenAKeepaliveFasterThanThePeriodWhenRunningThen351GoesAloneOnOtherTicks) {
  Owner o(CanScheduleConfig{.period_ms = 3000, .keepalive_period_ms = 1000});
  o.schedule.start(0);
  ASSERT_TRUE(o.schedule.update(victron_set(), 0).ok());
  o.run_until(6'999 * kMs);
  const std::vector<std::uint32_t> one_period = {0x351, 0x355, 0x356, 0x35A, 0x35E, 0x351, 0x351};
  std::vector<std::uint32_t> expected;
  for (int i = 0; i < 2; ++i) expected.insert(expected.end(), one_period.begin(), one_period.end());
  expected.insert(expected.end(), kCycleOrder.begin(), kCycleOrder.end());
  EXPECT_EQ(o.ids(), expected);
  EXPECT_EQ(o.schedule.stats().cycles, 7U);
  EXPECT_EQ(o.schedule.stats().full_cycles, 3U);
  EXPECT_EQ(o.schedule.tick_ms(), 1000);
}

TEST(CanSchedule, GivenAKeepalivePeriodAboveTheSpecThenItIsClampedTo1500Ms) {
  CanSchedule s(CanScheduleConfig{.period_ms = 5000, .keepalive_period_ms = 4000});
  EXPECT_EQ(s.config().keepalive_period_ms, CanSchedule::kMaxKeepalivePeriodMs);
  EXPECT_EQ(s.tick_ms(), 1500);
}

TEST(CanSchedule, GivenAFullQueueWhenRetriesRunOutThenTheFrameIsDroppedAndTheNextGoes) {
  Owner o(CanScheduleConfig{.frame_spacing_ms = 5, .max_full_retries = 2});
  int fulls = 0;
  o.answer = [&](const CanFrame& f) {
    if (f.id == 0x356 && fulls < 3) {
      ++fulls;
      return Result::full;
    }
    return Result::queued;
  };
  o.schedule.start(0);
  ASSERT_TRUE(o.schedule.update(victron_set(), 0).ok());
  o.run_until(999 * kMs);
  const std::vector<std::uint32_t> expected = {0x351, 0x355, 0x356, 0x356, 0x356, 0x35A, 0x35E};
  EXPECT_EQ(o.ids(), expected);
  // Retries one spacing apart; after the last refusal the next frame goes at once.
  EXPECT_EQ(o.sent[3].at_us - o.sent[2].at_us, 5 * kMs);
  EXPECT_EQ(o.sent[4].at_us - o.sent[3].at_us, 5 * kMs);
  EXPECT_EQ(o.sent[5].at_us, o.sent[4].at_us);
  const auto& st = o.schedule.stats();
  EXPECT_EQ(st.frames_full, 3U);
  EXPECT_EQ(st.frames_dropped, 1U);
  EXPECT_EQ(st.frames_sent, 4U);

  // The dropped frame goes in the next cycle.
  o.run_until(1'999 * kMs);
  const auto ids = o.ids();
  ASSERT_GT(ids.size(), 7U);
  EXPECT_EQ(std::count(ids.begin() + 7, ids.end(), 0x356U), 1);
}

TEST(CanSchedule, GivenAFullQueueThatDrainsWhenRetriedThenTheFrameGoesOnItsRetry) {
  Owner o(CanScheduleConfig{.frame_spacing_ms = 0, .max_full_retries = 2});
  bool refused = false;
  o.answer = [&](const CanFrame& f) {
    if (f.id == 0x355 && !refused) {
      refused = true;
      return Result::full;
    }
    return Result::queued;
  };
  o.schedule.start(0);
  ASSERT_TRUE(o.schedule.update(victron_set(), 0).ok());
  o.run_until(999 * kMs);
  EXPECT_EQ(o.ids(), (std::vector<std::uint32_t>{0x351, 0x355, 0x355, 0x356, 0x35A, 0x35E}));
  // No spacing configured: a retry still waits 1 ms (the queue needs time to drain).
  EXPECT_EQ(o.sent[2].at_us - o.sent[1].at_us, 1 * kMs);
  EXPECT_EQ(o.schedule.stats().frames_dropped, 0U);
}

TEST(CanSchedule, GivenAnErrorWhenSendingThenTheFrameIsDroppedAndNotRetried) {
  Owner o;
  o.answer = [](const CanFrame&) { return Result::error; };
  o.schedule.start(0);
  ASSERT_TRUE(o.schedule.update(victron_set(), 0).ok());
  o.run_until(999 * kMs);
  EXPECT_EQ(o.ids(), kCycleOrder);  // each tried once, all at the tick
  for (const auto& s : o.sent) EXPECT_EQ(s.at_us, 0);
  EXPECT_EQ(o.schedule.stats().frames_error, 5U);
  EXPECT_EQ(o.schedule.stats().frames_dropped, 5U);
  EXPECT_EQ(o.schedule.stats().frames_sent, 0U);
  EXPECT_EQ(o.schedule.stats().cadence.samples, 0U);
}

TEST(CanSchedule, GivenAStalledOwnerWhenItWakesTicksLateThenTheScheduleResyncsWithoutABurst) {
  Owner o(CanScheduleConfig{.frame_spacing_ms = 5});
  o.schedule.start(0);
  ASSERT_TRUE(o.schedule.update(victron_set(), 0).ok());
  o.run_until(999 * kMs);
  ASSERT_EQ(o.sent.size(), 5U);
  // The loop stalls 2.5 s: the tick due at 1 s is served at 3.5 s. That cycle ends more than a
  // whole tick behind the next one (2 s): an overrun, so the next cycle starts at once and the
  // grid restarts from there; the missed ticks are not replayed in a burst.
  o.now_us = 3'500 * kMs;
  o.wake();
  EXPECT_EQ(o.sent.size(), 6U);  // 0x351 at once, the rest spaced
  o.run_until(3'999 * kMs);
  ASSERT_EQ(o.sent.size(), 15U);
  EXPECT_EQ(o.sent[5].at_us, 3'500 * kMs);
  EXPECT_EQ(o.sent[10].at_us, 3'520 * kMs);
  EXPECT_EQ(o.sent[10].id, 0x351U);
  EXPECT_EQ(o.schedule.stats().overruns, 1U);
  EXPECT_EQ(o.schedule.stats().cycles, 3U);
  EXPECT_EQ(o.schedule.stats().keepalive_late, 1U);  // 3.5 s between two 0x351
  EXPECT_EQ(o.schedule.stats().cadence.max_us, 3'500'000);
  EXPECT_EQ(o.schedule.stats().cadence.min_us, 20'000);
  EXPECT_EQ(o.schedule.stats().cadence.max_abs_jitter_us, 2'500'000);
  // Then one tick apart again, from the resynchronised start.
  o.run_until(5'999 * kMs);
  ASSERT_EQ(o.sent.size(), 25U);
  EXPECT_EQ(o.sent[15].at_us, 4'520 * kMs);
  EXPECT_EQ(o.sent[20].at_us, 5'520 * kMs);
  EXPECT_EQ(o.schedule.stats().overruns, 1U);
}

TEST(CanSchedule, GivenALateWakeShorterThanATickThenTheGridIsKept) {
  Owner o;
  o.schedule.start(0);
  ASSERT_TRUE(o.schedule.update(victron_set(), 0).ok());
  o.run_until(999 * kMs);
  o.now_us = 1'400 * kMs;  // 400 ms late
  o.wake();
  o.run_until(2'500 * kMs);
  ASSERT_EQ(o.sent.size(), 15U);
  EXPECT_EQ(o.sent[5].at_us, 1'400 * kMs);
  EXPECT_EQ(o.sent[10].at_us, 2'000 * kMs);  // back on the grid, no drift
  EXPECT_EQ(o.schedule.stats().overruns, 0U);
}

TEST(CanSchedule, GivenTransmittingWhenInvalidatedThenNothingIsDueUntilNewData) {
  Owner o;
  o.schedule.start(0);
  ASSERT_TRUE(o.schedule.update(victron_set(1), 0).ok());
  o.run_until(12 * kMs);  // in the middle of the first cycle
  ASSERT_EQ(o.sent.size(), 3U);
  o.schedule.invalidate();
  EXPECT_FALSE(o.schedule.transmitting());
  EXPECT_TRUE(o.schedule.frames().empty());
  EXPECT_FALSE(o.schedule.next_deadline(o.now_us).has_value());
  EXPECT_FALSE(o.schedule.due(5'000 * kMs).has_value());
  o.run_until(10'000 * kMs);
  EXPECT_EQ(o.sent.size(), 3U);
  EXPECT_EQ(o.schedule.stats().invalidations, 1U);
  o.schedule.invalidate();  // already stopped: not counted again
  EXPECT_EQ(o.schedule.stats().invalidations, 1U);

  // New data: at once, 0x351 first, the new content.
  ASSERT_TRUE(o.schedule.update(victron_set(7), o.now_us).ok());
  o.run_until(o.now_us + 30 * kMs);
  ASSERT_EQ(o.sent.size(), 8U);
  EXPECT_EQ(o.sent[3].at_us, 10'000 * kMs);
  EXPECT_EQ(o.sent[3].id, 0x351U);
  EXPECT_EQ(o.sent[4].b0, 7U);
  // The interval across the gap is not a cadence sample: the data was not valid meanwhile.
  EXPECT_EQ(o.schedule.stats().cadence.samples, 0U);
}

TEST(CanSchedule, GivenNewDataMidCycleThenLaterFramesCarryItAndALostIdIsSkipped) {
  Owner o;
  o.schedule.start(0);
  ASSERT_TRUE(o.schedule.update(victron_set(1), 0).ok());
  o.run_until(7 * kMs);  // 0x351 and 0x355 of the old set are out
  ASSERT_EQ(o.sent.size(), 2U);
  auto next = victron_set(2);
  next.erase(next.begin() + 2);  // 0x356 leaves the set
  ASSERT_TRUE(o.schedule.update(next, o.now_us).ok());
  o.run_until(999 * kMs);
  EXPECT_EQ(o.ids(), (std::vector<std::uint32_t>{0x351, 0x355, 0x35A, 0x35E}));
  EXPECT_EQ(o.sent[2].b0, 2U);
  EXPECT_EQ(o.sent[3].b0, 2U);
  EXPECT_EQ(o.schedule.stats().frames_dropped, 0U);
}

TEST(CanSchedule, GivenABadFrameSetWhenUpdatedThenItIsRejectedAndNothingChanges) {
  using E = CanSchedule::UpdateError;
  std::vector<CanFrame> too_many;
  for (std::uint32_t i = 0; i <= CanSchedule::kMaxFrames; ++i) too_many.push_back(frame(0x351 + i));
  CanFrame long_frame = frame(0x356);
  long_frame.dlc = 9;
  const struct {
    const char* name;
    std::vector<CanFrame> frames;
    E error;
  } cases[] = {
      {"no 0x351", {frame(0x355)}, E::no_keepalive},
      {"empty", {}, E::no_keepalive},
      {"gx keep-alive id", {frame(0x351), frame(0x305)}, E::reserved_id},
      {"gx 0x306", {frame(0x351), frame(0x306)}, E::reserved_id},
      {"gx ident id", {frame(0x351), frame(0x307)}, E::reserved_id},
      {"duplicate", {frame(0x351), frame(0x351, 1)}, E::duplicate_id},
      {"29-bit id", {frame(0x351), frame(0x1000)}, E::bad_frame},
      {"dlc 9", {frame(0x351), long_frame}, E::bad_frame},
      {"too many", too_many, E::too_many_frames},
  };
  CanSchedule s;
  s.start(0);
  for (const auto& c : cases) {
    const auto r = s.update(c.frames, 0);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(r.error(), c.error) << c.name;
    EXPECT_STRNE(CanSchedule::to_string(r.error()), "?");
  }
  EXPECT_FALSE(s.transmitting());
  EXPECT_FALSE(s.next_deadline(0).has_value());
  EXPECT_EQ(s.stats().rejected_updates, std::size(cases));
  EXPECT_EQ(s.stats().updates, 0U);

  // A rejected set leaves a running one alone.
  ASSERT_TRUE(s.update(victron_set(3), 0).ok());
  EXPECT_FALSE(s.update(cases[0].frames, 0).ok());
  ASSERT_EQ(s.frames().size(), 5U);
  EXPECT_EQ(s.frames()[0].data[0], 3U);
  EXPECT_EQ(s.due(0)->id, 0x351U);
}

TEST(CanSchedule, GivenAnAnswerWithNothingDueThenItIsIgnored) {
  CanSchedule s;
  s.start(0);
  EXPECT_FALSE(s.on_sent(Result::queued, 0).has_value());
  ASSERT_TRUE(s.update(victron_set(), 0).ok());
  s.invalidate();
  EXPECT_FALSE(s.on_sent(Result::error, 0).has_value());
  EXPECT_EQ(s.stats().frames_sent + s.stats().frames_error, 0U);
}

TEST(CanSchedule, GivenStopWhenTransmittingThenFramesAreForgottenWithoutAnInvalidation) {
  Owner o;
  o.schedule.start(0);
  ASSERT_TRUE(o.schedule.update(victron_set(), 0).ok());
  o.run_until(500 * kMs);
  o.schedule.stop();
  EXPECT_FALSE(o.schedule.transmitting());
  EXPECT_FALSE(o.schedule.next_deadline(o.now_us).has_value());
  EXPECT_EQ(o.schedule.stats().invalidations, 0U);
  // Restarted without data: still nothing until an update.
  o.schedule.start(o.now_us);
  o.run_until(5'000 * kMs);
  EXPECT_EQ(o.sent.size(), 5U);
}

TEST(CanSchedule, GivenGxFramesWhenTheyStopThenTheGxTimesOutAfterTheConfiguredSilence) {
  Owner o(CanScheduleConfig{.gx_timeout_ms = 5000});
  o.schedule.start(0);
  EXPECT_FALSE(o.schedule.on_received({frame(0x356), 100}));  // not a GX frame
  EXPECT_FALSE(o.schedule.gx().present);
  EXPECT_TRUE(o.schedule.on_received({frame(0x305), 1'000}));
  EXPECT_FALSE(o.schedule.on_received({frame(0x307), 2'000}));  // already present: no edge
  const GxStatus gx = o.schedule.gx();
  EXPECT_TRUE(gx.present);
  EXPECT_TRUE(gx.ever_seen);
  EXPECT_EQ(gx.last_seen_ms, 2'000);
  EXPECT_EQ(gx.keepalives_305, 1U);
  EXPECT_EQ(gx.identifications_307, 1U);
  EXPECT_EQ(o.schedule.stats().rx_frames, 3U);

  // Gone at the first instant with more than 5 s of silence: 7.001 s.
  EXPECT_EQ(o.schedule.next_deadline(2'000 * kMs), 7'001 * kMs);
  EXPECT_FALSE(o.schedule.check_gx(7'000 * kMs + 999));
  o.run_until(10'000 * kMs);
  EXPECT_EQ(o.gx_edges, std::vector<bool>{false});
  EXPECT_FALSE(o.schedule.gx().present);
  EXPECT_TRUE(o.schedule.gx().ever_seen);
  EXPECT_FALSE(o.schedule.next_deadline(o.now_us).has_value());  // idle: nothing to watch
  EXPECT_TRUE(o.schedule.on_received({frame(0x305), 10'000}));   // back
}

TEST(CanSchedule, GivenAStoppedScheduleThenTheGxIsNotTimedOut) {
  CanSchedule s;
  EXPECT_TRUE(s.on_received({frame(0x305), 0}));
  EXPECT_FALSE(s.next_deadline(0).has_value());
  EXPECT_FALSE(s.check_gx(60'000 * kMs));
  EXPECT_TRUE(s.gx().present);
}

TEST(CanSchedule, GivenTransmittingAndAGxThenTheDeadlineIsTheEarlierOfBoth) {
  CanSchedule s;
  s.start(0);
  ASSERT_TRUE(s.update(victron_set(), 0).ok());
  EXPECT_TRUE(s.on_received({frame(0x305), 0}));
  EXPECT_EQ(s.next_deadline(0), 0);  // the first cycle is due
  ASSERT_TRUE(s.due(0).has_value());
  ASSERT_FALSE(s.on_sent(Result::queued, 0).has_value());
  EXPECT_EQ(s.next_deadline(0), 5 * kMs);  // the next frame, before the GX timeout
  // A deadline in the past is reported as now.
  EXPECT_EQ(s.next_deadline(100 * kMs), 100 * kMs);
}

TEST(CanSchedule, GivenA351RefusedOnceThenTheCadenceCountsItLate) {
  Owner o;
  int n = 0;
  o.answer = [&](const CanFrame& f) {
    return f.id == 0x351 && n++ == 1 ? Result::error : Result::queued;
  };
  o.schedule.start(0);
  ASSERT_TRUE(o.schedule.update(victron_set(), 0).ok());
  o.run_until(2'999 * kMs);
  const auto& c = o.schedule.stats().cadence;
  EXPECT_EQ(c.samples, 1U);  // 0 s -> 2 s
  EXPECT_EQ(c.min_us, 2'000'000);
  EXPECT_EQ(o.schedule.stats().keepalive_late, 1U);
}

TEST(CanSchedule, GivenUnevenIntervalsThenTheCadenceSummaryIsExact) {
  Owner o;
  o.schedule.start(0);
  ASSERT_TRUE(o.schedule.update(victron_set(), 0).ok());
  o.run_until(999 * kMs);
  o.now_us = 1'000 * kMs + 200;  // the owner woke 200 us late once
  o.wake();
  o.run_until(2'999 * kMs);
  const auto& c = o.schedule.stats().cadence;
  ASSERT_EQ(c.samples, 2U);
  EXPECT_EQ(c.min_us, 999'800);
  EXPECT_EQ(c.max_us, 1'000'200);
  EXPECT_DOUBLE_EQ(c.mean_us, 1'000'000.0);
  EXPECT_DOUBLE_EQ(c.stddev_us, 200.0);
  EXPECT_EQ(c.max_abs_jitter_us, 200);
}

// Every combination of a few periods, keepalive periods, spacings, retry limits and set sizes,
// against drivers that answer queued, full or error in seeded random patterns: the invariants
// hold in every run.
TEST(CanSchedule, GivenAnyConfigurationAndDriverThenTheInvariantsHold) {
  const int periods[] = {10, 20, 100, 1000, 3000};
  const int keepalives[] = {10, 50, 1000, 1500};
  const int spacings[] = {0, 1, 5};
  const int retries[] = {0, 2};
  const std::size_t sizes[] = {1, 5, 18, CanSchedule::kMaxFrames};
  std::mt19937 rng(6);
  int runs = 0;
  for (int period : periods) {
    for (int keepalive : keepalives) {
      for (int spacing : spacings) {
        for (int retry : retries) {
          for (std::size_t size : sizes) {
            for (int driver = 0; driver < 3; ++driver) {
              ++runs;
              const CanScheduleConfig cfg{.period_ms = period,
                                          .keepalive_period_ms = keepalive,
                                          .frame_spacing_ms = spacing,
                                          .max_full_retries = retry};
              Owner o(cfg);
              // driver 0: always queued; 1: a quarter full; 2: a mix of full and error.
              o.answer = [&rng, driver](const CanFrame&) {
                const auto x = rng() % 8;
                if (driver == 1 && x < 2) return Result::full;
                if (driver == 2 && x < 2) return Result::full;
                if (driver == 2 && x == 2) return Result::error;
                return Result::queued;
              };
              std::vector<CanFrame> set;
              for (std::size_t i = 0; i < size; ++i) set.push_back(frame(0x351 + i));
              o.schedule.start(0);
              ASSERT_TRUE(o.schedule.update(set, 0).ok());
              const Micros end_us = 10 * static_cast<Micros>(std::max(period, keepalive)) * kMs;
              o.run_until(end_us);
              const auto& st = o.schedule.stats();
              const int tick = o.schedule.tick_ms();
              SCOPED_TRACE(testing::Message() << "period " << period << " keepalive " << keepalive
                                              << " spacing " << spacing << " retries " << retry
                                              << " frames " << size << " driver " << driver);
              // Every cycle starts with 0x351, then the rest in the order given (ids rise;
              // equal only for a retry).
              for (std::size_t i = 1; i < o.sent.size(); ++i) {
                if (o.sent[i].id == 0x351U) continue;
                EXPECT_GE(o.sent[i].id, o.sent[i - 1].id) << i;
                if (o.sent[i].id == o.sent[i - 1].id) {
                  EXPECT_EQ(o.sent[i - 1].result, Result::full) << i;
                }
              }
              // Every attempt is accounted for; each planned frame is sent or dropped once
              // (the last cycle may still be running).
              EXPECT_EQ(o.sent.size(), st.frames_sent + st.frames_full + st.frames_error);
              const std::uint64_t planned =
                  st.cycles + st.full_cycles * (static_cast<std::uint64_t>(size) - 1);
              EXPECT_LE(st.frames_sent + st.frames_dropped, planned);
              EXPECT_GE(st.frames_sent + st.frames_dropped + size, planned);
              if (driver == 0) {
                // The owner wakes on time and every frame goes: each cycle starts on the tick
                // grid, nothing is late, nothing dropped.
                std::uint64_t cycle_starts = 0;
                for (std::size_t i = 0; i < o.sent.size(); ++i) {
                  if (i > 0 &&
                      o.sent[i].at_us / (tick * kMs) == o.sent[i - 1].at_us / (tick * kMs)) {
                    continue;
                  }
                  ++cycle_starts;
                  EXPECT_EQ(o.sent[i].id, 0x351U) << i;
                  EXPECT_EQ(o.sent[i].at_us % (tick * kMs), 0) << i;
                }
                EXPECT_EQ(cycle_starts, st.cycles);
                EXPECT_EQ(st.overruns, 0U);
                EXPECT_EQ(st.frames_dropped, 0U);
                EXPECT_EQ(st.keepalive_late, 0U);
                EXPECT_EQ(st.cadence.max_us, static_cast<std::int64_t>(tick) * 1000);
              }
              // No more `full` answers in a row for one frame than the retries allow.
              int in_a_row = 0;
              for (std::size_t i = 0; i < o.sent.size(); ++i) {
                const bool same = i > 0 && o.sent[i].id == o.sent[i - 1].id &&
                                  o.sent[i].cycle == o.sent[i - 1].cycle &&
                                  o.sent[i - 1].result == Result::full;
                in_a_row = same ? in_a_row + 1 : 0;
                EXPECT_LE(in_a_row, retry) << i;
              }
            }
          }
        }
      }
    }
  }
  EXPECT_EQ(runs, 5 * 4 * 3 * 2 * 4 * 3);
}

}  // namespace
}  // namespace tbgw::victron
