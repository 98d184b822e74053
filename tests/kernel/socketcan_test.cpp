// SocketCAN on a real Linux kernel: run by scripts/test-socketcan-qemu.sh inside a qemu guest
// (a Debian kernel with can, can-raw, can-dev and vcan; this binary statically linked in the
// initramfs) because the build machines' kernels have no CAN. The init script creates vcan0.
//
// The real SocketCanBackend on an Asio loop, driven by the real CanOutput, against a second raw
// socket on vcan0 playing the GX: frames arrive with their ids, data and order; the GX's
// 0x305/0x307 are reported; error frames (bus-off, restarted, error-passive, error-active,
// injected on vcan0 from the listener socket) drive health and counters; invalidated data stops
// the output; the interface going down, and being deleted and re-created, is survived.
// vcan cannot overflow a TX queue (it has none), so `full` is not exercised here.
//
// Prints one line per check and a last line "socketcan: N passed, M failed"; exits 1 on failure.
#include <linux/can.h>
#include <linux/can/error.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "integration/can_output_harness.hpp"
#include "platform/linux/can_output.hpp"
#include "platform/linux/can_socketcan.hpp"

namespace {

using namespace std::chrono_literals;
using tbgw::platform::CanHealth;
using tbgw::platform::CanOutput;
using tbgw::platform::CanOutputConfig;
using tbgw::platform::SocketCanBackend;
using tbgw::test::run_for;
using tbgw::test::run_until;
using tbgw::victron::CanFrame;

const char* const kIface = "vcan0";
int passed = 0;
int failed = 0;

void check(bool ok, const std::string& what) {
  std::printf("%s %s\n", ok ? "PASS" : "FAIL", what.c_str());
  std::fflush(stdout);
  (ok ? passed : failed)++;
}

// The health a check saw, printed after it (not built before the wait that changes it).
void note(const tbgw::platform::CanBackend& backend) {
  std::printf("     health %s: %s\n", to_string(backend.health().level),
              backend.health().reason.c_str());
}

void sh(const std::string& cmd) {
  if (std::system(cmd.c_str()) != 0) std::printf("command failed: %s\n", cmd.c_str());
}

// The GX side: a plain raw socket on vcan0, read without blocking from the loop's predicates.
class Listener {
 public:
  bool open() {
    close();
    fd_ = ::socket(PF_CAN, SOCK_RAW | SOCK_NONBLOCK, CAN_RAW);
    if (fd_ < 0) return false;
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, kIface, IFNAMSIZ - 1);
    if (::ioctl(fd_, SIOCGIFINDEX, &ifr) != 0) return false;
    sockaddr_can addr{};
    addr.can_family = AF_CAN;
    addr.can_ifindex = ifr.ifr_ifindex;
    return ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  ~Listener() { close(); }

  // Reads what is there (an ENETDOWN error is consumed like a frame would be).
  void drain() {
    can_frame cf{};
    while (fd_ >= 0) {
      const ssize_t n = ::read(fd_, &cf, sizeof cf);
      if (n < 0 && errno == ENETDOWN) continue;
      if (n != static_cast<ssize_t>(sizeof cf)) return;
      CanFrame f;
      f.id = cf.can_id & CAN_SFF_MASK;
      f.dlc = cf.can_dlc;
      std::memcpy(f.data.data(), cf.data, cf.can_dlc);
      frames.push_back(f);
    }
  }
  bool send(canid_t id, std::vector<std::uint8_t> data) {
    can_frame cf{};
    cf.can_id = id;
    cf.can_dlc = static_cast<std::uint8_t>(data.size());
    std::memcpy(cf.data, data.data(), data.size());
    return ::write(fd_, &cf, sizeof cf) == static_cast<ssize_t>(sizeof cf);
  }
  bool send_error(canid_t error_class, std::uint8_t controller_flags = 0) {
    std::vector<std::uint8_t> data(CAN_ERR_DLC, 0);
    data[1] = controller_flags;
    return send(CAN_ERR_FLAG | error_class, data);
  }

  std::vector<CanFrame> frames;

 private:
  int fd_ = -1;
};

CanFrame frame(std::uint32_t id, std::vector<std::uint8_t> bytes) {
  CanFrame f;
  f.id = id;
  f.dlc = static_cast<std::uint8_t>(bytes.size());
  for (std::size_t i = 0; i < bytes.size(); ++i) f.data[i] = bytes[i];
  return f;
}

bool same(const CanFrame& a, const CanFrame& b) {
  return a.id == b.id && a.dlc == b.dlc && std::memcmp(a.data.data(), b.data.data(), a.dlc) == 0;
}

}  // namespace

