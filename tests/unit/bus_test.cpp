// The typed bus: state channels keep the latest value, event channels deliver each message
// exactly once to every subscriber in order, validators reject before anyone sees a message,
// capacities and re-entrancy rules hold, counters add up, and publishing never allocates.
#include <gtest/gtest.h>

#include <array>
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

// Keeps a test's subscriptions alive until it ends; declared after the channels, so the
// subscriptions end before the channels go away.
class Keep {
 public:
  bool operator()(Result<Subscription, BusError> r) {
    if (!r) return false;
    kept_.push_back(std::move(*r));
    return true;
  }

 private:
  std::vector<Subscription> kept_;
};

template <class C>
concept HasLatest = requires(const C& c) {
  c.latest();
};
static_assert(HasLatest<ReadingState>);
static_assert(!HasLatest<ReadingEvent>, "event channels keep no latest value");

template <class C>
concept CanPublish = requires(C& c) {
  c.publish(Reading{});
};

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
    Keep keep;  // after the channels: the subscriptions end first
    std::vector<std::string> log;
    for (std::size_t i = 0; i < c.subscribers; ++i) {
      ASSERT_TRUE(keep(ch.subscribe([&log, i](const Reading& r) {
        log.push_back(std::to_string(r.value) + ":" + std::to_string(i));
      })));
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
  Keep keep;  // after the channels: the subscriptions end first
  int calls = 0;
  ASSERT_TRUE(keep(ch.subscribe([&calls](const Reading&) { ++calls; })));
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
  Keep keep;  // after the channels: the subscriptions end first
  int calls = 0;
  ASSERT_TRUE(keep(ch.subscribe([&calls](const Reading&) { ++calls; })));
  ASSERT_TRUE(keep(ch.subscribe([&calls](const Reading&) { ++calls; })));

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
  Keep keep;  // after the channels: the subscriptions end first
  std::vector<std::string> log;
  ASSERT_TRUE(keep(a.subscribe([&](const Reading& r) {
    log.push_back("a0 start");
    EXPECT_TRUE(b.publish(Reading{r.stamp_ms, r.value * 10}));
    log.push_back("a0 end");
  })));
  ASSERT_TRUE(keep(a.subscribe([&](const Reading&) { log.push_back("a1"); })));
  ASSERT_TRUE(
      keep(b.subscribe([&](const Reading& r) { log.push_back("b0 " + std::to_string(r.value)); })));

  ASSERT_TRUE(a.publish(Reading{0, 4}));

  EXPECT_EQ(log, (std::vector<std::string>{"a0 start", "b0 40", "a0 end", "a1"}));
  EXPECT_EQ(b.latest()->value, 40);
}

TEST(Bus, GivenSubscriberPublishingToItsOwnChannel_WhenPublished_ThenRefusedAndCounted) {
  ReadingState ch{"reading"};
  Keep keep;  // after the channels: the subscriptions end first
  std::vector<std::int32_t> seen;
  Result<void, BusError> inner{};
  ASSERT_TRUE(keep(ch.subscribe([&](const Reading& r) {
    seen.push_back(r.value);
    if (r.value == 1) inner = ch.publish(Reading{0, 2});
  })));
  ASSERT_TRUE(keep(ch.subscribe([&](const Reading& r) { seen.push_back(r.value + 100); })));

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
  Keep keep;  // after the channels: the subscriptions end first
  int a_calls = 0;
  int b_calls = 0;
  ASSERT_TRUE(keep(a.subscribe([&](const Reading& r) {
    ++a_calls;
    (void)b.publish(r);
  })));
  ASSERT_TRUE(keep(b.subscribe([&](const Reading& r) {
    ++b_calls;
    EXPECT_FALSE(a.publish(r));
  })));

  ASSERT_TRUE(a.publish(Reading{}));

  EXPECT_EQ(a_calls, 1);
  EXPECT_EQ(b_calls, 1);
  EXPECT_EQ(a.stats().reentrant_refused, 1U);
}

TEST(Bus, GivenDelivery_WhenSubscriberSubscribes_ThenRefused) {
  ReadingEvent ch{"event"};
  Keep keep;  // after the channels: the subscriptions end first
  Result<Subscription, BusError> inner{Subscription{}};
  ASSERT_TRUE(
      keep(ch.subscribe([&](const Reading&) { inner = ch.subscribe([](const Reading&) {}); })));

  ASSERT_TRUE(ch.publish(Reading{}));

  ASSERT_FALSE(inner);
  EXPECT_EQ(inner.error(), BusError::subscribe_during_delivery);
  EXPECT_EQ(ch.subscriber_count(), 1U);
}

