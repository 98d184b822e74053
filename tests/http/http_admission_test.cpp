// Unit tests of who gets an HTTP slot and a password check (issue 18, findings 2 and 3): the
// connection registry's admission rules, the global guess budget, and the known-device table.
// Pure pieces: fake connections, time as a parameter.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "app/http/connection_registry.hpp"
#include "app/http/known_devices.hpp"
#include "app/http/token_bucket.hpp"

namespace tbgw::app::http {
namespace {

// A connection that records being closed, as HttpConnection does: its slot stays until the
// owner drops it (the real one's handlers finish a loop turn later).
struct FakeConnection : Closable {
  void close_now() override { closed = true; }
  bool closed = false;
  std::unique_ptr<ConnectionSlot> slot;
};

class Clients {
 public:
  explicit Clients(ConnectionLimits limits)
      : registry_(std::make_shared<ConnectionRegistry>(limits)) {}

  // Admits a connection like the listener does; nullptr when it is refused.
  FakeConnection* connect(const std::string& address, ConnectionKind kind = ConnectionKind::http,
                          bool proven = false, std::int64_t now_ms = 0) {
    if (kind == ConnectionKind::http &&
        registry_->make_room(address, now_ms) != ConnectionRegistry::Room::ok) {
      return nullptr;
    }
    auto c = std::make_shared<FakeConnection>();
    c->slot = registry_->add(c, address, kind, proven);
    all_.push_back(c);
    return c.get();
  }
  // The closed connections' handlers finish: their slots go.
  int reap() {
    int n = 0;
    for (auto& c : all_) {
      if (c->closed && c->slot) {
        c->slot.reset();
        ++n;
      }
    }
    return n;
  }
  ConnectionRegistry& registry() { return *registry_; }

