// The Venus OS JSON (mqtt.venus_topic): the format of the community driver dbus-mqtt-battery
// (github.com/mr-manuel/venus-os_dbus-mqtt-battery, README "JSON structure"), so a GX without a
// CAN adapter gets the battery, its limits and its alarms over MQTT.
//
// One decision, two transports: Info.MaxChargeVoltage/MaxChargeCurrent/MaxDischargeCurrent are
// the charge_decision channel's CVL/CCL/DCL (what CAN 0x351 carries) and Alarms.* are the
// battery_alarms channel's levels (what CAN 0x35A carries: ok 0, warning 1, alarm 2; items the
// gateway does not judge are left out). venus_json() returns empty when the CAN output would
// send no limits (no snapshot, decision not valid, link not up, data older than stale_ms).
// The face then sends one last document, venus_stale_json(): CCL = DCL = 0, CVL held at
// min(last CVL, last pack voltage) (decision_guard.hpp), Alarms.BmsCable = 2, nothing allowed;
// and then nothing, so the driver times out (it exits after 60 s of silence). Without that last
// document the driver would keep the last limits (e.g. CCL 100 A) for its whole timeout, while
// CAN stops within about 3 s. docs/mqtt.md lists every key sent.
#pragma once

#include <string>

#include "app/mqtt/gateway_view.hpp"
#include "core/msg/charge_decision.hpp"
#include "core/util/time.hpp"

namespace tbgw::app::mqtt {

std::string venus_json(const GatewayView& v, Millis now_ms, Millis stale_ms);
// The last document before silence; `last_valid` is the last decision a document carried.
std::string venus_stale_json(const GatewayView& v, const msg::ChargeDecision& last_valid);

}  // namespace tbgw::app::mqtt