TEST(Bus, GivenPublisherChangingItsObjectDuringDelivery_ThenEverySubscriberSeesTheSameValue) {
  ReadingEvent ch{"event"};
  Keep keep;  // after the channels: the subscriptions end first
  Reading source{0, 1};
  std::vector<std::int32_t> seen;
  ASSERT_TRUE(keep(ch.subscribe([&](const Reading& r) {
    seen.push_back(r.value);
    source.value = 99;
  })));
  ASSERT_TRUE(keep(ch.subscribe([&](const Reading& r) { seen.push_back(r.value); })));

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
    Keep keep;  // after the channels: the subscriptions end first
    for (std::size_t i = 0; i < c.subscribers; ++i) {
      ASSERT_TRUE(keep(ch.subscribe([](const Reading&) {})));
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
  Keep keep;  // after the channels: the subscriptions end first
  EXPECT_TRUE(keep(ch.subscribe(&free_function)));
  EXPECT_TRUE(ch.publish(Reading{}));
}

TEST(Bus, GivenWiredChannels_When10000Publishes_ThenNoAllocation) {
  StateChannel<msg::BatterySnapshot, 4> snapshot{
      "battery_snapshot", [](const msg::BatterySnapshot& s) { return s.cell_count <= 16; }};
  StateChannel<msg::EnergyCounters, 2> energy{"energy_counters", &msg::is_valid};
  EventChannel<msg::ConfigChanged, 4> config{"config_changed", &msg::is_valid};
  Keep keep;  // after the channels: the subscriptions end first
  double total_wh = 0.0;
  std::size_t config_events = 0;
  ASSERT_TRUE(keep(snapshot.subscribe([&](const msg::BatterySnapshot& s) {
    msg::EnergyCounters c;
    c.stamp_ms = s.stamp_ms;
    c.wh_charged = total_wh += 0.5;
    (void)energy.publish(c);  // nested publish on another channel
  })));
  ASSERT_TRUE(keep(snapshot.subscribe([&](const msg::BatterySnapshot& s) {
    (void)snapshot.publish(s);  // refused re-entry
  })));
  ASSERT_TRUE(keep(energy.subscribe([&](const msg::EnergyCounters&) {})));
  ASSERT_TRUE(
      keep(config.subscribe([&](const msg::ConfigChanged& c) { config_events += c.count(); })));

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

// --- Subscriptions: RAII, ending at any time, slot reuse

TEST(Bus, GivenSubscription_WhenDestroyed_ThenNeverCalledAgainAndCountDrops) {
  ReadingEvent ch{"event"};
  int calls = 0;
  {
    auto s = ch.subscribe([&calls](const Reading&) { ++calls; });
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->active());
    EXPECT_EQ(ch.subscriber_count(), 1U);
    ASSERT_TRUE(ch.publish(Reading{}));
  }
  EXPECT_EQ(ch.subscriber_count(), 0U);
  ASSERT_TRUE(ch.publish(Reading{}));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(ch.stats().delivered, 1U);
}

TEST(Bus, GivenDiscardedResult_ThenTheSubscriptionEndsAtOnce) {
  ReadingEvent ch{"event"};
  int calls = 0;
  EXPECT_TRUE(ch.subscribe([&calls](const Reading&) { ++calls; }).ok());
  ASSERT_TRUE(ch.publish(Reading{}));
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(ch.subscriber_count(), 0U);
}

TEST(Bus, GivenSubscription_WhenResetTwice_ThenEndedOnceAndOthersKeepTheirOrder) {
  ReadingEvent ch{"event"};
  std::vector<int> seen;
  auto a = ch.subscribe([&seen](const Reading&) { seen.push_back(0); });
  auto b = ch.subscribe([&seen](const Reading&) { seen.push_back(1); });
  auto c = ch.subscribe([&seen](const Reading&) { seen.push_back(2); });
  ASSERT_TRUE(a && b && c);

  b->reset();
  b->reset();

  EXPECT_FALSE(b->active());
  EXPECT_EQ(ch.subscriber_count(), 2U);
  ASSERT_TRUE(ch.publish(Reading{}));
  EXPECT_EQ(seen, (std::vector<int>{0, 2}));
}

TEST(Bus, GivenSubscriberEndingItselfInItsCallback_ThenOthersStillCalledAndItNeverAgain) {
  // Ended from its own callback: the callable's slot is emptied while it runs (the channel
  // calls a copy), later subscribers are not skipped, earlier ones are not called twice.
  struct Case {
    const char* name;
    std::size_t ender;  // which of the three ends itself
  };
  for (const auto c : {Case{"first", 0}, Case{"middle", 1}, Case{"last", 2}}) {
    SCOPED_TRACE(c.name);
    ReadingEvent ch{"event"};
    struct Shared {
      std::vector<std::string> log;
      std::array<Subscription, 3> subs;
      std::size_t ender = 0;
    } t;
    t.ender = c.ender;
    auto& log = t.log;
    for (std::size_t i = 0; i < t.subs.size(); ++i) {
      auto s = ch.subscribe([&t, i](const Reading& r) {
        t.log.push_back(std::to_string(r.value) + ":" + std::to_string(i));
        if (i == t.ender) {
          t.subs[i].reset();
          // Still reads its captures after ending: the channel called a copy of the callable.
          t.log.push_back("ended:" + std::to_string(i));
        }
      });
      ASSERT_TRUE(s);
      t.subs[i] = std::move(*s);
    }

    ASSERT_TRUE(ch.publish(Reading{0, 1}));
    ASSERT_TRUE(ch.publish(Reading{0, 2}));

    std::vector<std::string> expected;
    for (std::size_t i = 0; i < 3; ++i) {
      expected.push_back("1:" + std::to_string(i));
      if (i == c.ender) expected.push_back("ended:" + std::to_string(i));
    }
    for (std::size_t i = 0; i < 3; ++i) {
      if (i != c.ender) expected.push_back("2:" + std::to_string(i));
    }
    EXPECT_EQ(log, expected);
    EXPECT_EQ(ch.subscriber_count(), 2U);
    EXPECT_EQ(ch.stats().delivered, 5U);
  }
}

TEST(Bus, GivenDelivery_WhenSubscriberEndsALaterOne_ThenTheLaterOneIsNotCalled) {
  ReadingState ch{"reading"};
  std::vector<std::string> log;
  Subscription later;
  auto first = ch.subscribe([&](const Reading&) {
    log.push_back("first");
    later.reset();
  });
  auto middle = ch.subscribe([&](const Reading&) { log.push_back("middle"); });
  auto last = ch.subscribe([&](const Reading&) { log.push_back("later"); });
  ASSERT_TRUE(first && middle && last);
  later = std::move(*last);

  ASSERT_TRUE(ch.publish(Reading{}));
  ASSERT_TRUE(ch.publish(Reading{}));

  EXPECT_EQ(log, (std::vector<std::string>{"first", "middle", "first", "middle"}));
  EXPECT_EQ(ch.subscriber_count(), 2U);
  EXPECT_EQ(ch.stats().delivered, 4U);
}

TEST(Bus, GivenDelivery_WhenSubscriberEndsAnEarlierOne_ThenNobodySkippedNorCalledTwice) {
  ReadingEvent ch{"event"};
  std::vector<std::string> log;
  Subscription earlier;
  auto first = ch.subscribe([&](const Reading&) { log.push_back("earlier"); });
  auto second = ch.subscribe([&](const Reading&) {
    log.push_back("second");
    earlier.reset();
  });
  auto third = ch.subscribe([&](const Reading&) { log.push_back("third"); });
  ASSERT_TRUE(first && second && third);
  earlier = std::move(*first);

  ASSERT_TRUE(ch.publish(Reading{}));
  ASSERT_TRUE(ch.publish(Reading{}));

  EXPECT_EQ(log, (std::vector<std::string>{"earlier", "second", "third", "second", "third"}));
  EXPECT_EQ(ch.subscriber_count(), 2U);
}

TEST(Bus, GivenNestedDelivery_WhenAnotherChannelsSubscriberEndsAnOuterOne_ThenOuterSkipsIt) {
  ReadingEvent a{"a"};
  ReadingEvent b{"b"};
  std::vector<std::string> log;
  Subscription a_last;
  auto a0 = a.subscribe([&](const Reading& r) {
    log.push_back("a0");
    EXPECT_TRUE(b.publish(r));
  });
  auto a1 = a.subscribe([&](const Reading&) { log.push_back("a1"); });
  auto b0 = b.subscribe([&](const Reading&) {
    log.push_back("b0");
    a_last.reset();  // a is delivering: its slot is only emptied
  });
  ASSERT_TRUE(a0 && a1 && b0);
  a_last = std::move(*a1);

  ASSERT_TRUE(a.publish(Reading{}));

  EXPECT_EQ(log, (std::vector<std::string>{"a0", "b0"}));
  EXPECT_EQ(a.subscriber_count(), 1U);
}

TEST(Bus, GivenFullChannel_WhenOneEnds_ThenItsSlotIsReusedAfterTheOthers) {
  EventChannel<Reading, 2> ch{"event"};
  std::vector<int> seen;
  auto a = ch.subscribe([&seen](const Reading&) { seen.push_back(0); });
  auto b = ch.subscribe([&seen](const Reading&) { seen.push_back(1); });
  ASSERT_TRUE(a && b);
  const auto full = ch.subscribe([&seen](const Reading&) { seen.push_back(9); });
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error(), BusError::subscribers_full);

  a->reset();
  auto c = ch.subscribe([&seen](const Reading&) { seen.push_back(2); });

  ASSERT_TRUE(c);
  EXPECT_EQ(ch.subscriber_count(), 2U);
  ASSERT_TRUE(ch.publish(Reading{}));
  EXPECT_EQ(seen, (std::vector<int>{1, 2}));  // subscription order: b, then the new one
  c->reset();                                 // the new one's id is its own: ending it leaves b
  ASSERT_TRUE(ch.publish(Reading{}));
  EXPECT_EQ(seen, (std::vector<int>{1, 2, 1}));
}

