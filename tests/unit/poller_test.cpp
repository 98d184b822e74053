// The poller's state machine, driven by a fake clock against a scripted BMS (FakeBms):
// start-up order, wake-up from sleep, timeouts and retries, link lost and back with the right
// reason, the reserved-register fallback, wrong replies, settings writes with read-back.
#include "core/tinybms/poller.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <random>
#include <variant>
#include <vector>

#include "core/tinybms/registers.hpp"
#include "unit/fake_bms.hpp"

namespace tbgw::tinybms {
namespace {

void put_u32(std::array<std::uint16_t, 512>& r, std::uint16_t lo, std::uint32_t v) {
  r[lo] = static_cast<std::uint16_t>(v & 0xFFFFU);  // CDAB: lower address = low word
  r[lo + 1] = static_cast<std::uint16_t>(v >> 16);
}
void put_float(std::array<std::uint16_t, 512>& r, std::uint16_t lo, float v) {
  put_u32(r, lo, std::bit_cast<std::uint32_t>(v));
}

// A healthy 16S LiFePO4 pack at 3.300 V/cell, 52.8 V, -12.5 A, 61.5 % SOC, written from the
// spec's register table by hand.
void load_pack(std::array<std::uint16_t, 512>& r) {
  for (int ch = 0; ch < 16; ++ch) r[ch] = static_cast<std::uint16_t>(33000 + ch);  // 0.1 mV
  put_u32(r, 32, 123456);                                                          // lifetime s
  put_u32(r, 34, 7200);                                                            // time left s
  put_float(r, 36, 52.8F);
  put_float(r, 38, -12.5F);
  r[40] = 3300;
  r[41] = 3302;
  r[42] = 215;  // 21.5 degC
  r[43] = static_cast<std::uint16_t>(-32768);
  r[45] = 49000;               // 98 % SOH
  put_u32(r, 46, 61'500'000);  // 61.5 %
  r[48] = 250;                 // 25.0 degC
  r[50] = 0x93;                // discharging
  r[53] = 16;
  r[300] = 3600;
  r[301] = 2900;
  r[303] = 3400;
  r[304] = 1000;
  r[306] = 28000;  // 280 Ah
  r[307] = 16;
  r[308] = 15;
  r[315] = 3650;
  r[316] = 2800;
  r[317] = 200;
  r[318] = 100;
  r[319] = 60;
  r[320] = 2;
  r[330] = 1;
  r[500] = 0x0101;
  r[501] = 0x0203;
  r[502] = 242;
}

struct Harness {
  explicit Harness(PollerConfig config = {}) : poller(config) {
    load_pack(bms.regs);
    bms.is_reserved = [](std::uint16_t a) { return is_reserved(a); };
  }

  // Runs the fake clock for `duration_ms`, delivering replies `chunk` bytes at a time.
  void run_for(Millis duration_ms, std::size_t chunk = 0) {
    const Millis end = now + duration_ms;
    while (now < end) {
      if (auto request = poller.poll(now)) bms.receive(request->bytes(), now);
      drain();
      auto bytes = bms.take(now);
      if (!bytes.empty()) {
        std::span<const std::uint8_t> rest(bytes);
        while (!rest.empty()) {
          const std::size_t n = chunk == 0 ? rest.size() : std::min(chunk, rest.size());
          poller.on_bytes(rest.first(n), now);
          rest = rest.subspan(n);
        }
        drain();
        continue;
      }
      const Millis next = std::min(poller.next_deadline(now), bms.next_due());
      now = std::min(end, std::max(now + 1, next));
    }
  }

  void drain() {
    while (auto e = poller.next_event()) events.push_back(*e);
  }

  template <class T>
  std::vector<T> all() const {
    std::vector<T> out;
    for (const auto& e : events) {
      if (const auto* v = std::get_if<T>(&e)) out.push_back(*v);
    }
    return out;
  }

  std::size_t requests_with_command(std::uint8_t cmd) const {
    return static_cast<std::size_t>(std::count_if(
        bms.requests.begin(), bms.requests.end(),
        [cmd](const std::vector<std::uint8_t>& r) { return r.size() > 1 && r[1] == cmd; }));
  }

