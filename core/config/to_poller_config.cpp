#include "core/config/to_poller_config.hpp"

namespace tbgw::config {

tinybms::PollerConfig to_poller_config(const GatewayConfig& c) {
  tinybms::PollerConfig p;
  p.live_interval_ms = c.poll_live_interval_ms;
  p.response_timeout_ms = c.poll_response_timeout_ms;
  p.max_retries = c.poll_max_retries;
  p.retry_backoff_ms = c.poll_retry_backoff_ms;
  p.link_loss_timeout_ms = c.poll_link_loss_timeout_ms;
  p.lost_probe_interval_ms = c.poll_lost_probe_interval_ms;
  p.statistics_interval_ms = c.poll_statistics_interval_ms;
  p.settings_interval_ms = c.poll_settings_interval_ms;
  p.events_interval_ms = c.poll_events_interval_ms;
  p.reserved_span_failures_before_fallback = c.poll_reserved_span_failures_before_fallback;
  p.rev_d_registers = c.bms_rev_d_registers;
  return p;
}

}  // namespace tbgw::config