int main() {
  boost::asio::io_context io;
  Listener gx;
  check(gx.open(), "listener socket bound to vcan0");
  SocketCanBackend backend(io, kIface);
  CanOutput out(io, backend, CanOutputConfig{.period_ms = 100, .keepalive_period_ms = 100});
  const std::array<CanFrame, 4> set = {
      frame(0x355, {0x5A, 0x00, 0x64, 0x00}),
      frame(0x351, {0x38, 0x02, 0xE8, 0x03, 0xDC, 0x05, 0xB8, 0x01}),
      frame(0x356, {0x4C, 0x14, 0x00, 0x00, 0xFA, 0x00}), frame(0x35A, {0xAA, 0xAA, 0xAA, 0xAA})};
  const std::array<std::uint32_t, 4> order = {0x351, 0x355, 0x356, 0x35A};

  out.start();
  check(backend.health().level == CanHealth::ok, "health ok on vcan0");
  note(backend);

  // Frames through CanOutput arrive on the second socket, 0x351 first, data intact.
  check(out.update(set).ok(), "frame set accepted");
  const bool got = run_until(io, [&] {
    gx.drain();
    return gx.frames.size() >= 8;
  });
  bool order_ok = got;
  for (std::size_t i = 0; got && i < 8; ++i) {
    const auto& f = gx.frames[i];
    const auto* want = &set[0];
    for (const auto& s : set) {
      if (s.id == order[i % 4]) want = &s;
    }
    order_ok = order_ok && f.id == order[i % 4] && same(f, *want);
  }
  check(order_ok, "two cycles received in order 351,355,356,35A with their data");
  check(backend.stats().tx_frames >= 8, "tx_frames counted");

  // The GX's frames are reported.
  gx.send(0x305, std::vector<std::uint8_t>(8, 0));
  gx.send(0x307, {0x12, 0x34, 0x56, 0x78, 'V', 'I', 'C', 0});
  check(run_until(
            io, [&] { return out.gx().identifications_307 >= 1; }, 5s) &&
            out.gx().present && out.gx().keepalives_305 == 1,
        "GX seen from 0x305/0x307");

  // Error frames drive health and counters.
  gx.send_error(CAN_ERR_BUSOFF);
  check(run_until(
            io, [&] { return backend.stats().bus_off_events == 1; }, 5s) &&
            backend.health().level == CanHealth::error,
        "bus-off -> health error");
  note(backend);
  gx.send_error(CAN_ERR_RESTARTED);
  check(run_until(
            io, [&] { return backend.stats().restarts == 1; }, 5s) &&
            backend.health().level == CanHealth::ok,
        "restarted -> health ok, restarts counted");
  gx.send_error(CAN_ERR_CRTL, CAN_ERR_CRTL_TX_PASSIVE);
  check(run_until(
            io, [&] { return backend.health().level == CanHealth::warning; }, 5s),
        "error-passive -> health warning");
  note(backend);
  gx.send_error(CAN_ERR_CRTL, CAN_ERR_CRTL_ACTIVE);
  check(run_until(
            io, [&] { return backend.health().level == CanHealth::ok; }, 5s),
        "error-active -> health ok");
  check(backend.stats().error_frames == 4, "error_frames = 4");

  // Stale data: nothing more on the bus.
  out.invalidate();
  run_for(io, 30ms);  // a frame already due may still leave
  gx.drain();
  gx.frames.clear();
  run_for(io, 350ms);
  gx.drain();
  check(gx.frames.empty(), "nothing sent after invalidate()");

  // Interface down: error, then back when it comes up; frames flow again.
  sh(std::string("ip link set ") + kIface + " down");
  check(run_until(
            io, [&] { return backend.health().level == CanHealth::error; }, 5s),
        "interface down -> health error");
  note(backend);
  sh(std::string("ip link set ") + kIface + " up");
  check(run_until(
            io, [&] { return backend.health().level == CanHealth::ok; }, 10s),
        "interface up again -> health ok");
  check(out.update(set).ok(), "frame set accepted again");
  gx.frames.clear();
  check(run_until(io,
                  [&] {
                    gx.drain();
                    return gx.frames.size() >= 4;
                  }),
        "frames flow after the interface came back");

  // Interface deleted and re-created: the socket is reopened, not reused.
  const auto reopens = backend.stats().reopens;
  sh(std::string("ip link del ") + kIface);
  check(run_until(
            io, [&] { return backend.health().level == CanHealth::error; }, 5s),
        "interface deleted -> health error");
  note(backend);
  sh(std::string("ip link add dev ") + kIface + " type vcan && ip link set " + kIface + " up");
  check(run_until(
            io, [&] { return backend.health().level == CanHealth::ok; }, 10s) &&
            backend.stats().reopens > reopens,
        "interface re-created -> reopened, health ok");
  gx.open();
  gx.frames.clear();
  check(run_until(io,
                  [&] {
                    gx.drain();
                    return gx.frames.size() >= 4;
                  }),
        "frames flow on the re-created interface");

  out.stop();
  const auto& s = out.stats();
  std::printf(
      "cadence: %llu samples, mean %.0f us, max |jitter| %lld us; frames sent %llu, "
      "errors %llu\n",
      static_cast<unsigned long long>(s.cadence.samples), s.cadence.mean_us,
      static_cast<long long>(s.cadence.max_abs_jitter_us),
      static_cast<unsigned long long>(s.frames_sent),
      static_cast<unsigned long long>(s.frames_error));
  std::printf("socketcan: %d passed, %d failed\n", passed, failed);
  std::fflush(stdout);
  return failed == 0 ? 0 : 1;
}
