// CanLogBackend: "sends" frames by appending them to a file or stdout in the can-utils
// `candump -L` line format, for the simulator default and for installers who want to see what
// the gateway would put on the bus without having one:
//     (1700000000.123456) can0 351#2802E803DC05B801
// Wall-clock seconds with 6 digits of microseconds, the interface name (configurable; can0 by
// default), the 3-digit uppercase hex id, '#', and the dlc bytes as uppercase hex. Such a file
// replays with `canplayer -I FILE` and reads with python-can's CanutilsLogReader.
//
// Each line is one write(2) on a descriptor opened with O_APPEND: the file is line-buffered
// without stdio, a reader (`tail -f`) never sees half a line, and a second writer cannot
// interleave within a line. A write error (disk full) is counted and reported in health; the
// next frame tries again. Nothing is ever received. Opening a file that cannot be created is a
// configuration error (health failed). Writes to a regular file do not block the loop in
// practice; stdout piped to a consumer that stops reading would (use a file then).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "platform/linux/can_backend.hpp"

namespace tbgw::platform {

// One candump -L line with its trailing '\n', built without allocation. The interface name is
// cut to kMaxInterfaceName characters (Linux's limit, IFNAMSIZ - 1).
struct CandumpLine {
  static constexpr std::size_t kMaxInterfaceName = 15;
  std::array<char, 80> text{};
  std::size_t len = 0;
  std::string_view view() const { return std::string_view(text.data(), len); }
};
// `unix_us` is microseconds since the Unix epoch (wall clock).
CandumpLine format_candump_line(const victron::CanFrame& frame, std::int64_t unix_us,
                                std::string_view interface_name);

class CanLogBackend final : public CanBackend {
 public:
  static constexpr std::string_view kStdout = "-";

  explicit CanLogBackend(std::string path, std::string interface_name = "can0");
  ~CanLogBackend() override;

  void start() override;
  void stop() override;
  CanSendResult send(const victron::CanFrame& frame, Millis deadline_ms) override;
  std::string describe() const override;

  const std::string& path() const { return path_; }
  const std::string& interface_name() const { return interface_name_; }

 private:
  void close_file();

  std::string path_;
  std::string interface_name_;
  int fd_ = -1;
  bool owns_fd_ = false;
};

}  // namespace tbgw::platform
