// Builders for the charge-control tests: the shared pack settings (fixtures/pack_settings.hpp)
// and snapshots described by the few values a test cares about. `Drive` feeds one snapshot per
// second to a controller on a fake clock, the way the poller does.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "core/control/charge_controller.hpp"
#include "core/control/reason_writer.hpp"
#include "core/msg/battery_snapshot.hpp"
#include "core/msg/charge_decision.hpp"
#include "core/tinybms/bms_settings.hpp"
#include "fixtures/pack_settings.hpp"

namespace tbgw::control::test {

inline constexpr Millis kT0 = 1'000'000;
inline constexpr Millis kSecond = 1'000;
inline constexpr Millis kMinute = 60'000;

// The shared pack fixtures (tests/fixtures/pack_settings.hpp) under the names these suites use.
inline tinybms::BmsSettings factory_settings(int cells = 16) {
  return ::tbgw::test::lfp_pack_settings(cells);
}
inline tinybms::BmsSettings li_ion_unit_settings() {
  return ::tbgw::test::li_ion_pack_settings();
}
inline tinybms::BmsSettings lto_settings(int cells = 16) {
  return ::tbgw::test::lto_pack_settings(cells);
}

// A pack at rest: every cell at `cell_mv`, 25 degC on both external sensors, 60 % SOC.
struct Pack {
  int cells = 16;
  float cell_mv = 3300.0F;
  float current_a = 0.0F;
  double soc_pct = 60.0;
  float temp_c = 25.0F;
  msg::OnlineStatus status = msg::OnlineStatus::idle;

  // Per-test overrides.
  int odd_cell = 0;  // 1-based; 0 = none
  float odd_cell_mv = 0.0F;
  bool temps_present = true;

  msg::BatterySnapshot at(Millis stamp) const {
    msg::BatterySnapshot s;
    s.stamp_ms = stamp;
    s.cell_count = static_cast<std::uint8_t>(cells);
    s.detected_cells = static_cast<std::uint16_t>(cells);
    s.configured_cells = static_cast<std::uint16_t>(cells);
    float sum = 0.0F;
    for (int i = 0; i < cells; ++i) {
      const float mv = (i + 1 == odd_cell) ? odd_cell_mv : cell_mv;
      s.cell_mv[static_cast<std::size_t>(i)] = mv;
      sum += mv;
    }
    s.pack_voltage_v = sum / 1000.0F;
    s.pack_current_a = current_a;
    s.soc_pct = soc_pct;
    s.temps_c = {temp_c + 3.0F, temp_c, temp_c};
    s.temp_present = {temps_present, temps_present, temps_present};
    s.online_status = status;
    s.online_status_raw = static_cast<std::uint16_t>(status);
    return s;
  }
};

inline std::string text(const msg::ChargeDecision::Reason& r) {
  return std::string(reason_text(r));
}

inline ::testing::AssertionResult contains(const msg::ChargeDecision::Reason& r,
                                           std::string_view needle) {
  const std::string t = text(r);
  if (t.find(needle) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << t << "\" does not contain \"" << needle << "\"";
}

// One snapshot per second on a fake clock.
struct Drive {
  ChargeController& controller;
  tinybms::BmsSettings settings = factory_settings();
  Millis now = kT0;

  msg::ChargeDecision step(const Pack& pack) {
    now += kSecond;
    return controller.update(pack.at(now), settings, now);
  }
  // `duration` of one-second updates; returns the last decision.
  msg::ChargeDecision hold(const Pack& pack, Millis duration) {
    msg::ChargeDecision d = step(pack);
    for (Millis t = kSecond; t < duration; t += kSecond) d = step(pack);
    return d;
  }
};

}  // namespace tbgw::control::test
