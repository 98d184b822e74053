// StateFilter: decides when the state topic is worth publishing again.
//
// Theory of operation. The face turns each snapshot into a list of samples (value + the class
// of deadband that applies to it: pack voltage, cell, current, temperature, SOC, or exact for
// states and flags). A new state is published when
//   - nothing was published yet, or force() was called (reconnect, config change, alert edge);
//   - otherwise never sooner than min_interval_ms after the last publication, and then
//     - when full_refresh_ms has passed (a slow heartbeat of the whole state), or
//     - when any sample moved further than its deadband from the value last published
//       (a deadband of 0 means any change), or the list changed length (cell count).
// Comparing with the last *published* value (not the previous sample) means a slow drift is
// published once it adds up to the deadband, instead of never.
//
// Bounds: one vector of doubles (the samples last published, at most a few dozen); no clock.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/util/time.hpp"

namespace tbgw::app::mqtt {

enum class SampleKind : std::uint8_t { voltage, cell, current, temperature, soc, exact };

struct Sample {
  SampleKind kind = SampleKind::exact;
  double value = 0.0;  // in the unit of its deadband (V, mV, A, degC, %)
};

struct FilterSettings {
  Millis min_interval_ms = 1'000;
  Millis full_refresh_ms = 300'000;
  double voltage_v = 0.05;
  double cell_mv = 2;
  double current_a = 0.1;
  double temp_c = 0.2;
  double soc_pct = 0.1;

  bool operator==(const FilterSettings&) const = default;
};

class StateFilter {
 public:
  explicit StateFilter(const FilterSettings& s = {}) : settings_(s) {}
  void set_settings(const FilterSettings& s) { settings_ = s; }

  // True when `samples` should be published now; call published() if it was.
  bool due(std::span<const Sample> samples, Millis now_ms) const;
  void published(std::span<const Sample> samples, Millis now_ms);
  void force() { forced_ = true; }

 private:
  double deadband(SampleKind k) const;

  FilterSettings settings_;
  std::vector<Sample> last_;
  Millis last_ms_ = 0;
  bool any_ = false;
  bool forced_ = false;
};

}  // namespace tbgw::app::mqtt
