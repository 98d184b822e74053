#include "platform/linux/can_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "platform/linux/clock.hpp"

namespace tbgw::platform {

namespace {

constexpr char kHex[] = "0123456789ABCDEF";

std::string errno_text(int err) {
  char buf[128] = {};
  return ::strerror_r(err, buf, sizeof buf);
}

std::int64_t wall_clock_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

CandumpLine format_candump_line(const victron::CanFrame& frame, std::int64_t unix_us,
                                std::string_view interface_name) {
  CandumpLine out;
  auto put = [&out](char c) { out.text[out.len++] = c; };
  const auto seconds = unix_us / 1'000'000;
  const auto micros = unix_us % 1'000'000;
  // "(" seconds "." 6 digits ") ": at most 1 + 20 + 1 + 6 + 2 = 30 characters.
  const int n = std::snprintf(out.text.data(), 32, "(%lld.%06lld) ",
                              static_cast<long long>(seconds), static_cast<long long>(micros));
  out.len = n > 0 ? static_cast<std::size_t>(n) : 0;
  for (char c : interface_name.substr(0, CandumpLine::kMaxInterfaceName)) put(c);
  put(' ');
  const unsigned id = frame.id & victron::CanFrame::kMaxStandardId;
  put(kHex[(id >> 8) & 0xF]);
  put(kHex[(id >> 4) & 0xF]);
  put(kHex[id & 0xF]);
  put('#');
  const unsigned dlc = frame.dlc > 8 ? 8U : frame.dlc;
  for (unsigned i = 0; i < dlc; ++i) {
    put(kHex[frame.data[i] >> 4]);
    put(kHex[frame.data[i] & 0xF]);
  }
  put('\n');  // 30 + 15 + 1 + 4 + 16 + 1 = 67 < 80
  return out;
}

CanLogBackend::CanLogBackend(std::string path, std::string interface_name)
    : path_(std::move(path)), interface_name_(std::move(interface_name)) {}

CanLogBackend::~CanLogBackend() {
  close_file();
}

std::string CanLogBackend::describe() const {
  return "candump log to " + (path_ == kStdout ? std::string("stdout") : path_) + " as " +
         interface_name_;
}

void CanLogBackend::start() {
  if (fd_ >= 0) return;
  if (path_ == kStdout) {
    fd_ = STDOUT_FILENO;
    owns_fd_ = false;
  } else {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      const int err = errno;
      set_health(CanHealth::failed, "cannot open CAN log " + path_ + ": " + errno_text(err));
      return;
    }
    owns_fd_ = true;
  }
  ++stats_.reopens;
  set_health(CanHealth::ok, describe());
}

void CanLogBackend::stop() {
  close_file();
  set_health(CanHealth::error, "stopped");
}

void CanLogBackend::close_file() {
  if (fd_ >= 0 && owns_fd_) ::close(fd_);
  fd_ = -1;
  owns_fd_ = false;
}

CanSendResult CanLogBackend::send(const victron::CanFrame& frame, Millis deadline_ms) {
  if (fd_ < 0) {
    ++stats_.tx_errors;
    return CanSendResult::error;
  }
  if (now_ms() > deadline_ms) {
    ++stats_.tx_expired;
    return CanSendResult::error;
  }
  const auto line = format_candump_line(frame, wall_clock_us(), interface_name_);
  std::size_t done = 0;
  while (done < line.len) {
    const ssize_t n = ::write(fd_, line.text.data() + done, line.len - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ++stats_.tx_errors;
      set_health(CanHealth::error, "cannot write CAN log " + path_ + ": " + errno_text(err));
      return CanSendResult::error;
    }
    done += static_cast<std::size_t>(n);
  }
  ++stats_.tx_frames;
  if (health().level != CanHealth::ok) set_health(CanHealth::ok, describe());
  return CanSendResult::queued;
}

}  // namespace tbgw::platform
