#include "platform/linux/can_socketcan_adapt.hpp"

#include <linux/can.h>
#include <linux/can/error.h>
#include <linux/can/raw.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <initializer_list>
#include <string_view>

namespace tbgw::platform::socketcan {

namespace {

// Built with append: GCC 12 warns (-Wrestrict, a false positive) on some chains of
// `const char* + std::string`.
std::string cat(std::initializer_list<std::string_view> parts) {
  std::string s;
  for (auto p : parts) s.append(p);
  return s;
}

OpenResult fail(OpenFailure failure, std::string error, int fd = -1) {
  if (fd >= 0) ::close(fd);
  return OpenResult{-1, failure, std::move(error)};
}

}  // namespace

std::string errno_text(int err) {
  char buf[128] = {};
  // GNU strerror_r returns the message (possibly a static string, not buf).
  return ::strerror_r(err, buf, sizeof buf);
}

OpenResult open_raw(const std::string& ifname) {
  if (ifname.empty() || ifname.size() >= IFNAMSIZ) {
    return fail(OpenFailure::bad_name,
                cat({"invalid CAN interface name '", ifname, "' (1 to 15 characters)"}));
  }
  const int fd = ::socket(PF_CAN, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, CAN_RAW);
  if (fd < 0) {
    const int err = errno;
    return fail(OpenFailure::no_can_support,
                cat({"cannot create a SocketCAN socket: ", errno_text(err),
                     " (does the kernel have CAN support? try: modprobe can-raw)"}));
  }
  ifreq ifr{};
  std::memcpy(ifr.ifr_name, ifname.c_str(), ifname.size() + 1);
  if (::ioctl(fd, SIOCGIFINDEX, &ifr) != 0) {
    const int err = errno;
    if (err == ENODEV) {
      return fail(OpenFailure::missing,
                  cat({"CAN interface ", ifname,
                       " does not exist (adapter unplugged or driver not loaded? for a test "
                       "bus: ip link add dev ",
                       ifname, " type vcan)"}),
                  fd);
    }
    return fail(OpenFailure::other, cat({"SIOCGIFINDEX ", ifname, ": ", errno_text(err)}), fd);
  }
  const int ifindex = ifr.ifr_ifindex;
  if (::ioctl(fd, SIOCGIFHWADDR, &ifr) == 0 && ifr.ifr_hwaddr.sa_family != ARPHRD_CAN) {
    return fail(OpenFailure::not_can, cat({"interface ", ifname, " is not a CAN interface"}), fd);
  }
  if (::ioctl(fd, SIOCGIFFLAGS, &ifr) != 0) {
    const int err = errno;
    return fail(OpenFailure::other, cat({"SIOCGIFFLAGS ", ifname, ": ", errno_text(err)}), fd);
  }
  if ((ifr.ifr_flags & IFF_UP) == 0) {
    return fail(OpenFailure::down,
                cat({"CAN interface ", ifname, " is down (bring it up with: ip link set ", ifname,
                     " up type can bitrate 500000 restart-ms 100)"}),
                fd);
  }
  // Every error class: the backend wants bus-off, error-passive and restarts; the rest are
  // counted. CAN_ERR_BUSERROR can flood, but only when the driver's berr-reporting is on.
  const can_err_mask_t err_mask = CAN_ERR_MASK;
  if (::setsockopt(fd, SOL_CAN_RAW, CAN_RAW_ERR_FILTER, &err_mask, sizeof err_mask) != 0) {
    const int err = errno;
    return fail(OpenFailure::other, cat({"CAN_RAW_ERR_FILTER: ", errno_text(err)}), fd);
  }
  sockaddr_can addr{};
  addr.can_family = AF_CAN;
  addr.can_ifindex = ifindex;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    const int err = errno;
    const auto failure = err == ENODEV ? OpenFailure::missing : OpenFailure::other;
    return fail(failure, cat({"cannot bind to CAN interface ", ifname, ": ", errno_text(err)}), fd);
  }
  return OpenResult{fd, OpenFailure::none, {}};
}

