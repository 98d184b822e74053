// ChargePipeline: snapshot in, decision + alarms + CAN frames out: the one decision every
// transport sends (CAN today; MQTT and D-Bus later read the same decision from the bus).
//
// A thin shell around three plain core classes (ChargeController, AlertEngine — the one set of
// alarm rules, whose 0x35A view goes on CAN — and FrameEncoder), shared by the running gateway and
// the `encode` tool so both produce exactly the same frames for the same input.
#pragma once

#include "core/alerts/alert_engine.hpp"
#include "core/control/charge_controller.hpp"
#include "core/msg/battery_alarms.hpp"
#include "core/msg/battery_snapshot.hpp"
#include "core/msg/charge_decision.hpp"
#include "core/msg/link_state.hpp"
#include "core/tinybms/bms_settings.hpp"
#include "core/victron/frame_encoder.hpp"

namespace tbgw::app {

struct PipelineOutput {
  msg::ChargeDecision decision;
  msg::BatteryAlarms alarms;
  victron::FrameSet frames;  // empty when the decision is not valid (nothing may be sent)
  bool encode_failed = false;
  victron::EncodeError encode_error{};
};

class ChargePipeline {
 public:
  ChargePipeline(const control::ChargeParams& params, const alerts::AlertThresholds& thresholds,
                 const victron::EncoderIdentity& identity);

  // A new snapshot: fresh decision, alarms and frames.
  PipelineOutput on_snapshot(const msg::BatterySnapshot& snapshot,
                             const tinybms::BmsSettings& settings, msg::LinkStatus link,
                             const victron::EnergyTotals& energy, Millis now);
  // Between snapshots (every CAN cycle): the stale-data policy may withdraw the decision.
  msg::ChargeDecision tick(Millis now) const { return controller_.tick(now); }
  void on_link(const msg::LinkState& link, Millis now) { controller_.on_link(link, now); }

  // Frames for a decision made between snapshots (the stale-data policy's hold).
  bool encode(const msg::BatterySnapshot& snapshot, const msg::ChargeDecision& decision,
              const msg::BatteryAlarms& alarms, const tinybms::BmsSettings& settings,
              const victron::EnergyTotals& energy, victron::FrameSet& out) const {
    return encoder_.encode({snapshot, decision, alarms, settings, energy}, out).ok();
  }

  control::ChargeController& controller() { return controller_; }
  alerts::AlertEngine& alerts() { return alerts_; }
  void set_identity(const victron::EncoderIdentity& identity) {
    encoder_ = victron::FrameEncoder(identity);
  }

 private:
  control::ChargeController controller_;
  alerts::AlertEngine alerts_;
  victron::FrameEncoder encoder_;
};

}  // namespace tbgw::app
