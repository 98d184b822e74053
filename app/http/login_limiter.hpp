// LoginLimiter: failed-login throttling per client address. 5 failures within 60 s lock the
// address out for 60 s; each further lockout doubles the time (120 s, 240 s, ...) up to 1 h.
// A successful login clears the address. While locked, attempts are answered 429 with
// Retry-After and are not checked (no password hashing work for an attacker).
//
// Bounds: at most kMaxAddresses entries; when full, the entry seen longest ago is dropped
// (a locked entry only when every entry is locked). Loop thread only; time is a parameter.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>

namespace tbgw::app::http {

class LoginLimiter {
 public:
  static constexpr int kMaxFailures = 5;
  static constexpr std::int64_t kWindowMs = 60'000;
  static constexpr std::int64_t kFirstLockoutMs = 60'000;
  static constexpr std::int64_t kMaxLockoutMs = 3'600'000;
  static constexpr std::size_t kMaxAddresses = 1024;

  // Seconds until `address` may try again; 0 when it may try now.
  std::int64_t retry_after_s(const std::string& address, std::int64_t now_ms) const;
  // Records a failure. Returns the lockout in seconds when this failure started one, else 0.
  std::int64_t on_failure(const std::string& address, std::int64_t now_ms);
  void on_success(const std::string& address) { entries_.erase(address); }
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::array<std::int64_t, kMaxFailures> failures_ms{};  // ring of the last failures
    int count = 0;
    std::int64_t locked_until_ms = 0;
    int lockouts = 0;
    std::int64_t last_seen_ms = 0;
  };
  void make_room(std::int64_t now_ms);
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace tbgw::app::http
