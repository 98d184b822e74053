// Energy per day, month and lifetime; see energy_periods.hpp.
#include "core/energy/energy_periods.hpp"

#include <algorithm>
#include <cmath>

namespace tbgw::energy {

namespace {

constexpr std::int64_t kSecondsPerDay = 86'400;

void add(PeriodTotals& into, const PeriodTotals& d) {
  into.wh_charged += d.wh_charged;
  into.wh_discharged += d.wh_discharged;
  into.ah_charged += d.ah_charged;
  into.ah_discharged += d.ah_discharged;
  into.cycles += d.cycles;
}

// The increase of a total; 0 when it went down (reset, restore) or is not a number.
double increase(double now, double before) {
  const double d = now - before;
  return std::isfinite(d) && d > 0.0 ? d : 0.0;
}

bool valid(const PeriodTotals& t) {
  for (const double v : {t.wh_charged, t.wh_discharged, t.ah_charged, t.ah_discharged, t.cycles}) {
    if (!std::isfinite(v) || v < 0.0) return false;
  }
  return true;
}

template <std::size_t N>
void push_front(std::array<PeriodRecord, N>& ring, std::uint8_t& count, const PeriodRecord& r) {
  std::copy_backward(ring.begin(), ring.end() - 1, ring.end());
  ring[0] = r;
  count = static_cast<std::uint8_t>(std::min<std::size_t>(count + 1U, N));
}

// Pushes the finished period `current`, then a zero record for every key the clock skipped
// before `next` (only the last N can still be kept).
template <std::size_t N>
void close_period(std::array<PeriodRecord, N>& ring, std::uint8_t& count,
                  const PeriodRecord& current, std::int32_t next) {
  push_front(ring, count, current);
  const std::int64_t first_gap =
      std::max<std::int64_t>(std::int64_t{current.key} + 1, std::int64_t{next} - N);
  for (std::int64_t k = first_gap; k < next; ++k) {
    push_front(ring, count, PeriodRecord{static_cast<std::int32_t>(k), {}});
  }
}

}  // namespace

CivilDate civil_from_days(std::int32_t days_since_epoch) {
  const std::int64_t z = std::int64_t{days_since_epoch} + 719'468;
  const std::int64_t era = (z >= 0 ? z : z - 146'096) / 146'097;
  const std::int64_t doe = z - era * 146'097;                                        // [0, 146096]
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36'524 - doe / 146'096) / 365;  // [0, 399]
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                  // [0, 365]
  const std::int64_t mp = (5 * doy + 2) / 153;                                       // [0, 11]
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;                               // [1, 31]
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;                                  // [1, 12]
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return CivilDate{static_cast<std::int32_t>(y), static_cast<std::uint8_t>(m),
                   static_cast<std::uint8_t>(d)};
}

std::int32_t days_from_civil(const CivilDate& date) {
  const std::int64_t y = std::int64_t{date.year} - (date.month <= 2 ? 1 : 0);
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const std::int64_t yoe = y - era * 400;
  const std::int64_t m = date.month;
  const std::int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + date.day - 1;
  const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int32_t>(era * 146'097 + doe - 719'468);
}

std::int32_t local_day_key(std::int64_t unix_s, std::int32_t utc_offset_s) {
  const std::int64_t local = unix_s + utc_offset_s;
  const std::int64_t day =
      local >= 0 ? local / kSecondsPerDay : -((-local + kSecondsPerDay - 1) / kSecondsPerDay);
  return static_cast<std::int32_t>(day);
}

std::int32_t month_key_of_day(std::int32_t day_key) {
  const CivilDate d = civil_from_days(day_key);
  return month_key(d.year, d.month);
}

void EnergyPeriods::roll_to(std::int64_t unix_s, std::int32_t utc_offset_s) {
  if (unix_s < kMinPlausibleUnixS) return;
  const std::int32_t day = local_day_key(unix_s, utc_offset_s);
  const std::int32_t month = month_key_of_day(day);
  if (!s_.started) {
    s_.started = true;
    s_.day = PeriodRecord{day, {}};
    s_.month = PeriodRecord{month, {}};
    return;
  }
  if (day <= s_.day.key) return;  // same day, or the clock went back: never move back
  close_period(s_.days, s_.day_count, s_.day, day);
  s_.day = PeriodRecord{day, {}};
  if (month > s_.month.key) {
    close_period(s_.months, s_.month_count, s_.month, month);
    s_.month = PeriodRecord{month, {}};
  }
}

void EnergyPeriods::update(const msg::EnergyCounters& totals, std::int64_t unix_s,
                           std::int32_t utc_offset_s, double capacity_ah) {
  if (!msg::is_valid(totals)) return;
  roll_to(unix_s, utc_offset_s);
  PeriodTotals d;
  if (s_.has_anchor) {
    const msg::EnergyCounters& before = s_.last_totals;
    d.wh_charged = increase(totals.wh_charged, before.wh_charged);
    d.wh_discharged = increase(totals.wh_discharged, before.wh_discharged);
    d.ah_charged = increase(totals.ah_charged, before.ah_charged);
    d.ah_discharged = increase(totals.ah_discharged, before.ah_discharged);
    if (std::isfinite(capacity_ah) && capacity_ah > 0.0) d.cycles = d.ah_discharged / capacity_ah;
  }
  s_.last_totals = totals;
  s_.has_anchor = true;
  add(s_.lifetime, d);
  if (!s_.started) {  // no plausible clock yet
    add(s_.unplaced, d);
    return;
  }
  add(d, s_.unplaced);
  s_.unplaced = {};
  add(s_.day.totals, d);
  add(s_.month.totals, d);
}

std::optional<PeriodRecord> EnergyPeriods::find_day(std::int32_t day_key) const {
  if (s_.started && s_.day.key == day_key) return s_.day;
  for (std::size_t i = 0; i < s_.day_count; ++i) {
    if (s_.days[i].key == day_key) return s_.days[i];
  }
  return std::nullopt;
}

std::optional<PeriodRecord> EnergyPeriods::find_month(std::int32_t key) const {
  if (s_.started && s_.month.key == key) return s_.month;
  for (std::size_t i = 0; i < s_.month_count; ++i) {
    if (s_.months[i].key == key) return s_.months[i];
  }
  return std::nullopt;
}

bool EnergyPeriods::restore(const EnergyPeriodsState& state) {
  if (state.day_count > kDays || state.month_count > kMonths) return false;
  if (state.has_anchor && !msg::is_valid(state.last_totals)) return false;
  bool ok = valid(state.day.totals) && valid(state.month.totals) && valid(state.lifetime) &&
            valid(state.unplaced);
  for (std::size_t i = 0; i < state.day_count; ++i) ok = ok && valid(state.days[i].totals);
  for (std::size_t i = 0; i < state.month_count; ++i) ok = ok && valid(state.months[i].totals);
  if (!ok) return false;
  s_ = state;
  return true;
}

}  // namespace tbgw::energy
