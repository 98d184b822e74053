// CanSendResult: a CAN driver's answer to one frame handed to it, as the frame schedule
// (core/victron/can_schedule.hpp) needs to hear it. Every driver maps its own answer onto these
// three: SocketCAN's write() (ENOBUFS = full), slcan's serial queue, ESP-IDF's twai_transmit()
// with a zero timeout (ESP_ERR_TIMEOUT = full, anything but ESP_OK = error).
#pragma once

#include <cstdint>

namespace tbgw::victron {

enum class CanSendResult : std::uint8_t {
  queued,  // handed to the kernel, the controller, the adapter or the file
  full,    // a transmit queue is full now: nothing was sent, try again later
  error,   // not sent: interface down, adapter unplugged, write failed, deadline passed
};

}  // namespace tbgw::victron
