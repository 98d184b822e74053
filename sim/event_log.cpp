// BMS event memory; see event_log.hpp.
#include "sim/event_log.hpp"

#include <algorithm>

namespace tbgw::sim {

void EventLog::add(std::uint8_t id, std::uint32_t lifetime_s) {
  slots_[next_] = BmsEvent{lifetime_s & kTimestampMask, id};
  next_ = (next_ + 1) % kCapacity;
  count_ = std::min(count_ + 1, kCapacity);
  unreported_ = std::min(unreported_ + 1, kCapacity);
  ++total_added_;
}

void EventLog::clear() {
  slots_ = {};
  next_ = 0;
  count_ = 0;
  unreported_ = 0;
}

BmsEvent EventLog::chronological(std::size_t i) const {
  if (i >= count_) return {};
  const std::size_t oldest = (next_ + kCapacity - count_) % kCapacity;
  return slots_[(oldest + i) % kCapacity];
}

std::size_t EventLog::take_newest(std::array<BmsEvent, kCapacity>& out) {
  const std::size_t n = unreported_;
  for (std::size_t i = 0; i < n; ++i) out[i] = chronological(count_ - n + i);
  unreported_ = 0;
  return n;
}

}  // namespace tbgw::sim
