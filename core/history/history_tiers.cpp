#include "core/history/history_tiers.hpp"

namespace tbgw::history {

void HistoryTiers::seed(std::int64_t last_stored_ms) {
  if (last_stored_ms > last_ms_) last_ms_ = last_stored_ms;
}

TierOutput HistoryTiers::add(const HistoryRecord& r) {
  TierOutput out;
  if (r.unix_ms < kMinPlausibleUnixMs) {
    ++stats_.dropped_clock_unset;
    return out;
  }
  if (r.unix_ms <= last_ms_) {
    ++stats_.dropped_not_after_last;
    return out;
  }
  last_ms_ = r.unix_ms;
  ++stats_.accepted;
  out.raw_accepted = true;
  out.minute = minute_.add(r);
  out.quarter = quarter_.add(r);
  return out;
}

TierOutput HistoryTiers::flush() {
  TierOutput out;
  out.minute = minute_.flush();
  out.quarter = quarter_.flush();
  return out;
}

}  // namespace tbgw::history
