// LinkState: whether the TinyBMS answers, and why not when it does not.
#pragma once

#include <cstdint>
#include <type_traits>

#include "core/util/time.hpp"

namespace tbgw::msg {

enum class LinkStatus : std::uint8_t {
  connecting = 0,  // no valid answer yet since start (or since the port came back)
  up = 1,          // answers arrive
  lost = 2,        // no valid answer for longer than the configured loss timeout
};

// Why the link was lost: the dominant failure of the requests that went unanswered.
enum class LinkLossReason : std::uint8_t {
  none = 0,
  timeout = 1,        // silence: BMS unplugged, asleep and not waking, wiring
  crc_errors = 2,     // bytes arrive but fail CRC: noise, baud rate, software UART
  nacks = 3,          // the BMS answers with NACK to every request
  bad_responses = 4,  // well-formed frames that do not answer our request
  port_closed = 5,    // the serial device disappeared (USB unplugged)
};

struct LinkState {
  Millis stamp_ms = 0;
  LinkStatus status = LinkStatus::connecting;
  LinkLossReason reason = LinkLossReason::none;
};

static_assert(std::is_trivially_copyable_v<LinkState>);

const char* to_string(LinkStatus s);
const char* to_string(LinkLossReason r);

}  // namespace tbgw::msg
