// HistoryTiers: the gate every raw record passes before storage, and the two aggregators it
// feeds (1-minute and 15-minute buckets, both built from the raw records, so a 15-minute mean
// is the true mean of its samples, not a mean of means).
//
// Clock rules (wall clock on a Raspberry Pi without RTC, corrected by NTP at any moment):
// - a record stamped before kMinPlausibleUnixMs (2020) is dropped: the clock is not set yet;
// - a record stamped at or before the last accepted one is dropped (backward step, duplicate);
// both are counted. Accepted records are strictly increasing in time, which the store relies
// on (the raw table is keyed by time). seed() sets the last accepted time from the newest row
// already stored, so the rule also holds across restarts.
//
// Bounds: no allocation; a few hundred bytes of state. Single-threaded (runs on the storage
// worker).
#pragma once

#include <cstdint>
#include <optional>

#include "core/history/aggregator.hpp"
#include "core/history/history_record.hpp"

namespace tbgw::history {

struct TierOutput {
  bool raw_accepted = false;  // store `r` in the raw tier
  std::optional<AggregateRow> minute;
  std::optional<AggregateRow> quarter;
};

struct TierStats {
  std::uint64_t accepted = 0;
  std::uint64_t dropped_clock_unset = 0;
  std::uint64_t dropped_not_after_last = 0;
};

class HistoryTiers {
 public:
  HistoryTiers() : minute_(kMinuteMs), quarter_(kQuarterHourMs) {}

  // The newest time already stored (0: none). Call before the first add().
  void seed(std::int64_t last_stored_ms);
  TierOutput add(const HistoryRecord& r);
  // Closes both open buckets (shutdown): they may be partial, the store merges them with the
  // rest of their bucket after a restart.
  TierOutput flush();

  const TierStats& stats() const { return stats_; }
  std::int64_t last_accepted_ms() const { return last_ms_; }

 private:
  Aggregator minute_;
  Aggregator quarter_;
  std::int64_t last_ms_ = 0;
  TierStats stats_{};
};

}  // namespace tbgw::history
