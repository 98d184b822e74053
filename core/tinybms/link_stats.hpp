// LinkStats: counters that explain the health of the TinyBMS link (exported on /metrics and
// in diagnostics). Every failure the poller sees bumps exactly one of these.
#pragma once

#include <cstdint>

#include "core/util/time.hpp"

namespace tbgw::tinybms {

struct LinkStats {
  std::uint64_t requests = 0;       // requests sent (retries included)
  std::uint64_t responses = 0;      // replies that answered the request in flight
  std::uint64_t retries = 0;        // requests that were repeats of a failed one
  std::uint64_t timeouts = 0;       // no complete reply within the response timeout
  std::uint64_t crc_errors = 0;     // frames with a bad CRC (from the parser)
  std::uint64_t nacks = 0;          // NACK replies
  std::uint64_t bad_responses = 0;  // well-formed frames that did not answer our request
  std::uint64_t resyncs = 0;        // parser restarts after garbage or a bad frame
  std::uint64_t garbage_bytes = 0;  // bytes discarded while looking for a frame start
  std::uint64_t bytes_out = 0;
  std::uint64_t bytes_in = 0;
  std::uint64_t snapshots = 0;         // complete live refreshes decoded and published
  std::uint64_t decode_errors = 0;     // refreshes whose values failed validation
  std::uint64_t abandoned_cycles = 0;  // live refreshes given up after retries
  std::uint64_t link_losses = 0;
  std::uint64_t write_jobs = 0;
  // Events the owner did not drain before the queue filled (the oldest is dropped). The gateway
  // drains after every byte it hands in, so anything but 0 is a wiring bug worth seeing.
  std::uint64_t events_dropped = 0;
  bool plan_fallback = false;  // reserved-spanning reads were refused; using the safe plan

  // Request-to-reply latency of answered requests, in milliseconds of the caller's clock.
  Millis latency_last_ms = 0;
  Millis latency_max_ms = 0;
  Millis latency_sum_ms = 0;  // with `responses`, gives the mean
};

}  // namespace tbgw::tinybms
