// The poller's events job (registers 200-297) against the scripted BMS: read once after the first
// snapshot, then every events_interval_ms and after the link comes back, in one 98-register
// read; decoded from Poller::registers() by bms_events. Then end to end against the simulator:
// an over-current cutoff in the simulated BMS comes out of the tracker as a new fault event.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <variant>
#include <vector>

#include "core/tinybms/bms_events.hpp"
#include "core/tinybms/poller.hpp"
#include "sim/simulator.hpp"
#include "unit/fake_bms.hpp"

namespace tbgw::tinybms {
namespace {

struct Harness {
  explicit Harness(PollerConfig config = {}) : poller(config) {
    for (int ch = 0; ch < 16; ++ch) bms.regs[ch] = 33000;
    bms.regs[32] = 4000;    // lifetime 4000 s
    bms.regs[37] = 0x4253;  // 52.8 V (float, high word)
    bms.regs[53] = 16;
    bms.regs[307] = 16;
    bms.regs[306] = 28000;
    bms.regs[315] = 3650;
    bms.regs[316] = 2800;
    bms.regs[203] = 0x64B9;  // the spec's fixture: slot 1, charger connected
  }

  void run_for(Millis duration_ms) {
    const Millis end = now + duration_ms;
    while (now < end) {
      if (auto request = poller.poll(now)) bms.receive(request->bytes(), now);
      auto bytes = bms.take(now);
      if (!bytes.empty()) poller.on_bytes(bytes, now);
      while (drain) {
        auto e = poller.next_event();
        if (!e) break;
        events.push_back(*e);
      }
      const Millis next = std::min(poller.next_deadline(now), bms.next_due());
      now = std::min(end, std::max(now + 1, next));
    }
  }

  std::size_t count_events_read() const {
    return static_cast<std::size_t>(std::count_if(events.begin(), events.end(), [](const auto& e) {
      return std::holds_alternative<BmsEventsRead>(e);
    }));
  }

  // Requests "AA 03 00 C8 00 62": registers 200-297 in one read.
  std::size_t event_reads_sent() const {
    return static_cast<std::size_t>(
        std::count_if(bms.requests.begin(), bms.requests.end(), [](const auto& r) {
          return r.size() >= 6 && r[1] == 0x03 && r[2] == 0x00 && r[3] == 200 && r[5] == 98;
        }));
  }