TEST(Bus, GivenFullChannel_WhenOneEndsDuringDelivery_ThenCapacityIsBackAfterIt) {
  EventChannel<Reading, 2> ch{"event"};
  Subscription self;
  Result<Subscription, BusError> inside{Subscription{}};
  auto a = ch.subscribe([&](const Reading&) {
    self.reset();
    inside = ch.subscribe([](const Reading&) {});  // still refused: delivering
  });
  auto b = ch.subscribe([](const Reading&) {});
  ASSERT_TRUE(a && b);
  self = std::move(*a);

  ASSERT_TRUE(ch.publish(Reading{}));

  ASSERT_FALSE(inside);
  EXPECT_EQ(inside.error(), BusError::subscribe_during_delivery);
  EXPECT_EQ(ch.subscriber_count(), 1U);
  auto c = ch.subscribe([](const Reading&) {});
  EXPECT_TRUE(c);
  EXPECT_EQ(ch.subscriber_count(), 2U);
}

TEST(Bus, GivenMovedSubscription_ThenOnlyTheNewOwnerEndsIt) {
  ReadingEvent ch{"event"};
  int calls = 0;
  auto r = ch.subscribe([&calls](const Reading&) { ++calls; });
  ASSERT_TRUE(r);
  Subscription owner = std::move(*r);
  EXPECT_FALSE(r->active());  // moved-from: empty
  r->reset();                 // and ending it does nothing
  ASSERT_TRUE(ch.publish(Reading{}));
  EXPECT_EQ(calls, 1);

  Subscription other;
  other = std::move(owner);  // move assignment carries it too
  EXPECT_FALSE(owner.active());
  EXPECT_TRUE(other.active());
  ASSERT_TRUE(ch.publish(Reading{}));
  EXPECT_EQ(calls, 2);

  auto second = ch.subscribe([&calls](const Reading&) { calls += 100; });
  ASSERT_TRUE(second);
  other = std::move(*second);  // assigning over a live one ends the old one
  EXPECT_EQ(ch.subscriber_count(), 1U);
  ASSERT_TRUE(ch.publish(Reading{}));
  EXPECT_EQ(calls, 102);
}

TEST(Bus, GivenConstChannel_ThenReadersMaySubscribeAndReadButNotPublish) {
  ReadingState ch{"reading"};
  const ReadingState& view = ch;
  int calls = 0;
  auto s = view.subscribe([&calls](const Reading&) { ++calls; });
  ASSERT_TRUE(s);
  ASSERT_TRUE(ch.publish(Reading{0, 5}));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(view.latest()->value, 5);
  static_assert(!CanPublish<const ReadingState>, "a const channel cannot publish");
  static_assert(CanPublish<ReadingState>);
}

TEST(Bus, GivenSubscriptionsStartedAndEnded_WhenPublished_ThenNoAllocation) {
  ReadingEvent ch{"event"};
  int calls = 0;
  g_allocations = 0;
  g_counting = true;
  for (int i = 0; i < 1000; ++i) {
    auto s = ch.subscribe([&calls](const Reading&) { ++calls; });
    (void)ch.publish(Reading{});
  }
  g_counting = false;
  EXPECT_EQ(g_allocations, 0U);
  EXPECT_EQ(calls, 1000);
  EXPECT_EQ(ch.subscriber_count(), 0U);
}

}  // namespace
}  // namespace tbgw::bus
