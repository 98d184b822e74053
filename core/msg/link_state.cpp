#include "core/msg/link_state.hpp"

namespace tbgw::msg {

const char* to_string(LinkStatus s) {
  switch (s) {
    case LinkStatus::connecting:
      return "connecting";
    case LinkStatus::up:
      return "up";
    case LinkStatus::lost:
      return "lost";
  }
  return "invalid";
}

const char* to_string(LinkLossReason r) {
  switch (r) {
    case LinkLossReason::none:
      return "none";
    case LinkLossReason::timeout:
      return "timeout";
    case LinkLossReason::crc_errors:
      return "crc_errors";
    case LinkLossReason::nacks:
      return "nacks";
    case LinkLossReason::bad_responses:
      return "bad_responses";
    case LinkLossReason::port_closed:
      return "port_closed";
  }
  return "invalid";
}

}  // namespace tbgw::msg
