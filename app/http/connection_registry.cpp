#include "app/http/connection_registry.hpp"

#include <algorithm>
#include <vector>

namespace tbgw::app::http {

ConnectionLimits ConnectionLimits::from(std::size_t max_total, std::size_t max_per_address) {
  ConnectionLimits l;
  l.max_total = std::max<std::size_t>(1, max_total);
  l.max_per_address = std::clamp<std::size_t>(max_per_address, 1, l.max_total);
  // A quarter of the slots (at least one) stays for proven clients, except with a single slot.
  l.max_unproven =
      std::max<std::size_t>(1, l.max_total - std::max<std::size_t>(1, l.max_total / 4));
  l.max_websockets = std::max<std::size_t>(1, l.max_total / 2);
  return l;
}

ConnectionSlot::~ConnectionSlot() {
  registry_->remove(id_);
}

void ConnectionSlot::set_idle(bool idle) {
  registry_->set_idle(id_, idle);
}

void ConnectionSlot::set_proven() {
  registry_->set_proven(id_);
}

void ConnectionRegistry::count(const Entry& e, int sign) {
  if (e.evicting) return;
  auto add = [sign](std::size_t& n) { n = sign > 0 ? n + 1 : n - 1; };
  add(open_);
  if (e.kind == ConnectionKind::websocket) add(websockets_);
  if (!e.proven && e.kind == ConnectionKind::http) add(unproven_);
}

bool ConnectionRegistry::can_accept() const {
  if (open_ < limits_.max_total) return true;
  return std::any_of(entries_.begin(), entries_.end(), [](const auto& kv) {
    const Entry& e = kv.second;
    return !e.evicting && e.idle && e.kind == ConnectionKind::http;
  });
}

std::size_t ConnectionRegistry::from_address(std::string_view address) const {
  return static_cast<std::size_t>(std::count_if(
      entries_.begin(), entries_.end(),
      [&](const auto& kv) { return !kv.second.evicting && kv.second.address == address; }));
}

bool ConnectionRegistry::evict_longest_idle(const Filter& filter) {
  Entry* victim = nullptr;
  for (auto& [id, e] : entries_) {
    if (e.evicting || !e.idle || e.kind != ConnectionKind::http || !filter(e)) continue;
    if (victim == nullptr || e.idle_since < victim->idle_since) victim = &e;
  }
  if (victim == nullptr) return false;
  count(*victim, -1);
  victim->evicting = true;
  ++evicted_total_;
  // close_now() only closes the socket: the connection's handlers run later, so the entry and
  // this loop over entries_ are not touched under us.
  if (auto c = victim->conn.lock()) c->close_now();
  return true;
}

bool ConnectionRegistry::may_evict_for(std::string_view address, std::int64_t now_ms) {
  auto it = evictions_by_address_.find(std::string(address));
  if (it == evictions_by_address_.end()) {
    if (evictions_by_address_.size() >= kMaxRationedAddresses) {
      // Forget the addresses whose ration is whole again; if none is, forget one anyway.
      std::erase_if(evictions_by_address_, [now_ms](auto& kv) { return kv.second.full(now_ms); });
      if (evictions_by_address_.size() >= kMaxRationedAddresses) {
        evictions_by_address_.erase(evictions_by_address_.begin());
      }
    }
    it = evictions_by_address_.emplace(std::string(address), TokenBucket(10, 250)).first;
  }
  return it->second.take(now_ms);
}

ConnectionRegistry::Room ConnectionRegistry::make_room(std::string_view address,
                                                       std::int64_t now_ms) {
  const bool address_full = from_address(address) >= limits_.max_per_address;
  const bool strangers_full = unproven_ >= limits_.max_unproven;
  const bool all_full = open_ >= limits_.max_total;
  if (!address_full && !strangers_full && !all_full) return Room::ok;
  if (!may_evict_for(address, now_ms)) return Room::refuse;
  if (address_full &&
      !evict_longest_idle([address](const Entry& e) { return e.address == address; })) {
    return Room::refuse;
  }
  if (unproven_ >= limits_.max_unproven &&
      !evict_longest_idle([](const Entry& e) { return !e.proven; })) {
    return Room::refuse;
  }
  if (open_ >= limits_.max_total) {
    // Unproven first; only when every idle connection is proven does one of those go.
    if (!evict_longest_idle([](const Entry& e) { return !e.proven; }) &&
        !evict_longest_idle([](const Entry&) { return true; })) {
      return Room::wait;
    }
  }
  return Room::ok;
}

std::unique_ptr<ConnectionSlot> ConnectionRegistry::add(std::weak_ptr<Closable> c,
                                                        std::string address, ConnectionKind kind,
                                                        bool proven) {
  const std::uint64_t id = ++next_id_;
  Entry e;
  e.conn = std::move(c);
  e.address = std::move(address);
  e.kind = kind;
  e.proven = proven;
  e.idle = kind == ConnectionKind::http;  // a fresh HTTP connection waits for its request
  e.idle_since = ++idle_clock_;
  count(e, +1);
  entries_.emplace(id, std::move(e));
  return std::make_unique<ConnectionSlot>(shared_from_this(), id);
}

void ConnectionRegistry::set_idle(std::uint64_t id, bool idle) {
  auto it = entries_.find(id);
  if (it == entries_.end() || it->second.idle == idle) return;
  it->second.idle = idle;
  if (idle) {
    it->second.idle_since = ++idle_clock_;
    if (on_slot_free) on_slot_free();
  }
}

void ConnectionRegistry::set_proven(std::uint64_t id) {
  auto it = entries_.find(id);
  if (it == entries_.end() || it->second.proven) return;
  count(it->second, -1);
  it->second.proven = true;
  count(it->second, +1);
}

void ConnectionRegistry::remove(std::uint64_t id) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  count(it->second, -1);
  entries_.erase(it);
  if (on_slot_free) on_slot_free();
}

void ConnectionRegistry::close_all() {
  // Copy first: closing completes handlers later, but be safe against re-entry.
  std::vector<std::weak_ptr<Closable>> all;
  for (auto& [id, e] : entries_) all.push_back(e.conn);
  for (auto& w : all) {
    if (auto c = w.lock()) c->close_now();
  }
}

}  // namespace tbgw::app::http
