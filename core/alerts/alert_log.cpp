// AlertLog: see alert_log.hpp.
#include "core/alerts/alert_log.hpp"

namespace tbgw::alerts {

const msg::AlertChanged& AlertLog::push(const msg::AlertChanged& entry) {
  std::size_t slot = 0;
  if (size_ < kCapacity) {
    slot = (head_ + size_) % kCapacity;
    ++size_;
  } else {
    slot = head_;
    head_ = (head_ + 1) % kCapacity;
    ++dropped_;
  }
  ring_[slot] = entry;
  ring_[slot].seq = next_seq_++;
  return ring_[slot];
}

const msg::AlertChanged& AlertLog::at(std::size_t i) const {
  return ring_[(head_ + i) % kCapacity];
}

std::size_t AlertLog::since(std::uint32_t after_seq, std::span<msg::AlertChanged> out) const {
  std::size_t copied = 0;
  for (std::size_t i = 0; i < size_ && copied < out.size(); ++i) {
    const msg::AlertChanged& e = at(i);
    if (e.seq > after_seq) out[copied++] = e;
  }
  return copied;
}

void AlertLog::clear() {
  head_ = 0;
  size_ = 0;
  dropped_ = 0;
}

}  // namespace tbgw::alerts
