// BMS events: decoding registers 200-297 (the spec's real-unit fixture), placing events in wall
// time with the BMS clock (24-bit stamps), de-duplication across re-reads, ring wrap and a BMS
// whose lifetime counter went back.
#include "core/tinybms/bms_events.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>

namespace tbgw::tinybms {
namespace {

using Words = std::array<std::uint16_t, kEventSlots * 2>;

void put(Words& w, std::size_t slot, std::uint32_t time_s, std::uint8_t id) {
  w[2 * slot] = static_cast<std::uint16_t>(time_s & 0xFFFFU);
  w[2 * slot + 1] = static_cast<std::uint16_t>((id << 8) | ((time_s >> 16) & 0xFFU));
}

constexpr std::int64_t kNowUnix = 1'750'000'000;

TEST(BmsEvents, GIVEN_spec_fixture_register_203_WHEN_decoded_from_the_bank_THEN_charger_connected) {
  RegisterBank bank;
  std::array<std::uint16_t, kEventSlots * 2> words{};
  words[3] = 0x64B9;  // register 203: slot 1, high word
  ASSERT_TRUE(bank.store(200, words, 5));
  const auto list = decode_event_registers(bank);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->count, 1U);
  const BmsEventRecord& e = list->items[0];
  EXPECT_EQ(e.id, 0x64);
  EXPECT_EQ(e.slot, 1);
  EXPECT_EQ(e.bms_time_s, 0xB9'0000U);  // register 202 read 0: bits 16-23 = 0xB9
  ASSERT_NE(e.info, nullptr);
  EXPECT_EQ(e.info->severity, EventSeverity::info);
  EXPECT_EQ(e.info->name, "charger_connected");
}

TEST(BmsEvents, GIVEN_bank_without_event_registers_WHEN_decoded_THEN_not_read) {
  RegisterBank bank;
  bank.store(200, 1, 0);
  EXPECT_EQ(decode_event_registers(bank).error(), EventsError::not_read);
}

TEST(BmsEvents, GIVEN_slots_in_any_order_WHEN_decoded_THEN_empty_skipped_and_oldest_first) {
  Words w{};
  put(w, 0, 500, 0x62);
  put(w, 7, 100, 0x02);
  put(w, 3, 300, 0x99);  // not in the spec's list
  const BmsEventList list = decode_event_words(w);
  ASSERT_EQ(list.count, 3U);
  EXPECT_EQ(list.items[0].bms_time_s, 100U);
  EXPECT_EQ(list.items[0].info->severity, EventSeverity::fault);
  EXPECT_EQ(list.items[1].info->severity, EventSeverity::unknown);
  EXPECT_EQ(list.items[1].info->name, "unknown_event");
  EXPECT_EQ(list.items[2].id, 0x62);
}

TEST(BmsEvents, GIVEN_every_listed_id_WHEN_looked_up_THEN_found_with_its_severity) {
  struct Case {
    std::uint8_t id;
    EventSeverity severity;
  };
  const Case cases[] = {{0x02, EventSeverity::fault},   {0x0F, EventSeverity::fault},
                        {0x31, EventSeverity::warning}, {0x39, EventSeverity::warning},
                        {0x61, EventSeverity::info},    {0x7D, EventSeverity::info},
                        {0x00, EventSeverity::unknown}, {0x50, EventSeverity::unknown}};
  for (const Case& c : cases) EXPECT_EQ(event_info(c.id).severity, c.severity) << int{c.id};
  EXPECT_EQ(all_event_infos().size(), 34U);
}

struct TimeCase {
  std::uint32_t stamp;
  std::uint32_t lifetime_now;
  bool known;
  std::int64_t age_s;
};

TEST(BmsEvents, GIVEN_stamp_and_bms_clock_WHEN_placed_THEN_unix_time_is_now_minus_age) {
  const TimeCase cases[] = {
      {1000, 1000, true, 0},
      {1000, 4600, true, 3600},
      {0xB9'0000, 0xB9'0000 + 60, true, 60},
      {2000, 1000, false, 0},                     // later than a clock that never wrapped
      {0xFF'FFF0, 0x100'0010, true, 0x20},        // stamp before the 24-bit wrap
      {0x00'0005, 0x100'0010, true, 0x0B},        // stamp after the wrap
      {0x00'0020, 0x200'0010, true, 0xFF'FFF0}};  // older than the clock's low bits
  for (const TimeCase& c : cases) {
    const auto t = to_unix_s(c.stamp, c.lifetime_now, kNowUnix);
    ASSERT_EQ(t.has_value(), c.known) << c.stamp << " at " << c.lifetime_now;
    if (c.known) {
      EXPECT_EQ(*t, kNowUnix - c.age_s) << c.stamp << " at " << c.lifetime_now;
    }
  }
}

TEST(BmsEvents, GIVEN_a_ring_WHEN_first_update_THEN_all_reported_with_absolute_time) {
  Words w{};
  put(w, 0, 1000, 0x61);
  put(w, 1, 1600, 0x05);
  BmsEventTracker tracker;
  const NewBmsEvents n = tracker.update(decode_event_words(w), 2000, kNowUnix);
  ASSERT_EQ(n.events.count, 2U);
  EXPECT_TRUE(n.events.items[0].time_known);
  EXPECT_EQ(n.events.items[0].unix_s, kNowUnix - 1000);
  EXPECT_EQ(n.events.items[1].unix_s, kNowUnix - 400);
  EXPECT_FALSE(n.bms_reset);
  EXPECT_FALSE(n.overflow);
}

TEST(BmsEvents, GIVEN_reported_ring_WHEN_reread_as_the_clock_moves_THEN_only_new_events) {
  Words w{};
  put(w, 0, 1000, 0x61);
  BmsEventTracker tracker;
  (void)tracker.update(decode_event_words(w), 2000, kNowUnix);
  EXPECT_EQ(tracker.update(decode_event_words(w), 2060, kNowUnix + 60).events.count, 0U);
  put(w, 1, 2100, 0x05);
  put(w, 2, 2100, 0x05);  // the same event twice in one second: two events
  const NewBmsEvents n = tracker.update(decode_event_words(w), 2120, kNowUnix + 120);
  ASSERT_EQ(n.events.count, 2U);
  EXPECT_EQ(n.events.items[0].id, 0x05);
  EXPECT_EQ(n.events.items[0].unix_s, kNowUnix + 100);
  EXPECT_EQ(tracker.update(decode_event_words(w), 2180, kNowUnix + 180).events.count, 0U);
}

TEST(BmsEvents, GIVEN_full_ring_overwritten_between_reads_WHEN_updated_THEN_overflow_flagged) {
  Words w{};
  for (std::size_t s = 0; s < kEventSlots; ++s) put(w, s, 100 + s, 0x62);
  BmsEventTracker tracker;
  (void)tracker.update(decode_event_words(w), 1000, kNowUnix);
  Words w2{};
  for (std::size_t s = 0; s < kEventSlots; ++s) put(w2, s, 2000 + s, 0x63);
  const NewBmsEvents n = tracker.update(decode_event_words(w2), 3000, kNowUnix + 2000);
  EXPECT_EQ(n.events.count, kEventSlots);
  EXPECT_TRUE(n.overflow);
}

TEST(BmsEvents, GIVEN_lifetime_going_back_WHEN_updated_THEN_forgotten_and_reimported) {
  Words w{};
  put(w, 0, 5000, 0x61);
  BmsEventTracker tracker;
  (void)tracker.update(decode_event_words(w), 6000, kNowUnix);
  put(w, 1, 10, 0x61);  // the new clock's "system started"
  const NewBmsEvents n = tracker.update(decode_event_words(w), 30, kNowUnix + 100);
  EXPECT_TRUE(n.bms_reset);
  ASSERT_EQ(n.events.count, 2U);
  EXPECT_FALSE(n.events.items[0].time_known) << "stamped by the old clock: cannot be placed";
  EXPECT_EQ(n.events.items[0].bms_time_s, 5000U);
  EXPECT_TRUE(n.events.items[1].time_known);
  EXPECT_EQ(n.events.items[1].unix_s, kNowUnix + 80);
  EXPECT_EQ(tracker.update(decode_event_words(w), 40, kNowUnix + 110).events.count, 0U);
}

TEST(BmsEvents, GIVEN_saved_state_WHEN_restored_in_a_new_tracker_THEN_nothing_reported_again) {
  Words w{};
  put(w, 0, 1000, 0x61);
  put(w, 1, 1100, 0x64);
  BmsEventTracker first;
  (void)first.update(decode_event_words(w), 2000, kNowUnix);
  BmsEventTracker second;
  ASSERT_TRUE(second.restore(first.save()));
  EXPECT_EQ(second.update(decode_event_words(w), 2100, kNowUnix + 100).events.count, 0U);
  BmsEventTrackerState bad;
  bad.count = kEventSlots + 1;
  EXPECT_FALSE(second.restore(bad));
}

}  // namespace
}  // namespace tbgw::tinybms
