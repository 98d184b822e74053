// ChargePipeline: snapshot in, decision + alarms + CAN frames out: the one decision every
// transport sends (CAN; MQTT and D-Bus read the same decision from the bus).
//
// A thin shell around three plain core classes (ChargeController, AlertEngine — the one set of
// alarm rules, whose 0x35A view goes on CAN — and FrameEncoder), shared by the running gateway,
// the `encode` tool and a port's core task, so all produce exactly the same frames for the same
// input. It is the one place the encoder's inputs are assembled: on_snapshot() encodes the new
// snapshot, and tick() (between snapshots, every CAN cycle) encodes the stale-data policy's
// decision with copies of the last snapshot, settings, energy totals and alarms it keeps.
//
// Bounds: no heap; every copy is a fixed-size value. Single-threaded.
#pragma once

#include "core/alerts/alert_engine.hpp"
#include "core/control/charge_controller.hpp"
#include "core/msg/battery_alarms.hpp"
#include "core/msg/battery_snapshot.hpp"
#include "core/msg/charge_decision.hpp"
#include "core/msg/link_state.hpp"
#include "core/tinybms/bms_settings.hpp"
#include "core/util/time.hpp"
#include "core/victron/frame_encoder.hpp"

namespace tbgw::control {

struct PipelineOutput {
  msg::ChargeDecision decision;
  msg::BatteryAlarms alarms;
  victron::FrameSet frames;  // empty when the decision is not valid (nothing may be sent)
  bool encode_failed = false;
  victron::EncodeError encode_error{};
  // tick() only: the stale policy holds the limits without fresh data (hold_safe); `alarms`
  // then say the data is not live (0x35A offline, BMS-internal warning).
  bool held = false;
  // tick() only: a snapshot with the BMS settings is known, so `alarms` and `frames` describe it.
  bool from_snapshot = false;
};

class ChargePipeline {
 public:
  ChargePipeline(const ChargeParams& params, const alerts::AlertThresholds& thresholds,
                 const victron::EncoderIdentity& identity);

  // A new snapshot: fresh decision, alarms and frames. `settings` is nullptr until the BMS
  // settings have been read.
  PipelineOutput on_snapshot(const msg::BatterySnapshot& snapshot,
                             const tinybms::BmsSettings* settings, msg::LinkStatus link,
                             const victron::EnergyTotals& energy, Millis now);
  // Between snapshots (every CAN cycle): the stale-data policy's decision, which may withdraw
  // (invalid: no frames) or hold the limits; when valid and a snapshot with settings is known,
  // the frames that carry it, encoded from the last snapshot.
  PipelineOutput tick(Millis now) const;
  void on_link(const msg::LinkState& link, Millis now) { controller_.on_link(link, now); }

  ChargeController& controller() { return controller_; }
  const ChargeController& controller() const { return controller_; }
  alerts::AlertEngine& alerts() { return alerts_; }
  void set_identity(const victron::EncoderIdentity& identity) {
    encoder_ = victron::FrameEncoder(identity);
  }

 private:
  // Encodes into out.frames; on a refusal records why and leaves no frame.
  void encode(const victron::EncoderInput& in, PipelineOutput& out) const;

  ChargeController controller_;
  alerts::AlertEngine alerts_;
  victron::FrameEncoder encoder_;

  // The last snapshot's encoder inputs, for tick().
  bool have_snapshot_ = false;
  bool have_settings_ = false;
  msg::BatterySnapshot snapshot_{};
  tinybms::BmsSettings settings_{};
  victron::EnergyTotals energy_{};
  msg::BatteryAlarms alarms_{};
};

}  // namespace tbgw::control
