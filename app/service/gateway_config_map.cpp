#include "app/service/gateway_config_map.hpp"

#include <spdlog/spdlog.h>

#include "core/config/to_alert_thresholds.hpp"
#include "core/config/to_charge_params.hpp"
#include "core/control/pack_facts.hpp"

namespace tbgw::app {

control::ChargeParams charge_params_from(const config::GatewayConfig& cfg) {
  return config::to_charge_params(cfg);
}

tinybms::ConsistencyLimits consistency_limits_from(const config::GatewayConfig& cfg) {
  const float window_mv = control::min_cutoff_window_mv(charge_params_from(cfg));
  return {static_cast<std::int32_t>(window_mv)};
}

alerts::AlertThresholds alert_thresholds_from(const config::GatewayConfig& cfg) {
  return config::to_alert_thresholds(cfg);
}

void apply_log_level(const config::GatewayConfig& cfg) {
  const auto name = config::enum_names(cfg.log_level)[static_cast<std::size_t>(cfg.log_level)];
  spdlog::set_level(spdlog::level::from_str(std::string(name)));
}

victron::EncoderIdentity identity_from(const config::GatewayConfig& cfg,
                                       const tinybms::VersionInfo& version) {
  auto identity =
      victron::make_identity(cfg.can_manufacturer_name.view(), cfg.can_battery_name.view(),
                             cfg.can_family_name.view(), cfg.can_send_0x35c);
  if (!identity.ok()) {
    spdlog::warn("CAN identity: {} (manufacturer '{}', battery name '{}'); using '{}' for both",
                 victron::to_string(identity.error()), cfg.can_manufacturer_name.view(),
                 cfg.can_battery_name.view(), cfg.can_manufacturer_name.view());
    identity =
        victron::make_identity(cfg.can_manufacturer_name.view(), cfg.can_manufacturer_name.view(),
                               cfg.can_family_name.view(), cfg.can_send_0x35c);
  }
  victron::EncoderIdentity id = identity.ok() ? *identity : victron::EncoderIdentity{};
  id.firmware = victron::firmware_word(version);
  return id;
}

}  // namespace tbgw::app
