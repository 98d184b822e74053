// What the poller tells its owner: typed events, drained with Poller::next_event().
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <variant>

#include "core/msg/battery_snapshot.hpp"
#include "core/msg/link_state.hpp"
#include "core/tinybms/bms_settings.hpp"
#include "core/tinybms/version_info.hpp"

namespace tbgw::tinybms {

// One register of a settings write, as it ended: what it was, what was asked, what the BMS
// reads back. `verified` is the only proof that the BMS took the value.
struct SettingWriteOutcome {
  std::uint16_t address = 0;
  bool old_known = false;
  std::uint16_t old_raw = 0;
  std::uint16_t requested_raw = 0;
  bool read_back = false;
  std::uint16_t readback_raw = 0;
  bool verified = false;  // read back equal to the requested value
};

enum class WriteStatus : std::uint8_t {
  verified = 0,         // every register reads back as requested
  mismatch = 1,         // written, but some register reads back differently
  write_failed = 2,     // the BMS refused the write (NACK)
  readback_failed = 3,  // written, but the read-back got no valid answer
  no_answer = 4,        // the BMS did not answer the write (retries spent, link lost, port closed)
};

const char* to_string(WriteStatus s);

struct SettingsWriteResult {
  static constexpr std::size_t kMaxRegisters = 44;  // the settings range 300-343
  WriteStatus status = WriteStatus::verified;
  std::size_t count = 0;
  std::array<SettingWriteOutcome, kMaxRegisters> items{};
};

// The statistics block (100-117) was refreshed; values are in Poller::registers().
struct StatisticsUpdated {
  Millis stamp_ms = 0;
};

// The event registers (200-297) were refreshed; decode them from Poller::registers() with
// decode_event_registers() and pass them to a BmsEventTracker (core/tinybms/bms_events.hpp).
struct BmsEventsRead {
  Millis stamp_ms = 0;
};

using PollerEvent = std::variant<msg::BatterySnapshot, msg::LinkState, BmsSettings, VersionInfo,
                                 SettingsWriteResult, StatisticsUpdated, BmsEventsRead>;

}  // namespace tbgw::tinybms
