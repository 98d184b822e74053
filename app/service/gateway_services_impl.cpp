// GatewayServicesImpl (gateway_services_impl.hpp): thin calls into the running gateway.
#include "app/service/gateway_services_impl.hpp"

#include "app/service/config_loader.hpp"
#include "app/service/gateway_impl.hpp"
#include "core/config/config_validate.hpp"
#include "platform/linux/config_store.hpp"

namespace tbgw::app {

const Channels& GatewayServicesImpl::channels() const {
  return g_.ch;
}
const config::GatewayConfig& GatewayServicesImpl::config() const {
  return g_.cfg;
}
const std::filesystem::path& GatewayServicesImpl::state_dir() const {
  return g_.state_dir;
}
AlertsReport GatewayServicesImpl::alerts() const {
  const alerts::AlertEngine& engine = g_.pipeline.alerts();
  return {engine.alerts(), engine.active_count(), engine.worst()};
}
const alerts::AlertLog& GatewayServicesImpl::alert_log() const {
  return g_.pipeline.alerts().log();
}
energy::EnergyPeriodsState GatewayServicesImpl::energy_periods() const {
  return g_.energy_periods.state();
}
tinybms::LinkStats GatewayServicesImpl::link_stats() const {
  return g_.link->poller().stats();
}
const tinybms::RegisterBank& GatewayServicesImpl::registers() const {
  return g_.link->poller().registers();
}
CanReport GatewayServicesImpl::can() const {
  const platform::CanOutput& can = *g_.can;
  const auto frames = can.frames();
  return {can.transmitting(),
          {frames.begin(), frames.end()},
          can.backend().describe(),
          can.backend().health(),
          can.gx(),
          can.stats(),
          can.backend().stats()};
}
platform::HistoryWorkerStatus GatewayServicesImpl::history_status() const {
  return g_.history ? g_.history->status() : platform::HistoryWorkerStatus{};
}

bool GatewayServicesImpl::acknowledge_alert(msg::AlertId id) {
  return g_.pipeline.alerts().acknowledge(id, platform::now_ms());
}

std::size_t GatewayServicesImpl::acknowledge_all_alerts() {
  return g_.pipeline.alerts().acknowledge_all(platform::now_ms());
}

Result<void, GatewayServicesImpl::EnergyResetError> GatewayServicesImpl::reset_energy_counters() {
  const msg::EnergyCounters before = g_.energy_counter.snapshot();
  const energy::EnergyPeriodsState periods_before = g_.energy_periods.state();
  g_.energy_counter.reset();
  g_.energy_periods.reset();
  g_.save_energy("reset");
  if (g_.energy_save_failed) {
    // The files still hold the old counters (atomic writes): memory goes back to them too, so
    // the next successful save writes what was there, not a reset nobody could rely on.
    // Both were in use a moment ago, so both are valid and cannot be refused.
    (void)g_.energy_counter.restore(before);
    (void)g_.energy_periods.restore(periods_before);
    spdlog::error("energy counters reset refused: the reset could not be saved");
    return Err(EnergyResetError::save_failed);
  }
  spdlog::warn("energy counters reset (were {:.0f} Wh charged, {:.0f} Wh discharged)",
               before.wh_charged, before.wh_discharged);
  // A refusal is counted by the channel (ChannelStats, /metrics): see Gateway::Impl::wire().
  (void)g_.ch.energy.publish(g_.energy_counter.snapshot());
  return {};
}

void GatewayServicesImpl::reread_bms_settings() {
  g_.link->poller().request_settings_reread();
  spdlog::info("TinyBMS settings re-read requested");
}

Result<void, tinybms::WriteError> GatewayServicesImpl::write_bms_settings(
    std::span<const tinybms::RegisterWrite> w) {
  return g_.link->write_settings(w);
}

const char* to_string(ConfigPatchErrc e) {
  switch (e) {
    case ConfigPatchErrc::invalid:
      return "invalid";
    case ConfigPatchErrc::save_failed:
      return "save failed";
  }
  return "?";
}

ConfigPatchResult GatewayServicesImpl::patch_config(
    std::span<const config::ConfigSetting> settings) {
  // The change goes on top of the saved file, never on top of flags (--serial, --http...).
  auto load = load_file_config(g_.options, g_.state_dir);
  if (!load) return Err(ConfigPatchError{ConfigPatchErrc::invalid, load.error().problems});
  LoadedConfig& file = *load;
  const config::GatewayConfig before = file.config;
  const auto errors = config::apply_settings(file.config, settings);
  if (!errors.ok()) {
    ConfigPatchError refused{ConfigPatchErrc::invalid, {}};
    for (const auto& line : platform::describe(errors)) refused.problems.add(line);
    return Err(refused);
  }
  ConfigPatched out;
  const auto d = config::diff(before, file.config);
  for (const config::ConfigKey* key : d.changed()) {
    out.changed_keys.emplace_back(key->key);
    if (key->apply == config::Apply::restart) out.restart_keys.emplace_back(key->key);
  }
  if (d.empty()) return out;
  platform::ConfigStore store(g_.state_dir);
  const auto saved = store.save(file.config);
  if (!saved) {
    const std::string why = platform::to_string(saved.error());
    spdlog::error("configuration not saved: {}", why);
    ConfigPatchError failed{ConfigPatchErrc::save_failed, {}};
    failed.problems.add(why);
    return Err(failed);
  }
  if (!saved->warning.empty()) spdlog::warn("config: {}", saved->warning);
  // Flags still win over the file: the running configuration is re-derived the way a start
  // (or SIGHUP) derives it.
  const auto next = load_config(g_.options, g_.state_dir);
  if (next) {
    g_.reload(next->config);
  } else {
    // The file just saved loads (it passed the schema); only the flags can refuse, and they
    // were accepted at start. Should it happen, the gateway keeps running as it is.
    spdlog::error("configuration saved but not applied: {}", to_string(next.error()));
  }
  return out;
}

}  // namespace tbgw::app