  Poller poller;
  test::FakeBms bms;
  Millis now = 1000;
  std::vector<PollerEvent> events;
};

TEST(Poller, GivenHealthyBms_WhenStarted_ThenLinkUpVersionSettingsAndSnapshotsArrive) {
  Harness h;
  h.run_for(5'500);
  const auto links = h.all<msg::LinkState>();
  ASSERT_FALSE(links.empty());
  EXPECT_EQ(links.front().status, msg::LinkStatus::up);
  EXPECT_EQ(h.all<VersionInfo>().size(), 1U);
  ASSERT_EQ(h.all<BmsSettings>().size(), 1U);
  EXPECT_EQ(h.all<BmsSettings>().front().series_cells, 16);
  const auto snapshots = h.all<msg::BatterySnapshot>();
  ASSERT_GE(snapshots.size(), 5U);
  const auto& s = snapshots.back();
  EXPECT_EQ(s.cell_count, 16);
  EXPECT_FLOAT_EQ(s.cell_mv[0], 3300.0F);
  EXPECT_FLOAT_EQ(s.cell_mv[15], 3301.5F);
  EXPECT_FLOAT_EQ(s.pack_voltage_v, 52.8F);
  EXPECT_FLOAT_EQ(s.pack_current_a, -12.5F);
  EXPECT_NEAR(s.soc_pct, 61.5, 1e-9);
  EXPECT_EQ(s.online_status, msg::OnlineStatus::discharging);
  EXPECT_EQ(s.configured_cells, 16);
  EXPECT_FALSE(s.cell_count_mismatch);
  EXPECT_EQ(h.poller.stats().timeouts, 0U);
  EXPECT_EQ(h.poller.stats().retries, 0U);
}

TEST(Poller, GivenOneSecondInterval_WhenRunningTenSeconds_ThenAboutTenSnapshots) {
  Harness h;
  h.run_for(1'000);  // start-up
  const auto before = h.all<msg::BatterySnapshot>().size();
  h.run_for(10'000);
  const auto during = h.all<msg::BatterySnapshot>().size() - before;
  EXPECT_GE(during, 9U);
  EXPECT_LE(during, 11U);
}

TEST(Poller, GivenSleepingBms_WhenFirstRequestIsDropped_ThenRetryWakesItWithoutLinkLoss) {
  Harness h;
  h.bms.drop_next = 1;
  h.run_for(2'000);
  EXPECT_EQ(h.poller.stats().timeouts, 1U);
  EXPECT_EQ(h.poller.stats().retries, 1U);
  EXPECT_EQ(h.poller.link_status(), msg::LinkStatus::up);
  for (const auto& l : h.all<msg::LinkState>()) EXPECT_NE(l.status, msg::LinkStatus::lost);
  EXPECT_FALSE(h.all<msg::BatterySnapshot>().empty());
}

TEST(Poller, GivenBmsGoesSilent_WhenLossTimeoutPasses_ThenLinkLostByTimeoutAndProbedSparingly) {
  Harness h;
  h.run_for(3'000);
  const auto snapshots_before = h.all<msg::BatterySnapshot>().size();
  h.bms.silent = true;
  h.run_for(5'000);
  const auto links = h.all<msg::LinkState>();
  ASSERT_EQ(links.back().status, msg::LinkStatus::lost);
  EXPECT_EQ(links.back().reason, msg::LinkLossReason::timeout);
  EXPECT_EQ(h.poller.stats().link_losses, 1U);
  // Lost for a while: one probe per lost_probe_interval_ms (2 s), no retries.
  const auto requests_at_loss = h.bms.requests.size();
  h.run_for(10'000);
  EXPECT_LE(h.bms.requests.size() - requests_at_loss, 6U);
  EXPECT_EQ(h.all<msg::BatterySnapshot>().size(), snapshots_before);

  h.bms.silent = false;
  h.run_for(4'000);
  EXPECT_EQ(h.all<msg::LinkState>().back().status, msg::LinkStatus::up);
  EXPECT_EQ(h.all<VersionInfo>().size(), 2U) << "version re-read after the link came back";
  EXPECT_GT(h.all<msg::BatterySnapshot>().size(), snapshots_before);
}

TEST(Poller, GivenCorruptedReplies_WhenLinkIsLost_ThenReasonIsCrcAndNoSnapshotIsBuilt) {
  Harness h;
  h.bms.corrupt_replies = true;
  h.run_for(6'000);
  EXPECT_TRUE(h.all<msg::BatterySnapshot>().empty());
  const auto links = h.all<msg::LinkState>();
  ASSERT_FALSE(links.empty());
  EXPECT_EQ(links.back().status, msg::LinkStatus::lost);
  EXPECT_EQ(links.back().reason, msg::LinkLossReason::crc_errors);
  EXPECT_GT(h.poller.stats().crc_errors, 0U);
}

TEST(Poller, GivenStrayPreambleBeforeEachReply_WhenPolled_ThenRealRepliesAreStillAccepted) {
  // "AA 03 06" starts a false 11-byte candidate that swallows the head of the real reply; its
  // CRC fails and the rescan must find the real reply inside it.
  Harness h;
  h.bms.stray_preamble = true;
  h.run_for(5'000);
  EXPECT_GE(h.all<msg::BatterySnapshot>().size(), 4U);
  EXPECT_GT(h.poller.stats().crc_errors, 0U);
  EXPECT_EQ(h.poller.stats().timeouts, 0U);
  for (const auto& l : h.all<msg::LinkState>()) EXPECT_NE(l.status, msg::LinkStatus::lost);
}

TEST(Poller, GivenRepliesWithAnotherRequestsLength_WhenPolled_ThenCountedAndNeverDecoded) {
  Harness h;
  h.bms.wrong_count_replies = true;
  h.run_for(6'000);
  EXPECT_TRUE(h.all<msg::BatterySnapshot>().empty());
  EXPECT_GT(h.poller.stats().bad_responses, 0U);
  EXPECT_EQ(h.all<msg::LinkState>().back().reason, msg::LinkLossReason::bad_responses);
}

TEST(Poller, GivenBmsRefusingReservedSpans_WhenPolled_ThenFallsBackToSafePlanAndKeepsWorking) {
  Harness h;
  h.bms.nack_reserved_spans = true;
  h.run_for(5'000);
  EXPECT_TRUE(h.poller.stats().plan_fallback);
  const BlockPlan& plan = h.poller.live_plan();
  for (std::size_t i = 0; i < plan.count; ++i) {
    for (std::uint16_t a = plan.blocks[i].first; a < plan.blocks[i].first + plan.blocks[i].count;
         ++a) {
      EXPECT_FALSE(is_reserved(a)) << "block reads reserved register " << a;
    }
  }
  EXPECT_GE(h.all<msg::BatterySnapshot>().size(), 3U);
}

TEST(Poller, GivenRepliesInOneByteChunks_WhenPolled_ThenSameSnapshots) {
  Harness h;
  h.run_for(3'500, /*chunk=*/1);
  const auto snapshots = h.all<msg::BatterySnapshot>();
  ASSERT_GE(snapshots.size(), 3U);
  EXPECT_FLOAT_EQ(snapshots.back().pack_voltage_v, 52.8F);
  EXPECT_EQ(h.poller.stats().crc_errors, 0U);
}

TEST(Poller, GivenValidWrite_WhenRequested_ThenWrittenReadBackAndVerified) {
  Harness h;
  h.run_for(2'000);
  const RegisterWrite w[] = {{315, 3600}, {316, 2700}};
  ASSERT_TRUE(h.poller.request_write(w).ok());
  h.run_for(2'000);
  const auto results = h.all<SettingsWriteResult>();
  ASSERT_EQ(results.size(), 1U);
  const auto& r = results.front();
  EXPECT_EQ(r.status, WriteStatus::verified);
  ASSERT_EQ(r.count, 2U);
  EXPECT_EQ(r.items[0].address, 315);
  EXPECT_TRUE(r.items[0].old_known);
  EXPECT_EQ(r.items[0].old_raw, 3650);
  EXPECT_EQ(r.items[0].readback_raw, 3600);
  EXPECT_TRUE(r.items[1].verified);
  EXPECT_EQ(h.bms.regs[315], 3600);
  EXPECT_EQ(h.requests_with_command(0x10), 1U) << "contiguous registers in one 0x10 request";
  EXPECT_EQ(h.all<BmsSettings>().back().over_voltage_cutoff_cell_mv, 3600);
}

TEST(Poller, GivenOutOfRangeOrReadOnlyValues_WhenRequested_ThenRefusedAndNothingSent) {
  Harness h;
  h.run_for(2'000);
  const RegisterWrite too_high[] = {{315, 3600}, {316, 9999}};
  const RegisterWrite read_only[] = {{36, 1}};
  const RegisterWrite dup[] = {{315, 3600}, {315, 3601}};
  EXPECT_EQ(h.poller.request_write(too_high).error(), WriteError::invalid_value);
  EXPECT_EQ(h.poller.request_write(read_only).error(), WriteError::invalid_value);
  EXPECT_EQ(h.poller.request_write(dup).error(), WriteError::duplicate_address);
  EXPECT_EQ(h.poller.request_write({}).error(), WriteError::empty);
  h.run_for(2'000);
  EXPECT_EQ(h.requests_with_command(0x10), 0U);
  EXPECT_EQ(h.bms.regs[315], 3650);
}

TEST(Poller, GivenBmsThatIgnoresWrites_WhenWritten_ThenMismatchIsReported) {
  Harness h;
  h.run_for(2'000);
  h.bms.ignore_writes = true;
  const RegisterWrite w[] = {{300, 3550}};
  ASSERT_TRUE(h.poller.request_write(w).ok());
  h.run_for(2'000);
  const auto results = h.all<SettingsWriteResult>();
  ASSERT_EQ(results.size(), 1U);
  EXPECT_EQ(results.front().status, WriteStatus::mismatch);
  EXPECT_FALSE(results.front().items[0].verified);
  EXPECT_EQ(results.front().items[0].readback_raw, 3600);
}

// Issue 18 finding 10: a write to a silent BMS is "no answer" (the API's 504), not a refusal.
TEST(Poller, GivenSilentBms_WhenWritten_ThenNoAnswerAfterTheRetriesAndNothingChanged) {
  Harness h;
  h.run_for(2'000);
  h.bms.silent = true;
  const RegisterWrite w[] = {{300, 3550}};
  ASSERT_TRUE(h.poller.request_write(w).ok());
  h.run_for(5'000);
  const auto results = h.all<SettingsWriteResult>();
  ASSERT_EQ(results.size(), 1U);
  EXPECT_EQ(results.front().status, WriteStatus::no_answer);
  EXPECT_STREQ(to_string(results.front().status), "no answer");
  EXPECT_FALSE(results.front().items[0].verified);
  EXPECT_EQ(h.bms.regs[300], 3600) << "a silent BMS took nothing";
}

// Issue 18 finding 10: replies so late that readings stop while single answers still arrive
// (the simulator's `fault late 600`) must not leave the link "up" over stale data. Walks the
// fake clock and checks at every millisecond: while the link is up, a complete reading is at
// most link_loss_timeout + live_interval old; and the link does not flap on lone answers.
TEST(Poller, GivenRepliesTooLateForReadings_WhenPolled_ThenLinkLostWhileTheDataIsOld) {
  PollerConfig config;
  Harness h(config);
  h.run_for(2'000);
  ASSERT_FALSE(h.all<msg::BatterySnapshot>().empty());
  h.bms.reply_delay_ms = 900;  // > response_timeout_ms: every reply misses its request
  const Millis bound = config.link_loss_timeout_ms + config.live_interval_ms;
  Millis last_reading = h.all<msg::BatterySnapshot>().back().stamp_ms;
  const auto answers_before = h.poller.stats().responses;
  msg::LinkStatus link = msg::LinkStatus::up;
  std::size_t seen = h.events.size();
  for (int i = 0; i < 30'000; ++i) {
    h.run_for(1);
    for (; seen < h.events.size(); ++seen) {
      if (const auto* snap = std::get_if<msg::BatterySnapshot>(&h.events[seen])) {
        last_reading = snap->stamp_ms;
      }
      if (const auto* l = std::get_if<msg::LinkState>(&h.events[seen])) link = l->status;
    }
    if (link == msg::LinkStatus::up) {
      ASSERT_LE(h.now - last_reading, bound + 1) << "link up over data this old, at " << h.now;
    }
  }
  std::printf("late replies: %zu snapshots, %llu answers, %zu link changes, link %s at the end\n",
              h.all<msg::BatterySnapshot>().size(),
              static_cast<unsigned long long>(h.poller.stats().responses - answers_before),
              h.all<msg::LinkState>().size(), msg::to_string(link));
  EXPECT_EQ(link, msg::LinkStatus::lost);
  EXPECT_GT(h.poller.stats().responses, answers_before)
      << "answers kept arriving (so the link was not simply silent)";
  EXPECT_LE(h.all<msg::LinkState>().size(), 4U) << "no flapping between lost and up";
  // Prompt replies again: a complete reading brings the link back.
  h.bms.reply_delay_ms = 5;
  h.run_for(10'000);
  EXPECT_EQ(h.all<msg::LinkState>().back().status, msg::LinkStatus::up);
}

TEST(Poller, GivenLowByteRegister_WhenWritten_ThenHighByteIsKept) {
  Harness h;
  h.bms.regs[342] = 0xAB00;  // an undefined high byte the BMS holds
  h.run_for(2'000);
  const RegisterWrite w[] = {{342, 0x0000}};  // broadcast off
  ASSERT_TRUE(h.poller.request_write(w).ok());
  h.run_for(2'000);
  EXPECT_EQ(h.bms.regs[342], 0xAB00);
  EXPECT_EQ(h.all<SettingsWriteResult>().front().status, WriteStatus::verified);
}

TEST(Poller, GivenPortClosed_WhenItReopens_ThenLinkLostAtOnceAndRecovers) {
  Harness h;
  h.run_for(2'000);
  h.poller.on_port_closed(h.now);
  h.drain();
  EXPECT_EQ(h.all<msg::LinkState>().back().status, msg::LinkStatus::lost);
  EXPECT_EQ(h.all<msg::LinkState>().back().reason, msg::LinkLossReason::port_closed);
  const auto requests = h.bms.requests.size();
  h.run_for(3'000);
  EXPECT_EQ(h.bms.requests.size(), requests) << "nothing is sent while the port is closed";
  h.poller.on_port_opened(h.now);
  h.run_for(3'000);
  EXPECT_EQ(h.all<msg::LinkState>().back().status, msg::LinkStatus::up);
}

TEST(Poller, GivenRandomFaultMix_WhenRunLong_ThenEverySnapshotMatchesThePack) {
  // Randomised: at every simulated second, switch the fault mix; whatever happens, a published
  // snapshot must carry exactly the pack's values (no snapshot built from bad bytes).
  const unsigned seed = 20261128U;
  std::mt19937 rng(seed);
  Harness h;
  for (int step = 0; step < 300; ++step) {
    h.bms.silent = rng() % 10 == 0;
    h.bms.corrupt_replies = rng() % 5 == 0;
    h.bms.wrong_count_replies = rng() % 7 == 0;
    h.bms.drop_next = static_cast<int>(rng() % 3);
    h.run_for(1'000, 1 + rng() % 40);
  }
  const auto snapshots = h.all<msg::BatterySnapshot>();
  ASSERT_FALSE(snapshots.empty()) << "seed " << seed;
  for (const auto& s : snapshots) {
    ASSERT_FLOAT_EQ(s.pack_voltage_v, 52.8F) << "seed " << seed;
    ASSERT_FLOAT_EQ(s.cell_mv[7], 3300.7F) << "seed " << seed;
    ASSERT_NEAR(s.soc_pct, 61.5, 1e-9) << "seed " << seed;
  }
}

}  // namespace
}  // namespace tbgw::tinybms
