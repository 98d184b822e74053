#include "app/http/token_bucket.hpp"

#include <algorithm>

namespace tbgw::app::http {

void TokenBucket::refill(std::int64_t now_ms) {
  if (!started_) {
    started_ = true;
    last_refill_ms_ = now_ms;
    return;
  }
  if (now_ms <= last_refill_ms_) return;
  const std::int64_t earned = (now_ms - last_refill_ms_) / refill_ms_;
  if (earned <= 0) return;
  tokens_ = static_cast<int>(std::min<std::int64_t>(burst_, tokens_ + earned));
  // A full bucket earns nothing while it waits: the clock restarts from now.
  last_refill_ms_ = tokens_ == burst_ ? now_ms : last_refill_ms_ + earned * refill_ms_;
}

bool TokenBucket::take(std::int64_t now_ms) {
  refill(now_ms);
  if (tokens_ <= 0) return false;
  --tokens_;
  return true;
}

std::int64_t TokenBucket::retry_after_s(std::int64_t now_ms) {
  refill(now_ms);
  if (tokens_ > 0) return 0;
  const std::int64_t wait_ms = last_refill_ms_ + refill_ms_ - now_ms;
  return std::max<std::int64_t>(1, (wait_ms + 999) / 1000);
}

bool TokenBucket::full(std::int64_t now_ms) const {
  if (!started_ || tokens_ >= burst_) return true;
  return now_ms > last_refill_ms_ && tokens_ + (now_ms - last_refill_ms_) / refill_ms_ >= burst_;
}

}  // namespace tbgw::app::http
