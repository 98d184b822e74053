// SystemdNotify: tells systemd (Type=notify units) how the service is doing, over the
// sd_notify(3) datagram protocol (a datagram to $NOTIFY_SOCKET; no libsystemd needed).
//
// Theory of operation: systemd passes the path of a Unix datagram socket in NOTIFY_SOCKET and,
// when the unit has WatchdogSec=, the interval in WATCHDOG_USEC. Each call here sends one
// datagram ("READY=1", "WATCHDOG=1", ...). Outside systemd (a terminal, the tests, a container)
// NOTIFY_SOCKET is unset and every call is a silent no-op, so the app can call these
// unconditionally. Nothing here throws or blocks: a failed send is reported by the return value
// and the caller may log it once; it must never stop the gateway.
//
// How the app uses it (one io_context thread):
//   - ready() once the loop runs with a valid configuration. Not "BMS link up": a missing or
//     unplugged TinyBMS is a run-time state, and waiting for it would fail the start.
//   - watchdog_ping() from a timer on the event loop itself, every watchdog_interval() / 2, so
//     that a stalled loop stops the pings and systemd restarts the service.
//   - status(text) on state changes (shown by `systemctl status`); stopping() on SIGTERM.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace tbgw::platform {

class SystemdNotify {
 public:
  // Each returns true when systemd was told, false when not under systemd (NOTIFY_SOCKET unset)
  // or when the send failed.
  bool ready() const;
  bool stopping() const;
  bool watchdog_ping() const;
  // One line: a newline would start a new assignment in the protocol, so it becomes a space.
  bool status(std::string_view text) const;

  // The unit's WatchdogSec= as systemd passed it to this process; nullopt when no watchdog is
  // armed for us (also when WATCHDOG_PID names another process).
  std::optional<std::chrono::microseconds> watchdog_interval() const;
};

}  // namespace tbgw::platform
