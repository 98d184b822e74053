// The typed bus: state channels keep the latest value, event channels deliver each message
// exactly once to every subscriber in order, validators reject before anyone sees a message,
// capacities and re-entrancy rules hold, counters add up, and publishing never allocates.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "core/bus/channel.hpp"
#include "core/msg/battery_snapshot.hpp"
#include "core/msg/config_changed.hpp"
#include "core/msg/energy_counters.hpp"

#include "unit/counting_new.hpp"

namespace tbgw::bus {
namespace {

struct Reading {
  Millis stamp_ms = 0;
  std::int32_t value = 0;
};
bool reading_is_valid(const Reading& r) {
  return r.value >= 0;
}

using ReadingState = StateChannel<Reading, 4>;
using ReadingEvent = EventChannel<Reading, 4>;

template <class C>
concept HasLatest = requires(const C& c) {
  c.latest();
};
static_assert(HasLatest<ReadingState>);
static_assert(!HasLatest<ReadingEvent>, "event channels keep no latest value");

TEST(Bus, GivenStateChannel_WhenNothingPublished_ThenLatestIsNull) {
  ReadingState ch{"reading"};
  EXPECT_EQ(ch.latest(), nullptr);
}

TEST(Bus, GivenStateChannelWithoutSubscribers_WhenPublishedSeveralTimes_ThenLateReaderSeesLast) {
  struct Case {
    const char* name;
    std::vector<std::int32_t> published;
    std::int32_t expected_latest;
  };
  const Case cases[] = {
      {"one", {7}, 7},
      {"three", {1, 2, 3}, 3},
      {"invalid last is not kept", {4, -1}, 4},
      {"invalid in between", {5, -9, 6}, 6},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    ReadingState ch{"reading", &reading_is_valid};
    Millis t = 0;
    for (auto v : c.published) (void)ch.publish(Reading{t += 100, v});
    ASSERT_NE(ch.latest(), nullptr);
    EXPECT_EQ(ch.latest()->value, c.expected_latest);
  }
}

TEST(Bus, GivenSubscribers_WhenEventPublished_ThenEachCalledOnceInSubscriptionOrder) {
  struct Case {
    std::size_t subscribers;
    std::int32_t publishes;
  };
  for (const auto c : {Case{1, 1}, Case{2, 3}, Case{4, 5}}) {
    SCOPED_TRACE(testing::Message() << c.subscribers << " subscribers, " << c.publishes);
    ReadingEvent ch{"event"};
    std::vector<std::string> log;
    for (std::size_t i = 0; i < c.subscribers; ++i) {
      ASSERT_TRUE(ch.subscribe([&log, i](const Reading& r) {
        log.push_back(std::to_string(r.value) + ":" + std::to_string(i));
      }));
    }
    std::vector<std::string> expected;
    for (std::int32_t v = 0; v < c.publishes; ++v) {
      ASSERT_TRUE(ch.publish(Reading{0, v}));
      for (std::size_t i = 0; i < c.subscribers; ++i) {
        expected.push_back(std::to_string(v) + ":" + std::to_string(i));
      }
    }
    EXPECT_EQ(log, expected);
  }
}

TEST(Bus, GivenValidator_WhenInvalidMessagePublished_ThenNobodySeesItAndItIsCounted) {
  ReadingState ch{"reading", &reading_is_valid};
  int calls = 0;
  ASSERT_TRUE(ch.subscribe([&calls](const Reading&) { ++calls; }));
  ASSERT_TRUE(ch.publish(Reading{1, 10}));

  const auto r = ch.publish(Reading{2, -1});

  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), BusError::rejected);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(ch.latest()->value, 10);
  EXPECT_EQ(ch.stats().rejected, 1U);
  EXPECT_EQ(ch.stats().published, 1U);
}

TEST(Bus, GivenRealMessageValidators_WhenPublished_ThenOnlyValidOnesAccepted) {
  EventChannel<msg::ConfigChanged, 2> config{"config_changed", &msg::is_valid};
  StateChannel<msg::EnergyCounters, 2> energy{"energy_counters", &msg::is_valid};
  msg::ConfigChanged nothing;
  msg::ConfigChanged one;
  ASSERT_TRUE(one.mark(3));
  msg::EnergyCounters negative;
  negative.wh_charged = -1.0;

  EXPECT_FALSE(config.publish(nothing));
  EXPECT_TRUE(config.publish(one));
  EXPECT_FALSE(energy.publish(negative));
  EXPECT_TRUE(energy.publish(msg::EnergyCounters{}));
  EXPECT_EQ(config.stats().rejected, 1U);
  EXPECT_EQ(energy.stats().rejected, 1U);
}

TEST(Bus, GivenFullChannel_WhenOneMoreSubscribes_ThenRefusedAndExistingStillDelivered) {
  EventChannel<Reading, 2> ch{"event"};
  int calls = 0;
  ASSERT_TRUE(ch.subscribe([&calls](const Reading&) { ++calls; }));
  ASSERT_TRUE(ch.subscribe([&calls](const Reading&) { ++calls; }));

  const auto r = ch.subscribe([&calls](const Reading&) { calls += 100; });

  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), BusError::subscribers_full);
  EXPECT_EQ(ch.subscriber_count(), 2U);
  ASSERT_TRUE(ch.publish(Reading{}));
  EXPECT_EQ(calls, 2);
}

