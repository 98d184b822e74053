// Shared builders for the core/victron tests: a healthy 16S LiFePO4 pack, its settings, a
// valid decision, and byte-array comparison helpers.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>

#include "core/msg/battery_alarms.hpp"
#include "core/msg/battery_snapshot.hpp"
#include "core/msg/charge_decision.hpp"
#include "core/tinybms/bms_settings.hpp"
#include "core/victron/can_frame.hpp"
#include "fixtures/pack_settings.hpp"

namespace tbgw::victron::test {

using Bytes = std::array<std::uint8_t, 8>;

inline std::string hex(const Bytes& b) {
  std::string s;
  for (const auto v : b) {
    char buf[4];
    std::snprintf(buf, sizeof buf, "%02X ", v);
    s += buf;
  }
  s.pop_back();
  return s;
}

// 16 cells at 3300 mV, 53.0 V, +10 A, one cell sensor at 25 degC, idle-charging status.
inline msg::BatterySnapshot healthy_snapshot() {
  msg::BatterySnapshot s;
  s.stamp_ms = 1'000;
  s.cell_count = 16;
  for (std::size_t i = 0; i < 16; ++i) s.cell_mv[i] = 3300.0F;
  s.min_cell_mv = 3300;
  s.max_cell_mv = 3300;
  s.pack_voltage_v = 52.8F;
  s.pack_current_a = 10.0F;
  s.soc_pct = 60.0;
  s.soh_pct = 98.0F;
  s.soh_valid = true;
  s.temps_c = {30.0F, 25.0F, 0.0F};
  s.temp_present = {true, true, false};
  s.online_status = msg::OnlineStatus::charging;
  s.online_status_raw = 0x91;
  s.detected_cells = 16;
  s.configured_cells = 16;
  return s;
}

// TinyBMS settings of a 16S 280 Ah LiFePO4 pack: the shared fixture.
inline tinybms::BmsSettings lfp_settings() {
  return ::tbgw::test::lfp_pack_settings();
}

inline msg::ChargeDecision decision(float cvl_v, float ccl_a, float dcl_a, float dvl_v) {
  msg::ChargeDecision d;
  d.valid = true;
  d.cvl_v = cvl_v;
  d.ccl_a = ccl_a;
  d.dcl_a = dcl_a;
  d.dvl_v = dvl_v;
  d.phase = msg::ChargePhase::bulk;
  return d;
}

inline msg::BatteryAlarms all_items(msg::AlarmLevel level, bool online) {
  msg::BatteryAlarms a;
  a.level.fill(level);
  a.online = online;
  return a;
}

}  // namespace tbgw::victron::test