void close_fd(int fd) {
  if (fd >= 0) ::close(fd);
}

namespace {

IoResult from_errno(int err, bool writing) {
  switch (err) {
    case EAGAIN:
      return {writing ? IoStatus::full : IoStatus::would_block, err};
    case ENOBUFS:
      return {IoStatus::full, err};
    case ENETDOWN:
    case ENODEV:
    case ENXIO:
      return {IoStatus::down, err};
    default:
      return {IoStatus::failed, err};
  }
}

BusErrorEvent decode_error(const can_frame& cf) {
  const canid_t cls = cf.can_id & CAN_ERR_MASK;
  BusErrorEvent e;
  e.tx_timeout = (cls & CAN_ERR_TX_TIMEOUT) != 0;
  e.lost_arbitration = (cls & CAN_ERR_LOSTARB) != 0;
  e.controller = (cls & CAN_ERR_CRTL) != 0;
  if (e.controller) {
    const std::uint8_t c = cf.data[1];
    e.rx_overflow = (c & CAN_ERR_CRTL_RX_OVERFLOW) != 0;
    e.tx_overflow = (c & CAN_ERR_CRTL_TX_OVERFLOW) != 0;
    e.error_warning = (c & (CAN_ERR_CRTL_RX_WARNING | CAN_ERR_CRTL_TX_WARNING)) != 0;
    e.error_passive = (c & (CAN_ERR_CRTL_RX_PASSIVE | CAN_ERR_CRTL_TX_PASSIVE)) != 0;
    e.error_active = (c & CAN_ERR_CRTL_ACTIVE) != 0;
  }
  e.protocol = (cls & CAN_ERR_PROT) != 0;
  e.transceiver = (cls & CAN_ERR_TRX) != 0;
  e.no_ack = (cls & CAN_ERR_ACK) != 0;
  e.bus_off = (cls & CAN_ERR_BUSOFF) != 0;
  e.bus_error = (cls & CAN_ERR_BUSERROR) != 0;
  e.restarted = (cls & CAN_ERR_RESTARTED) != 0;
  return e;
}

}  // namespace

IoResult write_frame(int fd, const victron::CanFrame& frame) {
  can_frame cf{};
  cf.can_id = frame.id & CAN_SFF_MASK;
  cf.can_dlc = frame.dlc > CAN_MAX_DLEN ? CAN_MAX_DLEN : frame.dlc;
  std::memcpy(cf.data, frame.data.data(), cf.can_dlc);
  const ssize_t n = ::write(fd, &cf, sizeof cf);
  if (n == static_cast<ssize_t>(sizeof cf)) return {};
  if (n < 0) return from_errno(errno, true);
  return {IoStatus::failed, EIO};  // a short write of a CAN frame does not happen
}

IoResult read_frame(int fd, RawRx& out) {
  can_frame cf{};
  const ssize_t n = ::read(fd, &cf, sizeof cf);
  if (n < 0) return from_errno(errno, false);
  out = RawRx{};
  if (n != static_cast<ssize_t>(sizeof cf)) return {};  // CAN FD frames: not ours
  if ((cf.can_id & CAN_ERR_FLAG) != 0) {
    out.kind = RawRx::Kind::error;
    out.error = decode_error(cf);
    return {};
  }
  if ((cf.can_id & (CAN_EFF_FLAG | CAN_RTR_FLAG)) != 0 || cf.can_dlc > CAN_MAX_DLEN) return {};
  out.kind = RawRx::Kind::data;
  out.frame.id = cf.can_id & CAN_SFF_MASK;
  out.frame.dlc = cf.can_dlc;
  std::memcpy(out.frame.data.data(), cf.data, cf.can_dlc);
  return {};
}

}  // namespace tbgw::platform::socketcan