  Poller poller;
  test::FakeBms bms;
  Millis now = 1000;
  std::vector<PollerEvent> events;
  bool drain = true;  // false: an owner that never drains the queue (a wiring bug)
};

TEST(PollerEvents, GivenStart_WhenFirstSnapshotArrived_ThenEventsReadOnceInOneBlock) {
  Harness h;
  h.run_for(3'000);
  ASSERT_EQ(h.count_events_read(), 1U);
  EXPECT_EQ(h.event_reads_sent(), 1U);
  const auto first_read = std::find_if(h.events.begin(), h.events.end(), [](const auto& e) {
    return std::holds_alternative<BmsEventsRead>(e);
  });
  const auto first_snapshot = std::find_if(h.events.begin(), h.events.end(), [](const auto& e) {
    return std::holds_alternative<msg::BatterySnapshot>(e);
  });
  const auto first_settings = std::find_if(h.events.begin(), h.events.end(), [](const auto& e) {
    return std::holds_alternative<BmsSettings>(e);
  });
  EXPECT_LT(first_settings, first_read);
  EXPECT_LT(first_snapshot, first_read) << "the BMS clock is known before the events arrive";
  const auto list = decode_event_registers(h.poller.registers());
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->count, 1U);
  EXPECT_EQ(list->items[0].id, 0x64);
}

TEST(PollerEvents, GivenOwnerThatDoesNotDrain_WhenEventsPileUp_ThenOldestDroppedAndCounted) {
  Harness h;
  h.drain = false;
  h.run_for(20'000);  // ~20 snapshots, settings, events: far more than the queue holds
  const std::uint64_t dropped = h.poller.stats().events_dropped;
  EXPECT_GT(dropped, 0U);
  std::size_t queued = 0;
  std::optional<PollerEvent> last;
  while (auto e = h.poller.next_event()) {
    ++queued;
    last = e;
  }
  EXPECT_EQ(queued, Poller::kEventQueue) << "a full queue keeps the newest events";
  ASSERT_TRUE(last.has_value());
  EXPECT_TRUE(std::holds_alternative<msg::BatterySnapshot>(*last)) << "the newest is the last";

  Harness drained;  // the same run, drained: nothing is lost
  drained.run_for(20'000);
  EXPECT_EQ(drained.poller.stats().events_dropped, 0U);
}

TEST(PollerEvents, GivenInterval_WhenRunning_ThenReadEveryIntervalAndSnapshotsKeepTheirPace) {
  PollerConfig config;
  config.events_interval_ms = 5'000;
  Harness h(config);
  h.run_for(21'500);
  EXPECT_EQ(h.count_events_read(), 5U);  // at start, then 5, 10, 15, 20 s later
  std::size_t snapshots = 0;
  for (const auto& e : h.events) snapshots += std::holds_alternative<msg::BatterySnapshot>(e);
  EXPECT_GE(snapshots, 20U);
}

TEST(PollerEvents, GivenDefaultInterval_WhenRunningTwoMinutes_ThenReadAtStartAndEveryMinute) {
  Harness h;
  h.run_for(125'000);
  EXPECT_EQ(h.count_events_read(), 3U);
}

TEST(PollerEvents, GivenNewEventInTheBms_WhenReadAgain_ThenTrackerReportsOnlyIt) {
  PollerConfig config;
  config.events_interval_ms = 5'000;
  Harness h(config);
  BmsEventTracker tracker;
  const std::int64_t unix0 = 1'750'000'000;
  h.run_for(2'000);
  auto first = tracker.update(*decode_event_registers(h.poller.registers()), 0xB9'0000 + 10, unix0);
  ASSERT_EQ(first.events.count, 1U);
  EXPECT_EQ(first.events.items[0].unix_s, unix0 - 10);
  h.bms.regs[204] = 0x0020;  // slot 2: stamp 0xB9'0020, id 0x05 (discharging over-current)
  h.bms.regs[205] = 0x05B9;
  h.run_for(5'000);
  auto second =
      tracker.update(*decode_event_registers(h.poller.registers()), 0xB9'0030, unix0 + 32);
  ASSERT_EQ(second.events.count, 1U);
  EXPECT_EQ(second.events.items[0].id, 0x05);
  EXPECT_EQ(second.events.items[0].info->severity, EventSeverity::fault);
  EXPECT_EQ(second.events.items[0].unix_s, unix0 + 16);
}

TEST(PollerEvents, GivenLinkLost_WhenItComesBack_ThenEventsReadAgain) {
  Harness h;
  h.run_for(3'000);
  ASSERT_EQ(h.count_events_read(), 1U);
  h.bms.silent = true;
  h.run_for(6'000);
  h.bms.silent = false;
  h.run_for(6'000);
  EXPECT_EQ(h.poller.link_status(), msg::LinkStatus::up);
  EXPECT_EQ(h.count_events_read(), 2U);
}

TEST(PollerEvents, GivenSimulatedOverCurrentCutoff_WhenPolled_ThenFaultEventComesOutOnce) {
  sim::SimConfig sc;
  sc.seed = 3;
  sc.initial_lifetime_s = 86'400;
  sim::Simulator sim(sc);
  PollerConfig pc;
  pc.events_interval_ms = 10'000;
  Poller poller(pc);
  BmsEventTracker tracker;
  const std::int64_t unix_at_start = 1'750'000'000;
  Millis now = 1'000;
  const Millis start = now;
  std::uint32_t lifetime_s = 0;
  bool have_lifetime = false;
  std::vector<BmsEventRecord> reported;
  std::array<std::uint8_t, 256> buf{};
  auto run_until = [&](Millis end) {
    while (now < end) {
      if (auto request = poller.poll(now)) sim.on_bytes(request->bytes(), now);
      sim.advance(now);
      for (std::size_t n = buf.size(); n == buf.size();) {
        n = sim.take_output(now, buf);
        if (n > 0) poller.on_bytes(std::span(buf.data(), n), now);
      }
      while (auto e = poller.next_event()) {
        if (const auto* s = std::get_if<msg::BatterySnapshot>(&*e)) {
          lifetime_s = s->bms_lifetime_s;
          have_lifetime = true;
        }
        if (std::holds_alternative<BmsEventsRead>(*e)) {
          ASSERT_TRUE(have_lifetime);
          const auto ring = decode_event_registers(poller.registers());
          ASSERT_TRUE(ring.ok());
          const std::int64_t unix_now = unix_at_start + (now - start) / 1000;
          const auto fresh = tracker.update(*ring, lifetime_s, unix_now);
          reported.insert(
              reported.end(), fresh.events.items.begin(),
              fresh.events.items.begin() + static_cast<std::ptrdiff_t>(fresh.events.count));
        }
      }
      now = std::max(now + 1, std::min({poller.next_deadline(now), sim.next_wakeup(now), end}));
    }
  };
  run_until(start + 12'000);
  const std::size_t before = reported.size();
  for (const auto& r : reported) EXPECT_NE(r.id, 0x05) << "no cutoff yet";
  sim.set_load(sim::LoadProfile::constant_current(-500.0));  // above the 400 A peak cutoff
  run_until(start + 14'000);
  sim.set_load(sim::LoadProfile::constant_current(0.0));
  const std::int64_t cutoff_unix = unix_at_start + 12;
  run_until(start + 45'000);
  ASSERT_GT(reported.size(), before);
  std::size_t over_current = 0;
  for (std::size_t i = before; i < reported.size(); ++i) {
    const BmsEventRecord& r = reported[i];
    if (r.id != 0x05) continue;
    ++over_current;
    EXPECT_EQ(r.info->severity, EventSeverity::fault);
    ASSERT_TRUE(r.time_known);
    EXPECT_NEAR(static_cast<double>(r.unix_s), static_cast<double>(cutoff_unix), 2.0);
  }
  EXPECT_EQ(over_current, 1U) << "reported once although the ring was read three more times";
  EXPECT_TRUE(std::any_of(reported.begin(), reported.end(), [](const BmsEventRecord& r) {
    return r.id == 0x77;
  })) << "recovered from discharging over-current";
}

}  // namespace
}  // namespace tbgw::tinybms