 private:
  std::shared_ptr<ConnectionRegistry> registry_;
  std::vector<std::shared_ptr<FakeConnection>> all_;
};

TEST(ConnectionLimits, GIVEN_the_configured_cap_WHEN_derived_THEN_a_quarter_kept_and_half_for_ws) {
  const auto l = ConnectionLimits::from(64, 16);
  EXPECT_EQ(l.max_total, 64U);
  EXPECT_EQ(l.max_per_address, 16U);
  EXPECT_EQ(l.max_unproven, 48U);
  EXPECT_EQ(l.max_websockets, 32U);
  const auto tiny = ConnectionLimits::from(1, 99);
  EXPECT_EQ(tiny.max_per_address, 1U);
  EXPECT_EQ(tiny.max_unproven, 1U);
  EXPECT_EQ(tiny.max_websockets, 1U);
}

TEST(ConnectionRegistry,
     GIVEN_an_address_at_its_limit_WHEN_it_connects_again_THEN_its_own_oldest_goes) {
  Clients c(ConnectionLimits::from(64, 3));
  FakeConnection* other = c.connect("10.0.0.9");
  std::vector<FakeConnection*> mine;
  for (int i = 0; i < 3; ++i) mine.push_back(c.connect("10.0.0.1"));
  ASSERT_NE(c.connect("10.0.0.1"), nullptr);
  EXPECT_TRUE(mine[0]->closed) << "the address's longest-idle connection gives way";
  EXPECT_FALSE(mine[1]->closed);
  EXPECT_FALSE(other->closed) << "another address is never closed for this one";
  EXPECT_EQ(c.registry().from_address("10.0.0.1"), 3U);
}

TEST(ConnectionRegistry, GIVEN_busy_connections_WHEN_an_address_is_at_its_limit_THEN_refused) {
  Clients c(ConnectionLimits::from(64, 2));
  FakeConnection* a = c.connect("10.0.0.1");
  FakeConnection* b = c.connect("10.0.0.1");
  a->slot->set_idle(false);  // answering a request: never closed to make room
  b->slot->set_idle(false);
  EXPECT_EQ(c.registry().make_room("10.0.0.1", 0), ConnectionRegistry::Room::refuse);
  EXPECT_FALSE(a->closed);
  EXPECT_FALSE(b->closed);
  b->slot->set_idle(true);
  EXPECT_NE(c.connect("10.0.0.1"), nullptr);
  EXPECT_TRUE(b->closed);
}

TEST(ConnectionRegistry,
     GIVEN_strangers_holding_every_unproven_slot_WHEN_a_client_comes_THEN_it_gets_in) {
  // 8 slots: 6 for unproven connections, 2 kept for proven ones.
  Clients c(ConnectionLimits::from(8, 8));
  std::vector<FakeConnection*> strangers;
  for (int i = 0; i < 6; ++i) strangers.push_back(c.connect("10.1.0." + std::to_string(i)));
  EXPECT_EQ(c.registry().unproven(), 6U);
  // The owner's connection takes the slot of the stranger idle the longest.
  FakeConnection* owner = c.connect("192.168.1.5");
  ASSERT_NE(owner, nullptr);
  EXPECT_TRUE(strangers[0]->closed);
  EXPECT_EQ(c.reap(), 1);
  owner->slot->set_idle(false);
  owner->slot->set_proven();
  owner->slot->set_idle(true);
  EXPECT_EQ(c.registry().unproven(), 5U);
  // Strangers keep coming: they only ever replace each other, never the proven owner.
  for (int i = 0; i < 50; ++i) {
    ASSERT_NE(c.connect("10.2.0." + std::to_string(i)), nullptr);
    c.reap();
  }
  EXPECT_FALSE(owner->closed);
  EXPECT_LE(c.registry().unproven(), 6U);
  EXPECT_LE(c.registry().open(), 8U);
}

TEST(ConnectionRegistry, GIVEN_the_cap_WHEN_all_are_proven_and_idle_THEN_the_longest_idle_goes) {
  Clients c(ConnectionLimits::from(4, 4));
  std::vector<FakeConnection*> owners;
  for (int i = 0; i < 4; ++i) {
    owners.push_back(c.connect("10.0.0." + std::to_string(i)));
    owners.back()->slot->set_proven();
  }
  EXPECT_TRUE(c.registry().can_accept()) << "idle keep-alives can give way";
  FakeConnection* late = c.connect("10.0.0.9");
  ASSERT_NE(late, nullptr);
  EXPECT_TRUE(owners[0]->closed);
  EXPECT_EQ(c.reap(), 1);
  // At the cap again: an unproven idle connection goes before any proven one.
  FakeConnection* newest = c.connect("10.0.0.10");
  ASSERT_NE(newest, nullptr);
  EXPECT_TRUE(late->closed);
  EXPECT_FALSE(owners[1]->closed);
  EXPECT_EQ(c.reap(), 1);
  for (auto* o : {owners[1], owners[2], owners[3]}) o->slot->set_idle(false);
  EXPECT_TRUE(c.registry().can_accept()) << "the newest is still idle";
  newest->slot->set_idle(false);
  EXPECT_FALSE(c.registry().can_accept()) << "every slot busy: wait in the backlog";
  EXPECT_EQ(c.registry().make_room("10.0.0.11", 0), ConnectionRegistry::Room::wait);
  EXPECT_EQ(c.registry().open(), 4U);
}

TEST(ConnectionRegistry,
     GIVEN_websockets_WHEN_counted_THEN_capped_at_half_and_never_closed_for_room) {
  Clients c(ConnectionLimits::from(4, 4));
  ASSERT_TRUE(c.registry().websocket_room());
  FakeConnection* w1 = c.connect("10.0.0.1", ConnectionKind::websocket, true);
  FakeConnection* w2 = c.connect("10.0.0.2", ConnectionKind::websocket, true);
  EXPECT_FALSE(c.registry().websocket_room());
  EXPECT_EQ(c.registry().websockets(), 2U);
  ASSERT_NE(c.connect("10.0.0.3"), nullptr);
  ASSERT_NE(c.connect("10.0.0.4"), nullptr);
  ASSERT_NE(c.connect("10.0.0.5"), nullptr);  // closes an idle HTTP one, not a WebSocket
  EXPECT_FALSE(w1->closed);
  EXPECT_FALSE(w2->closed);
  w1->slot.reset();
  EXPECT_TRUE(c.registry().websocket_room());
}

TEST(ConnectionRegistry,
     GIVEN_an_address_that_reconnects_at_once_WHEN_it_needs_room_THEN_rationed) {
  Clients c(ConnectionLimits::from(64, 2));
  c.connect("10.0.0.1");
  c.connect("10.0.0.1");
  // Every further connection closes one of the address's own: 10 at once, then 4 a second.
  int admitted = 0;
  for (int i = 0; i < 30; ++i) {
    admitted += c.connect("10.0.0.1", ConnectionKind::http, false, 1'000) != nullptr ? 1 : 0;
    c.reap();
  }
  EXPECT_EQ(admitted, 10);
  EXPECT_EQ(c.connect("10.0.0.1", ConnectionKind::http, false, 1'249), nullptr);
  EXPECT_NE(c.connect("10.0.0.1", ConnectionKind::http, false, 1'250), nullptr);
  // Another address is not rationed by this one, and nothing is rationed without pressure.
  EXPECT_NE(c.connect("10.0.0.2", ConnectionKind::http, false, 1'250), nullptr);
  EXPECT_NE(c.connect("10.0.0.2", ConnectionKind::http, false, 1'250), nullptr);
}

TEST(TokenBucket,
     GIVEN_the_guess_budget_WHEN_a_flood_takes_it_THEN_ten_at_once_then_one_every_2_s) {
  TokenBucket b = make_guess_budget();
  const std::int64_t t0 = 1'000'000;
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(b.take(t0)) << i;
  EXPECT_FALSE(b.take(t0));
  EXPECT_EQ(b.retry_after_s(t0), 2);
  EXPECT_FALSE(b.take(t0 + 1'999));
  EXPECT_TRUE(b.take(t0 + 2'000));
  EXPECT_FALSE(b.take(t0 + 2'000));
  // A minute of a flood gets ~30 checks, not thousands.
  int granted = 0;
  for (std::int64_t t = t0 + 2'000; t <= t0 + 62'000; t += 10) granted += b.take(t) ? 1 : 0;
  EXPECT_EQ(granted, 30);
  // Idle long enough, the full burst is back (and not more).
  int after_idle = 0;
  for (int i = 0; i < 20; ++i) after_idle += b.take(t0 + 3'600'000) ? 1 : 0;
  EXPECT_EQ(after_idle, 10);
  EXPECT_TRUE(b.full(t0 + 3'700'000));
}

TEST(KnownDevices, GIVEN_devices_WHEN_used_failed_or_too_many_THEN_known_forgotten_or_bounded) {
  KnownDevices d;
  const std::string id = d.add(0);
  EXPECT_EQ(id.size(), 64U);
  EXPECT_TRUE(d.known(id));
  EXPECT_FALSE(d.known(""));
  EXPECT_FALSE(d.known(std::string(64, '0')));
  for (int i = 0; i < KnownDevices::kMaxFailures - 1; ++i) d.on_failure(id);
  d.on_success(id, 10);  // a success clears the failures
  for (int i = 0; i < KnownDevices::kMaxFailures - 1; ++i) d.on_failure(id);
  EXPECT_TRUE(d.known(id));
  d.on_failure(id);
  EXPECT_FALSE(d.known(id)) << "five wrong passwords with a device cookie forget it";
  const std::string kept = d.add(1'000'000);
  for (std::size_t i = 0; i < KnownDevices::kMaxDevices * 2; ++i) {
    d.add(static_cast<std::int64_t>(i));
  }
  EXPECT_LE(d.size(), KnownDevices::kMaxDevices);
  EXPECT_TRUE(d.known(kept)) << "the most recently used survives";
}

}  // namespace
}  // namespace tbgw::app::http
