// GatewayServices: what the network faces (HTTP/WebSocket API, MQTT, later D-Bus) may read from
// the running gateway and the few things they may ask of it. One object, built by the gateway
// after its parts exist; the faces hold a reference and never reach into Gateway::Impl.
//
// Reading: the channel table (subscribe at wiring time, latest() at any time) and the const
// accessors below. Acting: the methods under "actions"; each returns what happened so the face
// can answer its client, and each is logged here once (the face adds who asked).
//
// Threads: the event loop only, like the bus. A face on another thread posts to the loop.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "app/gateway.hpp"
#include "core/config/config_key.hpp"
#include "core/config/gateway_config.hpp"
#include "core/msg/alert_changed.hpp"
#include "core/tinybms/poller.hpp"
#include "core/tinybms/poller_event.hpp"
#include "core/util/result.hpp"
#include "platform/linux/history_worker.hpp"

namespace tbgw::alerts {
class AlertEngine;
}
namespace tbgw::energy {
class EnergyPeriods;
}
namespace tbgw::tinybms {
class RegisterBank;
struct LinkStats;
}  // namespace tbgw::tinybms
namespace tbgw::platform {
class CanOutput;
class SerialLink;
}  // namespace tbgw::platform

namespace tbgw::app {

namespace detail {
struct Channels;
}

// The outcome of a configuration change asked for by a face.
struct ConfigPatchResult {
  bool ok = false;
  std::vector<std::string> errors;        // "key: reason"; nothing was changed when not empty
  std::vector<std::string> changed_keys;  // keys whose value changed (saved and applied)
  std::vector<std::string> restart_keys;  // of those, the ones that take effect after a restart
  std::string save_error;                 // validated but the file could not be written
};

// A face's own figures for /api/diagnostics and /metrics (HTTP requests, MQTT messages, ...).
struct FaceCounter {
  std::string name;  // snake_case with its unit or "_total": "messages_published_total"
  std::string help;  // one line
  double value = 0;
};
struct FaceReport {
  std::string state;  // one line: "connected to mqtt://10.0.0.2:1883", "refused: bad password"
  std::vector<FaceCounter> counters;
};
using FaceReporter = std::function<FaceReport()>;

class GatewayServices {
 public:
  explicit GatewayServices(Gateway::Impl& gateway) : g_(gateway) {}

  // --- reading
  detail::Channels& channels();
  const config::GatewayConfig& config() const;  // the running configuration
  const std::filesystem::path& state_dir() const;
  const alerts::AlertEngine& alerts() const;
  const energy::EnergyPeriods& energy_periods() const;
  const tinybms::LinkStats& link_stats() const;
  const tinybms::RegisterBank& registers() const;  // every register read so far
  const platform::CanOutput& can() const;
  platform::HistoryWorkerStatus history_status() const;  // a locked copy: cheap, not per frame

  // --- actions
  // False when the alert is not active or already acknowledged.
  bool acknowledge_alert(msg::AlertId id);
  std::size_t acknowledge_all_alerts();
  // Zeroes the Wh counters and the per-day/month/lifetime periods, and saves them at once. When
  // the save fails (full or read-only disk) the reset is undone in memory and save_failed is
  // returned: a reset that a restart would take back is not reported as done.
  enum class EnergyResetError : std::uint8_t { save_failed = 1 };
  Result<void, EnergyResetError> reset_energy_counters();
  // The poller reads the settings registers at its next free slot; the result arrives on the
  // settings channel.
  void reread_bms_settings();
  // Validated by the register catalogue; queued for the poller. The outcome (verified by
  // read-back, or why not) arrives on the settings_write channel.
  Result<void, tinybms::WriteError> write_bms_settings(std::span<const tinybms::RegisterWrite> w);
  // Validates every setting against the schema (and its cross rules) on top of the saved
  // configuration file; when all are valid, saves STATE_DIR/config.json atomically and applies
  // the change live (restart keys are saved and reported). Nothing changes on any error.
  ConfigPatchResult patch_config(std::span<const config::ConfigSetting> settings);

  // --- faces report on themselves (called on the loop when a client asks)
  void add_face_reporter(std::string face, FaceReporter reporter) {
    reporters_.emplace_back(std::move(face), std::move(reporter));
  }
  const std::vector<std::pair<std::string, FaceReporter>>& face_reporters() const {
    return reporters_;
  }

 private:
  Gateway::Impl& g_;
  std::vector<std::pair<std::string, FaceReporter>> reporters_;
};

}  // namespace tbgw::app
