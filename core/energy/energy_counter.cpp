#include "core/energy/energy_counter.hpp"

#include <cmath>
#include <initializer_list>

namespace tbgw::energy {

namespace {

constexpr double kMsPerHour = 3'600'000.0;

// The integral over [0, dt_ms] of the line from `a` to `b`, split into the part above zero
// and the magnitude of the part below it.
struct Split {
  double positive = 0.0;
  double negative = 0.0;
};

Split trapezoid(double a, double b, double dt_ms) {
  if (a >= 0.0 && b >= 0.0) return {(a + b) / 2.0 * dt_ms, 0.0};
  if (a <= 0.0 && b <= 0.0) return {0.0, -(a + b) / 2.0 * dt_ms};
  // Opposite signs: the line crosses zero at t0 = a / (a - b) of the interval (a != b here).
  const double t0_ms = a / (a - b) * dt_ms;
  const double first = a * t0_ms / 2.0;
  const double second = b * (dt_ms - t0_ms) / 2.0;
  return a > 0.0 ? Split{first, -second} : Split{second, -first};
}

}  // namespace

const char* to_string(EnergyError e) {
  switch (e) {
    case EnergyError::invalid_counters:
      return "invalid_counters";
  }
  return "invalid";
}

const char* to_string(SampleOutcome o) {
  switch (o) {
    case SampleOutcome::anchored:
      return "anchored";
    case SampleOutcome::integrated:
      return "integrated";
    case SampleOutcome::gap_skipped:
      return "gap_skipped";
    case SampleOutcome::clock_backwards:
      return "clock_backwards";
    case SampleOutcome::duplicate:
      return "duplicate";
    case SampleOutcome::invalid:
      return "invalid";
  }
  return "invalid";
}

SampleOutcome EnergyCounter::on_snapshot(const msg::BatterySnapshot& s) {
  const auto voltage_v = static_cast<double>(s.pack_voltage_v);
  const auto current_a = static_cast<double>(s.pack_current_a);
  if (!std::isfinite(voltage_v) || voltage_v < 0.0 || !std::isfinite(current_a)) {
    ++stats_.invalid;
    return SampleOutcome::invalid;
  }
  const Sample sample{s.stamp_ms, voltage_v * current_a, current_a};

  if (!has_anchor_) {
    anchor_ = sample;
    has_anchor_ = true;
    stamp_ms_ = sample.stamp_ms;
    return SampleOutcome::anchored;
  }
  const Millis dt_ms = sample.stamp_ms - anchor_.stamp_ms;
  if (dt_ms == 0) {
    ++stats_.duplicates;
    return SampleOutcome::duplicate;
  }
  SampleOutcome outcome = SampleOutcome::integrated;
  if (dt_ms < 0) {
    ++stats_.clock_backwards;
    outcome = SampleOutcome::clock_backwards;
  } else if (dt_ms > max_gap_ms_) {
    ++stats_.gaps_skipped;
    outcome = SampleOutcome::gap_skipped;
  } else {
    const auto dt = static_cast<double>(dt_ms);
    const Split energy = trapezoid(anchor_.power_w, sample.power_w, dt);
    const Split charge = trapezoid(anchor_.current_a, sample.current_a, dt);
    charged_w_ms_ += energy.positive;
    discharged_w_ms_ += energy.negative;
    charged_a_ms_ += charge.positive;
    discharged_a_ms_ += charge.negative;
    ++stats_.integrated;
  }
  anchor_ = sample;
  stamp_ms_ = sample.stamp_ms;
  return outcome;
}

Result<void, EnergyError> EnergyCounter::restore(const msg::EnergyCounters& c) {
  if (!msg::is_valid(c)) return Err(EnergyError::invalid_counters);
  const double w_ms[2] = {c.wh_charged * kMsPerHour, c.wh_discharged * kMsPerHour};
  const double a_ms[2] = {c.ah_charged * kMsPerHour, c.ah_discharged * kMsPerHour};
  for (const double v : {w_ms[0], w_ms[1], a_ms[0], a_ms[1]}) {
    if (!std::isfinite(v)) return Err(EnergyError::invalid_counters);  // absurdly large
  }
  charged_w_ms_ = w_ms[0];
  discharged_w_ms_ = w_ms[1];
  charged_a_ms_ = a_ms[0];
  discharged_a_ms_ = a_ms[1];
  if (!has_anchor_) stamp_ms_ = c.stamp_ms;
  return {};
}

msg::EnergyCounters EnergyCounter::snapshot() const {
  msg::EnergyCounters c;
  c.stamp_ms = stamp_ms_;
  c.wh_charged = charged_w_ms_ / kMsPerHour;
  c.wh_discharged = discharged_w_ms_ / kMsPerHour;
  c.ah_charged = charged_a_ms_ / kMsPerHour;
  c.ah_discharged = discharged_a_ms_ / kMsPerHour;
  return c;
}

void EnergyCounter::reset() {
  charged_w_ms_ = 0.0;
  discharged_w_ms_ = 0.0;
  charged_a_ms_ = 0.0;
  discharged_a_ms_ = 0.0;
}

}  // namespace tbgw::energy
