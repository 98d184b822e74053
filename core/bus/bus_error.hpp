// Why a publish or a subscription was refused. Every refusal is also counted on the channel
// (ChannelStats), so /metrics explains what a log line may have missed.
#pragma once

#include <cstdint>

namespace tbgw::bus {

enum class BusError : std::uint8_t {
  rejected = 1,                   // the channel's validator refused the message: it reached nobody
  reentrant_publish = 2,          // published on a channel from inside that channel's own delivery
  subscribers_full = 3,           // subscribe() beyond the channel's fixed capacity
  subscribe_during_delivery = 4,  // subscribe() from inside the channel's own delivery
};

constexpr const char* to_string(BusError e) {
  switch (e) {
    case BusError::rejected:
      return "rejected by validator";
    case BusError::reentrant_publish:
      return "re-entrant publish on the same channel";
    case BusError::subscribers_full:
      return "subscriber capacity reached";
    case BusError::subscribe_during_delivery:
      return "subscribe during delivery";
  }
  return "invalid";
}

}  // namespace tbgw::bus
