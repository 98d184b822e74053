// SystemdNotify (systemd_notify.hpp): the sd_notify(3) datagram protocol, implemented here
// rather than through libsystemd so the gateway runs where there is no libsystemd at all
// (Venus OS is a sysvinit/daemontools distribution, docs/venus-os.md): one AF_UNIX datagram to
// $NOTIFY_SOCKET per call ("@name" is an abstract socket), and $WATCHDOG_USEC/$WATCHDOG_PID read
// the way sd_watchdog_enabled() reads them.
#include "platform/linux/systemd_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

namespace tbgw::platform {
namespace {

// True when the datagram was sent; false when not under systemd (NOTIFY_SOCKET unset) or on
// any error. The environment is kept because every later call needs it again.
bool send(std::string_view message) {
  const char* path = std::getenv("NOTIFY_SOCKET");
  if (path == nullptr || path[0] == '\0') return false;
  const std::size_t len = std::strlen(path);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if ((path[0] != '/' && path[0] != '@') || len >= sizeof addr.sun_path) return false;
  std::memcpy(addr.sun_path, path, len);
  if (path[0] == '@') addr.sun_path[0] = '\0';  // abstract namespace
  const auto addr_len =
      static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + len + (path[0] == '@' ? 0 : 1));
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const ssize_t sent = ::sendto(fd, message.data(), message.size(), MSG_NOSIGNAL,
                                reinterpret_cast<const sockaddr*>(&addr), addr_len);
  ::close(fd);
  return sent == static_cast<ssize_t>(message.size());
}

std::optional<std::uint64_t> env_number(const char* name) {
  const char* s = std::getenv(name);
  if (s == nullptr || *s == '\0') return std::nullopt;
  std::uint64_t v = 0;
  const char* end = s + std::strlen(s);
  const auto [ptr, ec] = std::from_chars(s, end, v);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return v;
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
  return send(message);
}

std::optional<std::chrono::microseconds> SystemdNotify::watchdog_interval() const {
  const auto usec = env_number("WATCHDOG_USEC");
  if (!usec || *usec == 0) return std::nullopt;
  // WATCHDOG_PID, when set, names the process the watchdog is meant for.
  if (std::getenv("WATCHDOG_PID") != nullptr) {
    const auto pid = env_number("WATCHDOG_PID");
    if (!pid || *pid != static_cast<std::uint64_t>(::getpid())) return std::nullopt;
  }
  return std::chrono::microseconds(static_cast<std::int64_t>(*usec));
}

}  // namespace tbgw::platform
