// The simulator's link side: response delay and baud pacing, sleep, every injectable fault,
// the text control commands and the truth JSON. Requests come from core's request builder;
// time is a fake clock (plain Millis values); fault randomness is seeded by the config.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "core/tinybms/request_builder.hpp"
#include "core/tinybms/response_parser.hpp"
#include "sim/simulator.hpp"

namespace tbgw::sim {
namespace {

constexpr Millis kT0 = 2'000'000;

std::vector<std::uint8_t> request_bytes(const tinybms::BuildResult& r) {
  const auto b = r.value().bytes();
  return {b.begin(), b.end()};
}

const std::vector<std::uint8_t>& live_block_request() {
  static const auto req = request_bytes(tinybms::build_modbus_read(0, 56));  // 117-byte reply
  return req;
}

std::vector<std::uint8_t> take_all(Simulator& sim, Millis now) {
  std::vector<std::uint8_t> out;
  std::array<std::uint8_t, 32> buf{};
  while (const std::size_t n = sim.take_output(now, buf))
    out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
  return out;
}

// Sends the live-block request at `now` and collects everything sent within `wait_ms`.
std::vector<std::uint8_t> ask(Simulator& sim, Millis& now, Millis wait_ms = 200) {
  sim.on_bytes(live_block_request(), now);
  now += wait_ms;
  sim.advance(now);
  return take_all(sim, now);
}

SimConfig frozen_config() {
  SimConfig c;
  c.seed = 11;
  c.time_factor = 0.001;  // no model step during these short exchanges
  return c;
}

struct PacingCase {
  int baud;
  int delay_ms;
  Millis after_delay_ms;
  std::size_t expected_bytes;  // cumulative
};

class SimPacing : public ::testing::TestWithParam<PacingCase> {};

TEST_P(SimPacing,
       GIVEN_a_117_byte_reply_WHEN_time_passes_THEN_bytes_come_after_the_delay_at_the_baud_rate) {
  const PacingCase& tc = GetParam();
  SimConfig c = frozen_config();
  c.baud = tc.baud;
  c.response_delay_ms = tc.delay_ms;
  Simulator sim(c);
  sim.advance(kT0);
  sim.on_bytes(live_block_request(), kT0);
  const auto early = take_all(sim, kT0 + tc.delay_ms - 1);
  EXPECT_TRUE(early.empty());
  const auto got = take_all(sim, kT0 + tc.delay_ms + tc.after_delay_ms);
  EXPECT_EQ(got.size(), tc.expected_bytes);
}

INSTANTIATE_TEST_SUITE_P(
    Rates, SimPacing,
    ::testing::Values(PacingCase{115200, 5, 0, 0},   // first byte not finished yet
                      PacingCase{115200, 5, 1, 11},  // 11.52 bytes per ms
                      PacingCase{115200, 5, 10, 115},
                      PacingCase{115200, 5, 11, 117},  // 117 bytes = 10.16 ms
                      PacingCase{115200, 40, 11, 117}, PacingCase{9600, 5, 100, 96},
                      PacingCase{9600, 5, 122, 117}));  // 121.9 ms at 9600 baud

TEST(SimPacing, GIVEN_a_pending_reply_WHEN_asked_for_the_next_wakeup_THEN_it_is_the_first_byte) {
  Simulator sim(frozen_config());
  EXPECT_EQ(sim.next_wakeup(kT0), kT0);  // not started yet
  sim.advance(kT0);
  sim.on_bytes(live_block_request(), kT0);
  EXPECT_EQ(sim.next_wakeup(kT0), kT0 + 5 + 1);
}

TEST(SimPacing, GIVEN_a_clock_that_steps_back_WHEN_output_is_taken_THEN_nothing_is_repeated) {
  Simulator sim(frozen_config());
  sim.advance(kT0);
  sim.on_bytes(live_block_request(), kT0);
  EXPECT_EQ(take_all(sim, kT0 + 10).size(), 57U);
  EXPECT_TRUE(take_all(sim, kT0 + 7).empty());
  EXPECT_EQ(take_all(sim, kT0 + 20).size(), 60U);
}

TEST(SimPacing,
     GIVEN_two_requests_back_to_back_WHEN_answered_THEN_the_second_reply_waits_for_the_first) {
  Simulator sim(frozen_config());
  sim.advance(kT0);
  sim.on_bytes(live_block_request(), kT0);
  sim.on_bytes(live_block_request(), kT0);
  EXPECT_EQ(take_all(sim, kT0 + 5 + 11).size(), 117U);
  EXPECT_EQ(take_all(sim, kT0 + 5 + 22).size(), 117U);
}

TEST(
    SimSleep,
    GIVEN_sleep_enabled_WHEN_idle_for_10_s_THEN_the_first_request_is_swallowed_and_the_next_answered) {
  SimConfig c;
  c.sleep_enabled = true;
  Simulator sim(c);
  Millis now = kT0;
  sim.advance(now);
  now += 9'900;
  sim.advance(now);
  EXPECT_FALSE(sim.asleep());
  EXPECT_EQ(sim.next_wakeup(now), kT0 + 10'000);
  now += 100;
  sim.advance(now);
  EXPECT_TRUE(sim.asleep());
  EXPECT_TRUE(sim.truth().asleep);

  EXPECT_TRUE(ask(sim, now, 1000).empty());
  EXPECT_FALSE(sim.asleep());
  EXPECT_EQ(sim.stats().dropped_waking, 1U);
  EXPECT_EQ(ask(sim, now).size(), 117U);
  EXPECT_EQ(sim.model().statistics().wake_cause, BmsStatistics::kWakeUart);
}

TEST(SimSleep, GIVEN_sleep_enabled_WHEN_polled_every_second_or_under_load_THEN_it_stays_awake) {
  SimConfig c;
  c.sleep_enabled = true;
  Simulator polled(c);
  Millis now = kT0;
  polled.advance(now);
  for (int i = 0; i < 30; ++i) EXPECT_EQ(ask(polled, now, 1000).size(), 117U);
  EXPECT_EQ(polled.stats().sleeps, 0U);

  c.load = LoadProfile::constant_current(-5.0);
  Simulator loaded(c);
  now = kT0;
  loaded.advance(now);
  now += 30'000;
  loaded.advance(now);
  EXPECT_FALSE(loaded.asleep());
}

TEST(SimFaults, GIVEN_drop_1_WHEN_asked_THEN_no_reply_and_counted) {
  Simulator sim(frozen_config());
  Millis now = kT0;
  sim.advance(now);
  sim.faults().drop_probability = 1.0;
  EXPECT_TRUE(ask(sim, now).empty());
  EXPECT_EQ(sim.stats().dropped, 1U);
  sim.faults().drop_probability = 0.0;
  EXPECT_EQ(ask(sim, now).size(), 117U);
}

std::vector<bool> drop_pattern(std::uint64_t seed) {
  SimConfig c = frozen_config();
  c.seed = seed;
  Simulator sim(c);
  Millis now = kT0;
  sim.advance(now);
  sim.faults().drop_probability = 0.5;
  std::vector<bool> answered;
  for (int i = 0; i < 200; ++i) answered.push_back(!ask(sim, now, 20).empty());
  return answered;
}

TEST(SimFaults, GIVEN_drop_half_WHEN_run_twice_with_one_seed_THEN_the_same_replies_are_dropped) {
  const auto a = drop_pattern(5);
  EXPECT_EQ(a, drop_pattern(5));
  const auto dropped = std::count(a.begin(), a.end(), false);
  EXPECT_GT(dropped, 60);
  EXPECT_LT(dropped, 140);
  EXPECT_NE(a, drop_pattern(6));
}

TEST(SimFaults, GIVEN_corrupt_rate_1_WHEN_a_reply_is_sent_THEN_every_byte_has_one_flipped_bit) {
  Simulator clean(frozen_config());
  Simulator bad(frozen_config());
  Millis now_clean = kT0;
  Millis now_bad = kT0;
  clean.advance(now_clean);
  bad.advance(now_bad);
  bad.faults().corrupt_byte_rate = 1.0;
  const auto good = ask(clean, now_clean);
  const auto flipped = ask(bad, now_bad);
  ASSERT_EQ(good.size(), flipped.size());
  for (std::size_t i = 0; i < good.size(); ++i) {
    EXPECT_EQ(__builtin_popcount(static_cast<unsigned>(good[i] ^ flipped[i])), 1) << "byte " << i;
  }
  EXPECT_EQ(bad.stats().corrupted_bytes, good.size());
}

TEST(SimFaults, GIVEN_a_small_corrupt_rate_WHEN_many_replies_are_parsed_THEN_some_fail_their_crc) {
  Simulator sim(frozen_config());
  Millis now = kT0;
  sim.advance(now);
  sim.faults().corrupt_byte_rate = 0.005;
  tinybms::ResponseParser parser;
  for (int i = 0; i < 100; ++i) {
    auto bytes = ask(sim, now, 20);
    std::span<const std::uint8_t> in(bytes);
    for (;;) {
      const auto r = parser.push(in);
      in = in.subspan(r.consumed);
      if (!r.event) break;
    }
  }
  EXPECT_GT(parser.counters().frames_ok, 30U);
  EXPECT_GT(parser.counters().crc_errors + parser.counters().unknown_commands, 5U);
  EXPECT_GT(sim.stats().corrupted_bytes, 0U);
}

TEST(SimFaults, GIVEN_late_800_WHEN_asked_THEN_the_first_byte_waits_delay_plus_800_ms) {
  Simulator sim(frozen_config());
  sim.advance(kT0);
  sim.faults().late_ms = 800;
  sim.on_bytes(live_block_request(), kT0);
  EXPECT_TRUE(take_all(sim, kT0 + 805).empty());
  EXPECT_EQ(take_all(sim, kT0 + 806).size(), 11U);
  EXPECT_EQ(sim.stats().late_replies, 1U);
}

TEST(SimFaults, GIVEN_silent_WHEN_asked_THEN_nothing_until_it_comes_back) {
  Simulator sim(frozen_config());
  Millis now = kT0;
  sim.advance(now);
  sim.on_bytes(live_block_request(), now);  // a reply in flight...
  sim.faults().silent = true;               // ...when the cable is pulled
  EXPECT_TRUE(take_all(sim, now + 100).empty());
  EXPECT_EQ(sim.stats().discarded_silent_bytes, 117U);
  now += 100;
  EXPECT_TRUE(ask(sim, now, 2000).empty());
  EXPECT_EQ(sim.stats().ignored_silent_bytes, live_block_request().size());
  sim.faults().silent = false;
  EXPECT_EQ(ask(sim, now).size(), 117U);
}

TEST(SimCommands, GIVEN_fault_commands_WHEN_applied_THEN_the_registers_show_them) {
  SimConfig c;
  c.seed = 2;
  Simulator sim(c);
  Millis now = kT0;
  sim.advance(now);
  std::string reply;
  ASSERT_TRUE(apply_command(sim, "fault cell-drift 7 +5", reply)) << reply;
  ASSERT_TRUE(apply_command(sim, "fault hot-sensor 1 70", reply)) << reply;
  const double cell7_before = sim.truth().cell_mv[6];
  now += 60'000;
  sim.advance(now);
  EXPECT_NEAR(sim.truth().cell_mv[6] - cell7_before, 5.0, 0.1);
  EXPECT_EQ(sim.truth().temps_c[1], 70.0);
  EXPECT_EQ(sim.truth().online_status, status::kFault);

  ASSERT_TRUE(apply_command(sim, "fault clear", reply)) << reply;
  now += 1000;
  sim.advance(now);
  EXPECT_FALSE(sim.truth().protection.over_temperature);
  EXPECT_NEAR(sim.truth().cell_mv[6], cell7_before, 0.1);
}

struct CommandCase {
  const char* line;
  bool ok;
};

class SimCommandTable : public ::testing::TestWithParam<CommandCase> {};

TEST_P(SimCommandTable, GIVEN_a_command_line_WHEN_applied_THEN_accepted_or_refused_without_change) {
  Simulator sim(frozen_config());
  std::string reply;
  const Faults before = sim.faults();
  const bool ok = apply_command(sim, GetParam().line, reply);
  EXPECT_EQ(ok, GetParam().ok) << reply;
  EXPECT_FALSE(reply.empty());
  if (!ok) {
    EXPECT_EQ(reply.rfind("error:", 0), 0U) << reply;
    EXPECT_EQ(sim.faults().drop_probability, before.drop_probability);
    EXPECT_EQ(sim.faults().silent, before.silent);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Lines, SimCommandTable,
    ::testing::Values(
        CommandCase{"fault silent on", true}, CommandCase{"fault silent off", true},
        CommandCase{"fault drop 0.2", true}, CommandCase{"fault corrupt 0.01", true},
        CommandCase{"fault late 800", true}, CommandCase{"fault cell-drift 16 -3", true},
        CommandCase{"fault cell-drift off", true}, CommandCase{"fault hot-sensor 2 off", true},
        CommandCase{"fault clear", true}, CommandCase{"load current -50", true},
        CommandCase{"load power 1500", true}, CommandCase{"load solar", true},
        CommandCase{"ambient 5", true}, CommandCase{"status", true}, CommandCase{"help", true},
        CommandCase{"", false}, CommandCase{"fault", false},
        CommandCase{"fault silent maybe", false}, CommandCase{"fault drop 1.5", false},
        CommandCase{"fault drop x", false}, CommandCase{"fault late -1", false},
        CommandCase{"fault cell-drift 17 5", false}, CommandCase{"fault cell-drift 2.5 5", false},
        CommandCase{"fault hot-sensor 3 70", false}, CommandCase{"fault hot-sensor 1 hot", false},
        CommandCase{"load current", false}, CommandCase{"ambient 500", false},
        CommandCase{"reboot", false}));

TEST(SimTruthJson,
     GIVEN_a_14s_pack_without_sensor_2_WHEN_formatted_THEN_one_json_object_with_units) {
  SimConfig c;
  c.cells = 14;
  c.ext2_present = false;
  Simulator sim(c);
  sim.advance(kT0);
  const std::string line = truth_json_line(sim.truth(), kT0);
  EXPECT_EQ(line.front(), '{');
  EXPECT_EQ(line.back(), '}');
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_NE(line.find("\"t_ms\":2000000,"), std::string::npos);
  EXPECT_NE(line.find("\"cells\":14,"), std::string::npos);
  EXPECT_NE(line.find(",null]"), std::string::npos);  // sensor 2 absent
  EXPECT_NE(line.find("\"status\":151"), std::string::npos);
  const auto cells_at = line.find("\"cell_mv\":[");
  const auto cells_end = line.find(']', cells_at);
  EXPECT_EQ(std::count(line.begin() + static_cast<std::ptrdiff_t>(cells_at),
                       line.begin() + static_cast<std::ptrdiff_t>(cells_end), ','),
            13);
}

}  // namespace
}  // namespace tbgw::sim
