// GatewayServicesImpl: the running gateway's GatewayServices (gateway_services.hpp). Thin calls
// into Gateway::Impl; private to app/ (gateway.cpp, gateway_upkeep.cpp and this class are the
// only code that sees Gateway::Impl). Built with the gateway, before its parts exist: read it
// after Gateway::start().
#pragma once

#include "app/service/gateway.hpp"
#include "app/service/gateway_services.hpp"

namespace tbgw::app {

class GatewayServicesImpl final : public GatewayServices {
 public:
  explicit GatewayServicesImpl(Gateway::Impl& gateway) : g_(gateway) {}

  const Channels& channels() const override;
  const config::GatewayConfig& config() const override;
  const std::filesystem::path& state_dir() const override;
  AlertsReport alerts() const override;
  const alerts::AlertLog& alert_log() const override;
  energy::EnergyPeriodsState energy_periods() const override;
  tinybms::LinkStats link_stats() const override;
  const tinybms::RegisterBank& registers() const override;
  CanReport can() const override;
  platform::HistoryWorkerStatus history_status() const override;

  bool acknowledge_alert(msg::AlertId id) override;
  std::size_t acknowledge_all_alerts() override;
  Result<void, EnergyResetError> reset_energy_counters() override;
  void reread_bms_settings() override;
  Result<void, tinybms::WriteError> write_bms_settings(
      std::span<const tinybms::RegisterWrite> w) override;
  ConfigPatchResult patch_config(std::span<const config::ConfigSetting> settings) override;

  FaceReporters& face_reporters() override { return reporters_; }
  const FaceReporters& face_reporters() const override { return reporters_; }

 private:
  Gateway::Impl& g_;
  FaceReporters reporters_;
};

}  // namespace tbgw::app
