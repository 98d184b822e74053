// EnergyPeriods: Wh and Ah in and out, and equivalent full cycles, per local day, per local
// month and for the lifetime of the installation, from successive EnergyCounter totals.
//
// Theory of operation
// - Input: the EnergyCounters totals (monotonic while nobody resets them), the wall clock as
//   unix seconds and the UTC offset in seconds (local = unix + offset), and the pack capacity.
//   No clock is read here. Each update adds the increase of every total since the previous
//   update to the current day, the current month and the lifetime. The whole increase goes to
//   the period of the new sample: with one update per snapshot the error at midnight is one
//   poll interval.
// - A total that went down (the counters were reset or restored) adds nothing for that field and
//   re-anchors: energy is never invented and never subtracted.
// - Cycles: each update adds (increase of Ah discharged) / capacity_ah, with the capacity known
//   then (BMS register 306); a capacity <= 0 or non-finite adds no cycles. A later capacity
//   change does not rewrite history.
// - Roll-over: a day ends at local midnight (floor((unix + offset) / 86400) changes), a month at
//   local midnight of its last day (the civil calendar: 28-31 days, leap years). The finished
//   period goes to the front of a fixed history (kDays previous days, kMonths previous months);
//   days or months the clock skipped (gateway off) are recorded as zero periods, so
//   previous_day(0) is always yesterday. roll_to() rolls without new totals (e.g. once a minute,
//   so "today" reads 0 right after midnight even while the BMS is away).
// - Clock jumps. A clock that goes back (NTP correcting, a Raspberry Pi without RTC) never moves
//   a period back nor reorders the history: increases keep going to the current period until the
//   clock passes it again. A clock before kMinPlausibleUnixS (2020-01-01, the 1970 of a Pi that
//   has not synced) is not trusted: increases go to the lifetime and are held as `unplaced`, then
//   added to the first period the clock places plausibly.
// - Persistence: state() / restore() give the whole object as a flat struct of plain numbers;
//   the format on disk is the owner's. restore() refuses counts beyond the arrays and negative
//   or non-finite totals.
//
// Bounds: fixed arrays (kDays + kMonths + 2 records), ~2.7 KiB; O(kDays) per roll-over, O(1)
// per update otherwise; no allocation. Single-threaded.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "core/msg/energy_counters.hpp"

namespace tbgw::energy {

struct PeriodTotals {
  double wh_charged = 0.0;
  double wh_discharged = 0.0;
  double ah_charged = 0.0;
  double ah_discharged = 0.0;
  double cycles = 0.0;  // equivalent full cycles: Ah discharged / capacity
  friend bool operator==(const PeriodTotals&, const PeriodTotals&) = default;
};

// One day or month. Day key: local days since 1970-01-01; month key: year x 12 + (month - 1).
struct PeriodRecord {
  std::int32_t key = 0;
  PeriodTotals totals;
  friend bool operator==(const PeriodRecord&, const PeriodRecord&) = default;
};

struct CivilDate {
  std::int32_t year = 1970;
  std::uint8_t month = 1;  // 1-12
  std::uint8_t day = 1;    // 1-31
  friend constexpr bool operator==(const CivilDate&, const CivilDate&) = default;
};

// Calendar helpers (proleptic Gregorian, H. Hinnant's algorithms).
CivilDate civil_from_days(std::int32_t days_since_epoch);
std::int32_t days_from_civil(const CivilDate& date);
std::int32_t local_day_key(std::int64_t unix_s, std::int32_t utc_offset_s);
std::int32_t month_key_of_day(std::int32_t day_key);
constexpr std::int32_t month_key(std::int32_t year, std::int32_t month) {
  return year * 12 + (month - 1);
}

struct EnergyPeriodsState {
  static constexpr std::size_t kDays = 31;
  static constexpr std::size_t kMonths = 24;

  bool started = false;     // a current day and month exist
  bool has_anchor = false;  // last_totals holds the previous update's totals
  msg::EnergyCounters last_totals{};
  PeriodRecord day{};    // current (local) day
  PeriodRecord month{};  // current (local) month
  PeriodTotals lifetime{};
  PeriodTotals unplaced{};  // counted while the clock was implausible, not yet in a period
  std::array<PeriodRecord, kDays> days{};  // previous days, newest first
  std::uint8_t day_count = 0;
  std::array<PeriodRecord, kMonths> months{};  // previous months, newest first
  std::uint8_t month_count = 0;
};

class EnergyPeriods {
 public:
  static constexpr std::size_t kDays = EnergyPeriodsState::kDays;
  static constexpr std::size_t kMonths = EnergyPeriodsState::kMonths;
  static constexpr std::int64_t kMinPlausibleUnixS = 1'577'836'800;  // 2020-01-01T00:00:00Z

  // New totals at wall time unix_s (local = unix_s + utc_offset_s).
  void update(const msg::EnergyCounters& totals, std::int64_t unix_s, std::int32_t utc_offset_s,
              double capacity_ah);
  // Rolls the day/month over if the local date moved on, without counting anything.
  void roll_to(std::int64_t unix_s, std::int32_t utc_offset_s);

  bool started() const { return s_.started; }
  const PeriodRecord& today() const { return s_.day; }
  const PeriodRecord& this_month() const { return s_.month; }
  const PeriodTotals& lifetime() const { return s_.lifetime; }
  std::size_t previous_day_count() const { return s_.day_count; }
  std::size_t previous_month_count() const { return s_.month_count; }
  // i = 0 is the day (month) before the current one.
  const PeriodRecord& previous_day(std::size_t i) const { return s_.days[i]; }
  const PeriodRecord& previous_month(std::size_t i) const { return s_.months[i]; }
  // The record of a day or month by key (current or kept), if any.
  std::optional<PeriodRecord> find_day(std::int32_t day_key) const;
  std::optional<PeriodRecord> find_month(std::int32_t month_key) const;

  const EnergyPeriodsState& state() const { return s_; }
  bool restore(const EnergyPeriodsState& state);
  void reset() { s_ = {}; }

 private:
  void roll_day(std::int32_t day_key);

  EnergyPeriodsState s_{};
};

}  // namespace tbgw::energy
