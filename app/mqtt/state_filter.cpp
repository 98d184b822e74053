// StateFilter (see state_filter.hpp).
#include "app/mqtt/state_filter.hpp"

#include <cmath>

namespace tbgw::app::mqtt {

double StateFilter::deadband(SampleKind k) const {
  switch (k) {
    case SampleKind::voltage:
      return settings_.voltage_v;
    case SampleKind::cell:
      return settings_.cell_mv;
    case SampleKind::current:
      return settings_.current_a;
    case SampleKind::temperature:
      return settings_.temp_c;
    case SampleKind::soc:
      return settings_.soc_pct;
    case SampleKind::exact:
      return 0.0;
  }
  return 0.0;
}

bool StateFilter::due(std::span<const Sample> samples, Millis now_ms) const {
  if (!any_ || forced_) return true;
  if (now_ms - last_ms_ < settings_.min_interval_ms) return false;
  if (now_ms - last_ms_ >= settings_.full_refresh_ms) return true;
  if (samples.size() != last_.size()) return true;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    if (samples[i].kind != last_[i].kind) return true;
    const double moved = std::fabs(samples[i].value - last_[i].value);
    const double band = deadband(samples[i].kind);
    if (band <= 0.0 ? moved != 0.0 : moved >= band) return true;
  }
  return false;
}

void StateFilter::published(std::span<const Sample> samples, Millis now_ms) {
  last_.assign(samples.begin(), samples.end());
  last_ms_ = now_ms;
  any_ = true;
  forced_ = false;
}

}  // namespace tbgw::app::mqtt
