// AlertLog: the fixed-capacity ring of alert edges (raised, changed, cleared, acknowledged) and
// merged TinyBMS events that the UI lists and the app publishes.
//
// Theory of operation. Every entry gets the next sequence number (1, 2, ...). When the ring is
// full the oldest entry is overwritten and counted in dropped(). Readers that publish edges
// (the app's AlertChanged channel, MQTT) remember the last seq they handled and call since():
// the ring is also the engine's edge queue, so nothing is copied twice and a slow reader only
// loses what the ring overwrote (it sees the gap in seq).
//
// Bounds: kCapacity entries inline (about 150 bytes each); no allocation.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/msg/alert_changed.hpp"

namespace tbgw::alerts {

class AlertLog {
 public:
  static constexpr std::size_t kCapacity = 256;

  // Appends a copy of `entry` with the next seq; returns the stored entry.
  const msg::AlertChanged& push(const msg::AlertChanged& entry);

  std::size_t size() const { return size_; }
  // Oldest first: at(0) is the oldest entry still kept.
  const msg::AlertChanged& at(std::size_t i) const;
  std::uint32_t last_seq() const { return next_seq_ - 1; }
  std::uint64_t dropped() const { return dropped_; }

  // Copies the entries with seq > after_seq, oldest first, into `out` (as many as fit);
  // returns how many were copied.
  std::size_t since(std::uint32_t after_seq, std::span<msg::AlertChanged> out) const;

  void clear();

 private:
  std::array<msg::AlertChanged, kCapacity> ring_{};
  std::size_t head_ = 0;  // index of the oldest entry
  std::size_t size_ = 0;
  std::uint32_t next_seq_ = 1;
  std::uint64_t dropped_ = 0;
};

}  // namespace tbgw::alerts
