// PollerConfig: timing of the TinyBMS poller, with the reasoning behind each default.
#pragma once

#include "core/util/time.hpp"

namespace tbgw::tinybms {

struct PollerConfig {
  // A full live refresh (cells, pack, SOC, temperatures, status) starts this often. The BMS
  // samples every 100 ms; the Victron side sends once a second, so 1 s keeps every CAN frame
  // fresh while leaving the line ~99 % idle.
  Millis live_interval_ms = 1000;

  // Silence after the last request byte before that request counts as unanswered. A 22-register
  // reply is 49 bytes (4.3 ms at 115200 baud); real units answer within a few ms. 250 ms leaves
  // room for a busy BMS and USB adapter latency.
  Millis response_timeout_ms = 250;

  // Retries of one request before its job is given up for this cycle. With the back-off below,
  // three retries span ~1.5 s, as long as a sleeping BMS may need to wake (spec: re-send for at
  // least 1-1.5 s before declaring it lost).
  int max_retries = 3;
  Millis retry_backoff_ms = 100;  // doubles with every retry of the same request

  // No valid reply for this long means the link is lost (snapshots stop; consumers apply their
  // stale-data policy). Must exceed the wake-up time of a sleeping BMS.
  Millis link_loss_timeout_ms = 3000;

  // While the link is lost, one probe request this often (never a flood on a dead line).
  Millis lost_probe_interval_ms = 2000;

  // Slow-changing data.
  Millis statistics_interval_ms = 60'000;
  Millis settings_interval_ms = 600'000;  // also re-read on demand and after the link comes back

  // The BMS event memory (200-297, one 98-register read, ~18 ms of line time) this often, and
  // once after start-up and after the link comes back. The BMS says nothing when it logs an
  // event, so reading the ring at a steady pace is the simple rule that cannot miss one unless
  // more than 49 events happen in one interval (bms_events.hpp reports that as overflow).
  Millis events_interval_ms = 60'000;

  // A block read that spans reserved registers is abandoned for the plan that skips them after
  // this many consecutive failures while other blocks succeed (or at once on a NACK).
  int reserved_span_failures_before_fallback = 3;

  // The BMS firmware implements the registers added in Rev D of the protocol document (45 SOH,
  // 305, 310, 311, 321-323, 329, 330 high byte). The document names no firmware version for
  // them, so this is the owner's statement; without it SOH is reported as unavailable.
  bool rev_d_registers = true;
};

}  // namespace tbgw::tinybms
