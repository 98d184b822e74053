// SystemdNotify against a real Unix datagram socket standing in for systemd: the fixture binds
// a socket in a temp dir, points NOTIFY_SOCKET at it and reads back the exact datagrams that
// systemd would see. Without NOTIFY_SOCKET every call must be a silent no-op.
#include "platform/linux/systemd_notify.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace tbgw::test {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using platform::SystemdNotify;

class SystemdNotifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "tbgw-notify-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    socket_path_ = (dir_ / "notify").string();
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    ASSERT_GE(fd_, 0) << std::strerror(errno);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    ASSERT_LT(socket_path_.size(), sizeof addr.sun_path);
    std::memcpy(addr.sun_path, socket_path_.c_str(), socket_path_.size() + 1);
    ASSERT_EQ(::bind(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0)
        << std::strerror(errno);
    ::unsetenv("NOTIFY_SOCKET");
    ::unsetenv("WATCHDOG_USEC");
    ::unsetenv("WATCHDOG_PID");
  }

  void TearDown() override {
    ::unsetenv("NOTIFY_SOCKET");
    ::unsetenv("WATCHDOG_USEC");
    ::unsetenv("WATCHDOG_PID");
    if (fd_ >= 0) ::close(fd_);
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void under_systemd() { ::setenv("NOTIFY_SOCKET", socket_path_.c_str(), 1); }

  // The next datagram; the 5 s deadline is a failure guard (the send is synchronous, so the
  // datagram is already queued when the call returns).
  std::optional<std::string> receive() {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 5000) != 1) return std::nullopt;
    char buf[512];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n < 0) return std::nullopt;
    return std::string(buf, static_cast<size_t>(n));
  }

  // True when nothing is queued right now (no waiting: a send would already be queued).
  bool nothing_queued() {
    char buf[16];
    return ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT) < 0 && errno == EAGAIN;
  }

  fs::path dir_;
  std::string socket_path_;
  int fd_ = -1;
  SystemdNotify notify_;
};

struct Case {
  const char* name;
  std::function<bool(SystemdNotify&)> call;
  const char* datagram;
};

const Case kCases[] = {
    {"ready", [](SystemdNotify& n) { return n.ready(); }, "READY=1"},
    {"watchdog_ping", [](SystemdNotify& n) { return n.watchdog_ping(); }, "WATCHDOG=1"},
    {"stopping", [](SystemdNotify& n) { return n.stopping(); }, "STOPPING=1"},
    {"status", [](SystemdNotify& n) { return n.status("link up, 16 cells"); },
     "STATUS=link up, 16 cells"},
    {"status_multiline", [](SystemdNotify& n) { return n.status("a\nb\r\nc"); }, "STATUS=a b  c"},
};

TEST_F(SystemdNotifyTest, GivenNotifySocket_WhenEachCall_ThenSystemdGetsTheExactDatagram) {
  under_systemd();
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    EXPECT_TRUE(c.call(notify_));
    EXPECT_EQ(receive(), std::optional<std::string>(c.datagram));
  }
}

TEST_F(SystemdNotifyTest, GivenNoNotifySocket_WhenEachCall_ThenNothingIsSentAndNoError) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    EXPECT_FALSE(c.call(notify_));
  }
  EXPECT_TRUE(nothing_queued());
}

TEST_F(SystemdNotifyTest, GivenNotifySocketThatDoesNotExist_WhenReady_ThenReturnsFalse) {
  const std::string missing = (dir_ / "missing").string();
  ::setenv("NOTIFY_SOCKET", missing.c_str(), 1);
  EXPECT_FALSE(notify_.ready());
}

TEST_F(SystemdNotifyTest, GivenWatchdogForThisProcess_WhenInterval_ThenItIsWatchdogUsec) {
  ::setenv("WATCHDOG_USEC", "30000000", 1);
  ::setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1);
  EXPECT_EQ(notify_.watchdog_interval(), std::optional<std::chrono::microseconds>(30s));
}

TEST_F(SystemdNotifyTest, GivenWatchdogUsecWithoutPid_WhenInterval_ThenItIsWatchdogUsec) {
  ::setenv("WATCHDOG_USEC", "2000000", 1);
  EXPECT_EQ(notify_.watchdog_interval(), std::optional<std::chrono::microseconds>(2s));
}

TEST_F(SystemdNotifyTest, GivenNoWatchdog_WhenInterval_ThenNullopt) {
  EXPECT_EQ(notify_.watchdog_interval(), std::nullopt);
}

TEST_F(SystemdNotifyTest, GivenWatchdogForAnotherProcess_WhenInterval_ThenNullopt) {
  ::setenv("WATCHDOG_USEC", "30000000", 1);
  ::setenv("WATCHDOG_PID", std::to_string(::getppid()).c_str(), 1);
  EXPECT_EQ(notify_.watchdog_interval(), std::nullopt);
}

}  // namespace
}  // namespace tbgw::test