TEST(Bus,
     GivenSubscriberPublishingToAnotherChannel_WhenPublished_ThenNestedDeliveryCompletesFirst) {
  ReadingEvent a{"a"};
  ReadingState b{"b"};
  std::vector<std::string> log;
  ASSERT_TRUE(a.subscribe([&](const Reading& r) {
    log.push_back("a0 start");
    EXPECT_TRUE(b.publish(Reading{r.stamp_ms, r.value * 10}));
    log.push_back("a0 end");
  }));
  ASSERT_TRUE(a.subscribe([&](const Reading&) { log.push_back("a1"); }));
  ASSERT_TRUE(
      b.subscribe([&](const Reading& r) { log.push_back("b0 " + std::to_string(r.value)); }));

  ASSERT_TRUE(a.publish(Reading{0, 4}));

  EXPECT_EQ(log, (std::vector<std::string>{"a0 start", "b0 40", "a0 end", "a1"}));
  EXPECT_EQ(b.latest()->value, 40);
}

TEST(Bus, GivenSubscriberPublishingToItsOwnChannel_WhenPublished_ThenRefusedAndCounted) {
  ReadingState ch{"reading"};
  std::vector<std::int32_t> seen;
  Result<void, BusError> inner{};
  ASSERT_TRUE(ch.subscribe([&](const Reading& r) {
    seen.push_back(r.value);
    if (r.value == 1) inner = ch.publish(Reading{0, 2});
  }));
  ASSERT_TRUE(ch.subscribe([&](const Reading& r) { seen.push_back(r.value + 100); }));

  ASSERT_TRUE(ch.publish(Reading{0, 1}));

  ASSERT_FALSE(inner);
  EXPECT_EQ(inner.error(), BusError::reentrant_publish);
  EXPECT_EQ(seen, (std::vector<std::int32_t>{1, 101}));  // the original, once each; no 2
  EXPECT_EQ(ch.latest()->value, 1);
  EXPECT_EQ(ch.stats().reentrant_refused, 1U);
  EXPECT_EQ(ch.stats().published, 1U);
  ASSERT_TRUE(ch.publish(Reading{0, 3}));  // usable afterwards
  EXPECT_EQ(ch.latest()->value, 3);
}

TEST(Bus, GivenCycleBetweenTwoChannels_WhenPublished_ThenSecondEntryRefusedAndNoRecursion) {
  ReadingEvent a{"a"};
  ReadingEvent b{"b"};
  int a_calls = 0;
  int b_calls = 0;
  ASSERT_TRUE(a.subscribe([&](const Reading& r) {
    ++a_calls;
    (void)b.publish(r);
  }));
  ASSERT_TRUE(b.subscribe([&](const Reading& r) {
    ++b_calls;
    EXPECT_FALSE(a.publish(r));
  }));

  ASSERT_TRUE(a.publish(Reading{}));

  EXPECT_EQ(a_calls, 1);
  EXPECT_EQ(b_calls, 1);
  EXPECT_EQ(a.stats().reentrant_refused, 1U);
}

TEST(Bus, GivenDelivery_WhenSubscriberSubscribes_ThenRefused) {
  ReadingEvent ch{"event"};
  Result<void, BusError> inner{};
  ASSERT_TRUE(ch.subscribe([&](const Reading&) { inner = ch.subscribe([](const Reading&) {}); }));

  ASSERT_TRUE(ch.publish(Reading{}));

  ASSERT_FALSE(inner);
  EXPECT_EQ(inner.error(), BusError::subscribe_during_delivery);
  EXPECT_EQ(ch.subscriber_count(), 1U);
}

TEST(Bus, GivenPublisherChangingItsObjectDuringDelivery_ThenEverySubscriberSeesTheSameValue) {
  ReadingEvent ch{"event"};
  Reading source{0, 1};
  std::vector<std::int32_t> seen;
  ASSERT_TRUE(ch.subscribe([&](const Reading& r) {
    seen.push_back(r.value);
    source.value = 99;
  }));
  ASSERT_TRUE(ch.subscribe([&](const Reading& r) { seen.push_back(r.value); }));

  ASSERT_TRUE(ch.publish(source));

  EXPECT_EQ(seen, (std::vector<std::int32_t>{1, 1}));
}

