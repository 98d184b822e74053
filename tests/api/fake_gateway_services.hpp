// FakeGatewayServices: a GatewayServices whose every value and every action's outcome the test
// sets, so the ApiRouter can be driven to answers the real gateway rarely gives (a save that
// fails, a BMS that never answers) without a simulator, a pty or a gateway.
//
// The test plays the gateway: it publishes on `ch` (the same channel table the gateway owns)
// and fills the plain reports (alerts, CAN, energy periods...). Each action records what it
// was asked and returns the result the test put in its `*_result` field.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "app/service/gateway_services.hpp"
#include "core/alerts/alert_engine.hpp"
#include "core/config/gateway_config.hpp"

namespace tbgw::test {

class FakeGatewayServices final : public app::GatewayServices {
 public:
  explicit FakeGatewayServices(std::filesystem::path state_dir) : state_dir_(std::move(state_dir)) {
    alerts_report.alerts = alerts::AlertEngine{}.alerts();  // one slot per rule, ids set, idle
  }

  // --- what the "gateway" holds (set by the test)
  app::Channels ch;
  config::GatewayConfig cfg = config::defaults();
  app::AlertsReport alerts_report;
  alerts::AlertLog alert_log_entries;
  energy::EnergyPeriodsState periods;
  tinybms::LinkStats link;
  tinybms::RegisterBank bank;
  app::CanReport can_report;
  platform::HistoryWorkerStatus history;

  // --- what the actions answer (set by the test) and what they were asked
  bool acknowledge_result = true;
  std::vector<msg::AlertId> acknowledged;
  std::size_t acknowledge_all_result = 0;
  int acknowledge_all_calls = 0;
  Result<void, EnergyResetError> energy_reset_result{};
  int energy_resets = 0;
  int rereads = 0;
  Result<void, tinybms::WriteError> write_result{};
  std::vector<std::vector<tinybms::RegisterWrite>> writes;
  app::ConfigPatchResult patch_result = app::ConfigPatched{};
  std::vector<std::vector<std::string>> patched_keys;

  // --- GatewayServices
  const app::Channels& channels() const override { return ch; }
  const config::GatewayConfig& config() const override { return cfg; }
  const std::filesystem::path& state_dir() const override { return state_dir_; }
  app::AlertsReport alerts() const override { return alerts_report; }
  const alerts::AlertLog& alert_log() const override { return alert_log_entries; }
  energy::EnergyPeriodsState energy_periods() const override { return periods; }
  tinybms::LinkStats link_stats() const override { return link; }
  const tinybms::RegisterBank& registers() const override { return bank; }
  app::CanReport can() const override { return can_report; }
  platform::HistoryWorkerStatus history_status() const override { return history; }

  bool acknowledge_alert(msg::AlertId id) override {
    acknowledged.push_back(id);
    return acknowledge_result;
  }
  std::size_t acknowledge_all_alerts() override {
    ++acknowledge_all_calls;
    return acknowledge_all_result;
  }
  Result<void, EnergyResetError> reset_energy_counters() override {
    ++energy_resets;
    return energy_reset_result;
  }
  void reread_bms_settings() override { ++rereads; }
  Result<void, tinybms::WriteError> write_bms_settings(
      std::span<const tinybms::RegisterWrite> w) override {
    writes.emplace_back(w.begin(), w.end());
    return write_result;
  }
  app::ConfigPatchResult patch_config(std::span<const config::ConfigSetting> settings) override {
    std::vector<std::string> keys;
    for (const auto& s : settings) keys.emplace_back(s.key);
    patched_keys.push_back(std::move(keys));
    return patch_result;
  }

  app::FaceReporters& face_reporters() override { return reporters_; }
  const app::FaceReporters& face_reporters() const override { return reporters_; }

 private:
  std::filesystem::path state_dir_;
  app::FaceReporters reporters_;
};

}  // namespace tbgw::test
