// MQTT commands: BASE/DEVICE_ID/cmd/<name> with a JSON payload, answered on .../result.
//
// parse_command() is strict, pure and bounded: the payload must be at most kMaxPayload bytes
// of JSON, an object with exactly the keys the command takes (an empty payload stands for {}),
// so a typo is an error, never a guess. Commands:
//   ack_alert        {"id":"<alert key>"} or {"id":"all"}
//   reset_energy     {"confirm":true}
//   reread_settings  {}
// RateLimiter is a token bucket (1 command/s, burst 5 by default) shared by all commands, so a
// flood on the command topics cannot keep the loop busy or churn the BMS link.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/msg/alert_changed.hpp"
#include "core/util/time.hpp"

namespace tbgw::app::mqtt {

inline constexpr std::size_t kMaxCommandPayload = 1024;

enum class CommandKind { ack_alert, ack_all_alerts, reset_energy, reread_settings };

struct Command {
  CommandKind kind = CommandKind::reread_settings;
  msg::AlertId alert = msg::AlertId::cell_high;  // ack_alert
};

struct CommandParse {
  std::optional<Command> command;
  std::string error;  // set when !command
};

CommandParse parse_command(std::string_view name, std::string_view payload);

// {"ok":true} or {"ok":false,"error":"..."}
std::string command_result_json(bool ok, std::string_view error);

class RateLimiter {
 public:
  RateLimiter(double per_second = 1.0, double burst = 5.0)
      : per_ms_(per_second / 1000.0), burst_(burst), tokens_(burst) {}
  // True (and one token spent) when a command may run at now_ms.
  bool allow(Millis now_ms);

 private:
  double per_ms_;
  double burst_;
  double tokens_;
  Millis last_ms_ = 0;
  bool started_ = false;
};

}  // namespace tbgw::app::mqtt
