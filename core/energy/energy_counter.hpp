// EnergyCounter: Wh and Ah charged and discharged, integrated from successive BatterySnapshots.
//
// Theory of operation
// - Time is the snapshot's stamp_ms (sans-I/O: no clock here). Each interval between two
//   accepted samples adds the trapezoid of pack power (V x I) and of current, i.e. the exact
//   integral of the straight line between the two samples. When the sign changes inside an
//   interval the line is split at its zero crossing, so charge and discharge each get their
//   own part: a pack that swings from -10 A to +10 A counts both ways, not zero.
// - Charge is current > 0 (the BatterySnapshot convention); both totals are positive.
// - Never invent energy: an interval longer than max_gap_ms (the link was lost, the BMS
//   slept) adds nothing and the new sample becomes the start of the next interval. A stamp
//   earlier than the previous one (a clock that jumped) adds nothing and re-anchors; a repeated
//   stamp (the same snapshot published twice) adds nothing and keeps the first sample. A
//   sample with a non-finite or negative voltage or a non-finite current is ignored entirely.
// - Totals are kept internally in W*ms and A*ms: with dyadic inputs (50 V x 20 A every 1000 ms)
//   every step is exact, so an hour at constant power is exactly the expected Wh, and the
//   double mantissa keeps millisecond-level resolution up to about 2.5 GWh.
// - restore() and reset() replace the totals only; the last sample stays the anchor, so the
//   next interval (which happened after the call) is still counted.
//
// Bounds: O(1) per sample, no allocation, deterministic. Single-threaded.
#pragma once

#include <cstdint>

#include "core/msg/battery_snapshot.hpp"
#include "core/msg/energy_counters.hpp"
#include "core/util/result.hpp"
#include "core/util/time.hpp"

namespace tbgw::energy {

enum class EnergyError : std::uint8_t {
  invalid_counters = 1,  // restore() with a negative or non-finite total
};

const char* to_string(EnergyError e);

// What on_snapshot() did with a sample.
enum class SampleOutcome : std::uint8_t {
  anchored = 0,         // no previous sample: this one starts the first interval
  integrated = 1,       // the interval since the previous sample was added
  gap_skipped = 2,      // interval > max_gap_ms: nothing added, re-anchored here
  clock_backwards = 3,  // stamp earlier than the previous one: nothing added, re-anchored
  duplicate = 4,        // same stamp as the previous sample: ignored
  invalid = 5,          // non-finite or negative voltage, non-finite current: ignored
};

const char* to_string(SampleOutcome o);

struct EnergyCounterStats {
  std::uint64_t integrated = 0;
  std::uint64_t gaps_skipped = 0;
  std::uint64_t clock_backwards = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t invalid = 0;
};

class EnergyCounter {
 public:
  // Longer than the link-loss timeout plus a poll period: only a real outage is skipped.
  static constexpr Millis kDefaultMaxGapMs = 10'000;

  explicit EnergyCounter(Millis max_gap_ms = kDefaultMaxGapMs) : max_gap_ms_(max_gap_ms) {}

  SampleOutcome on_snapshot(const msg::BatterySnapshot& s);

  // Replaces the totals (from persistence). Invalid counters change nothing.
  Result<void, EnergyError> restore(const msg::EnergyCounters& c);
  // The totals now, for the bus and for persistence.
  msg::EnergyCounters snapshot() const;
  // Totals to zero (user request).
  void reset();

  // The gap for a poll cadence: three live refreshes, at least kDefaultMaxGapMs. A slow cadence
  // (poll.live_interval_ms goes up to 60 s) must still count; only a missed refresh or two
  // more than that is an outage.
  static constexpr Millis max_gap_for_live_interval(Millis live_interval_ms) {
    return 3 * live_interval_ms > kDefaultMaxGapMs ? 3 * live_interval_ms : kDefaultMaxGapMs;
  }
  // Applies live (ConfigChanged); the current interval is judged by the new value.
  void set_max_gap_ms(Millis max_gap_ms) { max_gap_ms_ = max_gap_ms; }
  Millis max_gap_ms() const { return max_gap_ms_; }
  const EnergyCounterStats& stats() const { return stats_; }

 private:
  struct Sample {
    Millis stamp_ms = 0;
    double power_w = 0.0;
    double current_a = 0.0;
  };

  Millis max_gap_ms_;
  bool has_anchor_ = false;
  Sample anchor_{};
  Millis stamp_ms_ = 0;

  double charged_w_ms_ = 0.0;
  double discharged_w_ms_ = 0.0;
  double charged_a_ms_ = 0.0;
  double discharged_a_ms_ = 0.0;

  EnergyCounterStats stats_{};
};

}  // namespace tbgw::energy
