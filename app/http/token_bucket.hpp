// TokenBucket: `burst` events at once, then one every `refill_ms`. Used for the global budget
// of password guesses (login_handler.hpp) and the rate of new connections per client address
// (connection_registry.hpp).
//
// Loop thread only; time is a parameter (steady milliseconds).
#pragma once

#include <cstdint>

namespace tbgw::app::http {

class TokenBucket {
 public:
  TokenBucket(int burst, std::int64_t refill_ms)
      : burst_(burst), refill_ms_(refill_ms), tokens_(burst) {}

  // Takes one event from the bucket; false when it is empty.
  bool take(std::int64_t now_ms);
  // Seconds until the next event is allowed (0 now; at least 1 when empty).
  std::int64_t retry_after_s(std::int64_t now_ms);
  // Whether the bucket is full again (an entry for it can be forgotten).
  bool full(std::int64_t now_ms) const;

 private:
  void refill(std::int64_t now_ms);
  int burst_;
  std::int64_t refill_ms_;
  int tokens_;
  std::int64_t last_refill_ms_ = 0;
  bool started_ = false;
};

// The password-guess budget of all unknown clients together: 10 at once, then 30 a minute.
// The per-address lockout (login_limiter.hpp) cannot stop a guesser that rotates through many
// addresses; this bound does, and it bounds the CPU such guessing costs (each check is
// ~0.3-1 s of PBKDF2). Known devices (known_devices.hpp) do not draw on it.
inline TokenBucket make_guess_budget() {
  return TokenBucket(10, 2'000);
}

}  // namespace tbgw::app::http
