#include "platform/linux/can_backend_factory.hpp"

#include <boost/asio/io_context.hpp>

#include <charconv>
#include <initializer_list>

#include "platform/linux/can_log.hpp"
#include "platform/linux/can_slcan.hpp"
#include "platform/linux/can_socketcan.hpp"
#include "platform/linux/serial_port.hpp"

namespace tbgw::platform {

namespace {

constexpr std::size_t kMaxInterfaceName = 15;  // IFNAMSIZ - 1

// Built with append: GCC 12 warns (-Wrestrict, a false positive) on some chains of
// `const char* + std::string`.
std::string cat(std::initializer_list<std::string_view> parts) {
  std::string s;
  for (auto p : parts) s.append(p);
  return s;
}

bool fail(std::string& error, std::string_view spec, std::string_view why) {
  error = cat({"invalid --can '", spec, "': ", why, " (expected ", kCanSpecForms, ")"});
  return false;
}

bool valid_interface_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxInterfaceName) return false;
  for (char c : name) {
    if (c == '/' || c == ':' || c <= ' ' || c == 0x7F) return false;
  }
  return true;
}

}  // namespace

bool parse_can_spec(std::string_view spec, CanSpec& out, std::string& error) {
  const auto colon = spec.find(':');
  if (spec.empty()) return fail(error, spec, "empty");
  if (colon == std::string_view::npos) {
    return fail(error, spec, cat({"no backend prefix (did you mean socketcan:", spec, "?)"}));
  }
  const std::string_view kind = spec.substr(0, colon);
  const std::string_view target = spec.substr(colon + 1);
  CanSpec parsed;
  parsed.target = std::string(target);
  if (kind == "socketcan") {
    parsed.kind = CanSpec::Kind::socketcan;
    if (!valid_interface_name(target)) {
      return fail(error, spec,
                  cat({"'", target,
                       "' is not a network interface name (1-15 characters, no '/', ':' or "
                       "spaces)"}));
    }
  } else if (kind == "slcan") {
    parsed.kind = CanSpec::Kind::slcan;
    if (const auto at = target.rfind('@'); at != std::string_view::npos) {
      const std::string_view baud = target.substr(at + 1);
      int value = 0;
      const auto [end, ec] = std::from_chars(baud.data(), baud.data() + baud.size(), value);
      unsigned speed = 0;
      if (ec != std::errc{} || end != baud.data() + baud.size() || !baud_to_speed(value, speed)) {
        return fail(error, spec,
                    cat({"unsupported tty baud rate '", baud,
                         "' (9600, 19200, 38400, 57600, 115200, 230400)"}));
      }
      parsed.tty_baud = value;
      parsed.target = std::string(target.substr(0, at));
    }
    if (parsed.target.empty()) return fail(error, spec, "no serial device path");
  } else if (kind == "log") {
    parsed.kind = CanSpec::Kind::log;
    if (target.empty()) return fail(error, spec, "no file name (use log:- for stdout)");
  } else {
    return fail(error, spec, cat({"unknown backend '", kind, "'"}));
  }
  out = std::move(parsed);
  return true;
}

std::unique_ptr<CanBackend> make_can_backend(boost::asio::io_context& io, std::string_view spec,
                                             std::string& error, const CanBackendOptions& options) {
  CanSpec parsed;
  if (!parse_can_spec(spec, parsed, error)) return nullptr;
  switch (parsed.kind) {
    case CanSpec::Kind::socketcan:
      return std::make_unique<SocketCanBackend>(io, parsed.target);
    case CanSpec::Kind::slcan:
      return std::make_unique<SlcanBackend>(io, parsed.target, parsed.tty_baud);
    case CanSpec::Kind::log:
      if (!valid_interface_name(options.log_interface)) {
        error = cat({"invalid CAN log interface name '", options.log_interface, "'"});
        return nullptr;
      }
      return std::make_unique<CanLogBackend>(parsed.target, options.log_interface);
  }
  error = "unreachable --can kind";
  return nullptr;
}

}  // namespace tbgw::platform
