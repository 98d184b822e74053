#include "app/http/login_limiter.hpp"

#include <algorithm>

namespace tbgw::app::http {

std::int64_t LoginLimiter::retry_after_s(const std::string& address, std::int64_t now_ms) const {
  auto it = entries_.find(address);
  if (it == entries_.end() || it->second.locked_until_ms <= now_ms) return 0;
  return (it->second.locked_until_ms - now_ms + 999) / 1000;
}

std::int64_t LoginLimiter::on_failure(const std::string& address, std::int64_t now_ms) {
  if (entries_.find(address) == entries_.end()) make_room(now_ms);
  Entry& e = entries_[address];
  e.last_seen_ms = now_ms;
  e.failures_ms[static_cast<std::size_t>(e.count % kMaxFailures)] = now_ms;
  ++e.count;
  if (e.count < kMaxFailures) return 0;
  // The oldest of the last kMaxFailures failures is the slot about to be overwritten next.
  const std::int64_t oldest = e.failures_ms[static_cast<std::size_t>(e.count % kMaxFailures)];
  if (now_ms - oldest > kWindowMs) return 0;
  std::int64_t lock_ms = kFirstLockoutMs;
  for (int i = 0; i < e.lockouts && lock_ms < kMaxLockoutMs; ++i) lock_ms *= 2;
  lock_ms = std::min(lock_ms, kMaxLockoutMs);
  ++e.lockouts;
  e.locked_until_ms = now_ms + lock_ms;
  e.count = 0;
  e.failures_ms = {};
  return lock_ms / 1000;
}

void LoginLimiter::make_room(std::int64_t now_ms) {
  if (entries_.size() < kMaxAddresses) return;
  auto victim = entries_.end();
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    const bool locked = it->second.locked_until_ms > now_ms;
    if (victim == entries_.end()) {
      victim = it;
      continue;
    }
    const bool victim_locked = victim->second.locked_until_ms > now_ms;
    if ((victim_locked && !locked) ||
        (victim_locked == locked && it->second.last_seen_ms < victim->second.last_seen_ms)) {
      victim = it;
    }
  }
  if (victim != entries_.end()) entries_.erase(victim);
}

}  // namespace tbgw::app::http
