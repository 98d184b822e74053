// The state topic (BASE/DEVICE_ID/state): one retained JSON object with every value of the
// battery, which the Home Assistant entities read with value_template (docs/mqtt.md lists the
// keys). One topic instead of one per value: a single message per change (fewer packets, one
// retained message to restore after an HA restart) and entity configs that differ only in
// their template.
//
// state_samples() lists the values the StateFilter compares against its deadbands, in a fixed
// order for a given cell count.
#pragma once

#include <string>
#include <vector>

#include "app/mqtt/gateway_view.hpp"
#include "app/mqtt/state_filter.hpp"

namespace tbgw::app::mqtt {

// Empty when there is no snapshot yet (nothing is invented).
std::string state_json(const GatewayView& v);
std::vector<Sample> state_samples(const GatewayView& v);

}  // namespace tbgw::app::mqtt
