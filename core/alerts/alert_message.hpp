// Human messages of the alerts, with units: "cell 7 at 3.652 V above 3.650 V".
//
// Written into the fixed buffer of msg::AlertChanged through control::ReasonWriter (the core's
// one number formatter: no <cstdio>, round-to-nearest, never "-0.0"). Cells are named as the
// owner counts them (pack index + 1), sensors as on 0x376/0x377 ("internal", "ext 1").
//
// Bounds: no allocation; text that does not fit is cut at the buffer's end.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/msg/alert_changed.hpp"
#include "core/msg/battery_snapshot.hpp"
#include "core/msg/link_state.hpp"

namespace tbgw::alerts {

// What a message may name beyond the value and the threshold.
struct MessageContext {
  const msg::BatterySnapshot* snapshot = nullptr;  // battery rules: the evaluated snapshot
  msg::LinkStatus link = msg::LinkStatus::up;
  msg::LinkLossReason loss_reason = msg::LinkLossReason::none;
  std::string_view setting;  // charge_setting: the clamped field ("absorption_cell_mv")
};

void write_message(msg::AlertChanged::Message& out, msg::AlertId id, float value, float threshold,
                   const MessageContext& ctx);

// "BMS event 0x12: <text>" ("BMS event 0x12" without text).
void write_bms_event_message(msg::AlertChanged::Message& out, std::uint8_t event_id,
                             std::string_view text);

}  // namespace tbgw::alerts
