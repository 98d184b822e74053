// GatewayServices: what the network faces (HTTP/WebSocket API, MQTT, D-Bus) may read from the
// running gateway and the few things they may ask of it. An abstract window: the running
// gateway implements it (GatewayServicesImpl, app/service/gateway_services_impl.hpp, next to the
// gateway); an API test implements it with a fake whose values it sets. A face holds a
// reference to this class only and never reaches into Gateway::Impl.
//
// Reading is const and returns plain data: the channel table as `const Channels&` (latest()
// at any time, subscribe() keeping the Subscription as a member; publish() is not reachable
// through a const table), the running configuration, and copies of the figures of the parts
// (CAN output, alerts, energy periods, link counters) rather than the parts themselves.
// Acting: the methods under "actions"; each returns what happened so the face can answer its
// client, and each is logged by the implementation once (the face adds who asked).
//
// Threads: the event loop only, like the bus. A face on another thread posts to the loop.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "app/service/channels.hpp"
#include "app/service/face_reporters.hpp"
#include "core/alerts/alert_engine.hpp"
#include "core/alerts/alert_log.hpp"
#include "core/config/config_key.hpp"
#include "core/config/gateway_config.hpp"
#include "core/energy/energy_periods.hpp"
#include "core/msg/alert_changed.hpp"
#include "core/tinybms/link_stats.hpp"
#include "core/tinybms/poller.hpp"
#include "core/tinybms/register_bank.hpp"
#include "core/util/result.hpp"
#include "core/victron/can_frame.hpp"
#include "platform/linux/can_backend.hpp"
#include "platform/linux/can_output.hpp"
#include "platform/linux/config_problems.hpp"
#include "platform/linux/history_worker.hpp"

namespace tbgw::app {

// A configuration change asked for by a face: what changed, or why nothing did.
struct ConfigPatched {
  std::vector<std::string> changed_keys;  // keys whose value changed (saved and applied)
  std::vector<std::string> restart_keys;  // of those, the ones that take effect after a restart
};
enum class ConfigPatchErrc : std::uint8_t {
  invalid = 1,      // refused by the schema (or the saved file is unreadable): every reason
  save_failed = 2,  // valid, but STATE_DIR/config.json could not be written: the one reason
};
struct ConfigPatchError {
  ConfigPatchErrc what = ConfigPatchErrc::invalid;
  platform::ConfigProblems problems;  // "key: reason" sentences; nothing was changed
};
const char* to_string(ConfigPatchErrc e);
using ConfigPatchResult = Result<ConfigPatched, ConfigPatchError>;

// The CAN side as the faces see it: a copy of the CAN output's and its backend's state.
struct CanReport {
  bool transmitting = false;                // limits are on the bus
  std::vector<victron::CanFrame> frames;    // the set being transmitted, one per id
  std::string backend;                      // CanBackend::describe(): "socketcan can0"
  platform::CanHealthState health;          // the backend's health and why
  platform::GxStatus gx;                    // the Victron GX seen on the bus
  platform::CanOutputStats output;          // cadence, frames sent, dropped...
  platform::CanBackendStats backend_stats;  // tx/rx, bus-off, restarts...
};

// The alert engine's current state: one Alert per rule, indexed by msg::AlertId.
struct AlertsReport {
  std::array<alerts::Alert, msg::kAlertRules> alerts{};
  std::size_t active_count = 0;
  msg::AlertSeverity worst = msg::AlertSeverity::none;

  const alerts::Alert& alert(msg::AlertId id) const {
    const auto i = static_cast<std::size_t>(id);
    return alerts[i < alerts.size() ? i : 0];
  }
};

class GatewayServices {
 public:
  virtual ~GatewayServices() = default;

  // --- reading
  virtual const Channels& channels() const = 0;
  virtual const config::GatewayConfig& config() const = 0;  // the running configuration
  virtual const std::filesystem::path& state_dir() const = 0;
  virtual AlertsReport alerts() const = 0;
  virtual const alerts::AlertLog& alert_log() const = 0;          // every edge kept, oldest first
  virtual energy::EnergyPeriodsState energy_periods() const = 0;  // per day / month / lifetime
  virtual tinybms::LinkStats link_stats() const = 0;
  virtual const tinybms::RegisterBank& registers() const = 0;  // every register read so far
  virtual CanReport can() const = 0;
  virtual platform::HistoryWorkerStatus history_status() const = 0;  // a locked copy

  // --- actions
  // False when the alert is not active or already acknowledged.
  virtual bool acknowledge_alert(msg::AlertId id) = 0;
  virtual std::size_t acknowledge_all_alerts() = 0;
  // Zeroes the Wh counters and the per-day/month/lifetime periods, and saves them at once. When
  // the save fails (full or read-only disk) the reset is undone in memory and save_failed is
  // returned: a reset that a restart would take back is not reported as done.
  enum class EnergyResetError : std::uint8_t { save_failed = 1 };
  virtual Result<void, EnergyResetError> reset_energy_counters() = 0;
  // The poller reads the settings registers at its next free slot; the result arrives on the
  // settings channel.
  virtual void reread_bms_settings() = 0;
  // Validated by the register catalogue; queued for the poller. The outcome (verified by
  // read-back, or why not) arrives on the settings_write channel.
  virtual Result<void, tinybms::WriteError> write_bms_settings(
      std::span<const tinybms::RegisterWrite> w) = 0;
  // Validates every setting against the schema (and its cross rules) on top of the saved
  // configuration file; when all are valid, saves STATE_DIR/config.json atomically and applies
  // the change live (restart keys are saved and reported). Nothing changes on any error.
  virtual ConfigPatchResult patch_config(std::span<const config::ConfigSetting> settings) = 0;

  // --- faces report on themselves (face_reporters.hpp; called on the loop when asked)
  virtual FaceReporters& face_reporters() = 0;
  virtual const FaceReporters& face_reporters() const = 0;
};

}  // namespace tbgw::app
