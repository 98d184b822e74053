// The poller's timing from the gateway configuration (poll.* and bms.rev_d_registers).
// Every PollerConfig field has a schema key; a test proves that the schema's defaults give
// PollerConfig{}.
#pragma once

#include "core/config/gateway_config.hpp"
#include "core/tinybms/poller_config.hpp"

namespace tbgw::config {

tinybms::PollerConfig to_poller_config(const GatewayConfig& config);

}  // namespace tbgw::config
