#include "core/control/charge_pipeline.hpp"

#include "core/victron/alarm_evaluator.hpp"

namespace tbgw::control {

ChargePipeline::ChargePipeline(const ChargeParams& params,
                               const alerts::AlertThresholds& thresholds,
                               const victron::EncoderIdentity& identity)
    : controller_(params), alerts_(thresholds), encoder_(identity) {}

PipelineOutput ChargePipeline::on_snapshot(const msg::BatterySnapshot& snapshot,
                                           const tinybms::BmsSettings* settings,
                                           msg::LinkStatus link,
                                           const victron::EnergyTotals& energy, Millis now) {
  snapshot_ = snapshot;
  have_snapshot_ = true;
  have_settings_ = settings != nullptr;
  settings_ = settings ? *settings : tinybms::BmsSettings{};
  energy_ = energy;

  PipelineOutput out;
  out.decision = controller_.update(snapshot_, settings_, now);
  const bool settings_read = settings_.series_cells != 0;
  out.alarms = alerts_.on_snapshot(snapshot_, settings_read ? &settings_ : nullptr, link, now);
  alarms_ = out.alarms;
  if (out.decision.valid) {
    encode({snapshot_, out.decision, out.alarms, settings_, energy_}, out);
  }
  return out;
}

PipelineOutput ChargePipeline::tick(Millis now) const {
  PipelineOutput out;
  out.decision = controller_.tick(now);
  out.held = controller_.is_stale(now);
  out.from_snapshot = have_snapshot_ && have_settings_;
  if (!out.from_snapshot) return out;
  out.alarms = out.held ? victron::with_link_lost(alarms_) : alarms_;
  if (out.decision.valid) {
    encode({snapshot_, out.decision, out.alarms, settings_, energy_}, out);
  }
  return out;
}

void ChargePipeline::encode(const victron::EncoderInput& in, PipelineOutput& out) const {
  auto encoded = encoder_.encode(in, out.frames);
  if (!encoded.ok()) {
    // The encoder's own plausibility checks refused the decision: send nothing rather than a
    // limit the gateway cannot vouch for.
    out.frames.clear();
    out.encode_failed = true;
    out.encode_error = encoded.error();
  }
}

}  // namespace tbgw::control
