#include "app/charge_pipeline.hpp"

namespace tbgw::app {

ChargePipeline::ChargePipeline(const control::ChargeParams& params,
                               const alerts::AlertThresholds& thresholds,
                               const victron::EncoderIdentity& identity)
    : controller_(params), alerts_(thresholds), encoder_(identity) {}

PipelineOutput ChargePipeline::on_snapshot(const msg::BatterySnapshot& snapshot,
                                           const tinybms::BmsSettings& settings,
                                           msg::LinkStatus link,
                                           const victron::EnergyTotals& energy, Millis now) {
  PipelineOutput out;
  out.decision = controller_.update(snapshot, settings, now);
  const bool settings_read = settings.series_cells != 0;
  out.alarms = alerts_.on_snapshot(snapshot, settings_read ? &settings : nullptr, link, now);
  if (out.decision.valid) {
    auto encoded = encoder_.encode(
        victron::EncoderInput{snapshot, out.decision, out.alarms, settings, energy}, out.frames);
    if (!encoded.ok()) {
      // The encoder's own plausibility checks refused the decision: send nothing rather than
      // a limit the gateway cannot vouch for.
      out.encode_failed = true;
      out.encode_error = encoded.error();
    }
  }
  return out;
}

}  // namespace tbgw::app