TEST(Bus, GivenMixOfValidAndInvalidPublishes_ThenCountersAddUp) {
  struct Case {
    std::size_t subscribers;
    int valid;
    int invalid;
  };
  for (const auto c : {Case{0, 3, 0}, Case{1, 2, 2}, Case{3, 5, 1}, Case{4, 0, 4}}) {
    SCOPED_TRACE(testing::Message() << c.subscribers << "/" << c.valid << "/" << c.invalid);
    ReadingState ch{"reading", &reading_is_valid};
    for (std::size_t i = 0; i < c.subscribers; ++i) {
      ASSERT_TRUE(ch.subscribe([](const Reading&) {}));
    }
    for (int i = 0; i < c.valid; ++i) (void)ch.publish(Reading{0, i});
    for (int i = 0; i < c.invalid; ++i) (void)ch.publish(Reading{0, -1 - i});
    EXPECT_EQ(ch.stats().published, static_cast<std::uint64_t>(c.valid));
    EXPECT_EQ(ch.stats().rejected, static_cast<std::uint64_t>(c.invalid));
    EXPECT_EQ(ch.stats().delivered, static_cast<std::uint64_t>(c.valid) * c.subscribers);
    EXPECT_EQ(ch.stats().reentrant_refused, 0U);
  }
}

TEST(Bus, GivenChannelsOfDifferentTypes_WhenListedForMetrics_ThenNameKindAndCapacityVisible) {
  StateChannel<msg::BatterySnapshot, 8> snapshot{"battery_snapshot"};
  EventChannel<msg::ConfigChanged, 3> config{"config_changed"};
  const ChannelBase* all[] = {&snapshot, &config};

  EXPECT_EQ(all[0]->name(), "battery_snapshot");
  EXPECT_EQ(all[0]->kind(), ChannelKind::state);
  EXPECT_EQ(all[0]->subscriber_capacity(), 8U);
  EXPECT_EQ(all[1]->name(), "config_changed");
  EXPECT_EQ(all[1]->kind(), ChannelKind::event);
  EXPECT_EQ(all[1]->subscriber_capacity(), 3U);
}

void free_function(const Reading&) {}

TEST(Bus, GivenCallables_ThenOnlySmallTriviallyCopyableOnesFitACallback) {
  int a = 0;
  int b = 0;
  int c = 0;
  int d = 0;
  auto three_refs = [&a, &b, &c](const Reading&) { a = b + c; };
  auto four_refs = [&a, &b, &c, &d](const Reading&) { a = b + c + d; };
  std::string owned;
  auto owns_string = [owned](const Reading&) { (void)owned.size(); };
  static_assert(FitsCallback<decltype(three_refs), Reading>);
  static_assert(FitsCallback<decltype(&free_function), Reading>);
  static_assert(!FitsCallback<decltype(four_refs), Reading>, "too big for the inline buffer");
  static_assert(!FitsCallback<decltype(owns_string), Reading>, "would need a destructor");
  static_assert(!FitsCallback<decltype(three_refs), int>, "wrong argument type");

  EventChannel<Reading, 1> ch{"event"};
  EXPECT_TRUE(ch.subscribe(&free_function));
  EXPECT_TRUE(ch.publish(Reading{}));
}

TEST(Bus, GivenWiredChannels_When10000Publishes_ThenNoAllocation) {
  StateChannel<msg::BatterySnapshot, 4> snapshot{
      "battery_snapshot", [](const msg::BatterySnapshot& s) { return s.cell_count <= 16; }};
  StateChannel<msg::EnergyCounters, 2> energy{"energy_counters", &msg::is_valid};
  EventChannel<msg::ConfigChanged, 4> config{"config_changed", &msg::is_valid};
  double total_wh = 0.0;
  std::size_t config_events = 0;
  ASSERT_TRUE(snapshot.subscribe([&](const msg::BatterySnapshot& s) {
    msg::EnergyCounters c;
    c.stamp_ms = s.stamp_ms;
    c.wh_charged = total_wh += 0.5;
    (void)energy.publish(c);  // nested publish on another channel
  }));
  ASSERT_TRUE(snapshot.subscribe([&](const msg::BatterySnapshot& s) {
    (void)snapshot.publish(s);  // refused re-entry
  }));
  ASSERT_TRUE(energy.subscribe([&](const msg::EnergyCounters&) {}));
  ASSERT_TRUE(config.subscribe([&](const msg::ConfigChanged& c) { config_events += c.count(); }));

  msg::BatterySnapshot s;
  s.cell_count = 16;
  msg::ConfigChanged change;
  ASSERT_TRUE(change.mark(1));
  g_allocations = 0;
  g_counting = true;  // the counter itself works: a heap string is seen
  const std::string probe(100, 'x');
  g_counting = false;
  ASSERT_EQ(g_allocations, 1U) << probe;
  g_allocations = 0;
  g_counting = true;
  for (int i = 0; i < 10'000; ++i) {
    s.stamp_ms = i;
    s.cell_count = (i % 100 == 0) ? 17 : 16;  // 1 % rejected
    (void)snapshot.publish(s);
    (void)config.publish(change);
    (void)config.publish(msg::ConfigChanged{});  // rejected
  }
  g_counting = false;

  EXPECT_EQ(g_allocations, 0U);
  EXPECT_EQ(snapshot.stats().published, 9'900U);
  EXPECT_EQ(snapshot.stats().rejected, 100U);
  EXPECT_EQ(snapshot.stats().reentrant_refused, 9'900U);
  EXPECT_EQ(energy.stats().published, 9'900U);
  EXPECT_EQ(config_events, 10'000U);
  EXPECT_EQ(config.stats().rejected, 10'000U);
}

}  // namespace
}  // namespace tbgw::bus
