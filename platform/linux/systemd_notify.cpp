#include "platform/linux/systemd_notify.hpp"

#include <systemd/sd-daemon.h>

#include <cstdint>
#include <string>

namespace tbgw::platform {
namespace {

// sd_notify() returns 0 when NOTIFY_SOCKET is unset, > 0 when sent, < 0 on error. The
// environment is kept (unset_environment = 0) because every later call needs it again.
bool send(const char* message) {
  return ::sd_notify(0, message) > 0;
}

}  // namespace

bool SystemdNotify::ready() const {
  return send("READY=1");
}

bool SystemdNotify::stopping() const {
  return send("STOPPING=1");
}

bool SystemdNotify::watchdog_ping() const {
  return send("WATCHDOG=1");
}

bool SystemdNotify::status(std::string_view text) const {
  std::string message = "STATUS=";
  message.append(text);
  for (char& c : message) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return send(message.c_str());
}

std::optional<std::chrono::microseconds> SystemdNotify::watchdog_interval() const {
  uint64_t usec = 0;
  if (::sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  return std::chrono::microseconds(usec);
}

}  // namespace tbgw::platform
