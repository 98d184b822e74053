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

bool valid_interface_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxInterfaceName) return false;
  for (char c : name) {
    if (c == '/' || c == ':' || c <= ' ' || c == 0x7F) return false;
  }
  return true;
}

}  // namespace

const char* to_string(CanSpecErrc e) {
  switch (e) {
    case CanSpecErrc::empty:
      return "empty";
    case CanSpecErrc::no_prefix:
      return "no backend prefix";
    case CanSpecErrc::bad_interface:
      return "not a network interface name";
    case CanSpecErrc::bad_baud:
      return "unsupported tty baud rate";
    case CanSpecErrc::no_device:
      return "no serial device path";
    case CanSpecErrc::no_file:
      return "no file name (use log:- for stdout)";
    case CanSpecErrc::unknown_backend:
      return "unknown backend";
    case CanSpecErrc::bad_log_interface:
      return "invalid CAN log interface name";
  }
  return "invalid CAN backend";
}

std::string to_string(const CanSpecError& e) {
  const std::string_view detail = e.detail.view();
  std::string why;
  switch (e.what) {
    case CanSpecErrc::no_prefix:
      why = cat({"no backend prefix (did you mean socketcan:", detail, "?)"});
      break;
    case CanSpecErrc::bad_interface:
      why = cat({"'", detail,
                 "' is not a network interface name (1-15 characters, no '/', ':' or spaces)"});
      break;
    case CanSpecErrc::bad_baud:
      why = cat(
          {"unsupported tty baud rate '", detail, "' (9600, 19200, 38400, 57600, 115200, 230400)"});
      break;
    case CanSpecErrc::unknown_backend:
      why = cat({"unknown backend '", detail, "'"});
      break;
    case CanSpecErrc::bad_log_interface:  // an option of the program, not the user's value
      return cat({"invalid CAN log interface name '", detail, "'"});
    case CanSpecErrc::empty:
    case CanSpecErrc::no_device:
    case CanSpecErrc::no_file:
      why = to_string(e.what);
      break;
  }
  return cat({why, " (expected ", kCanSpecForms, ")"});
}

Result<CanSpec, CanSpecError> parse_can_spec(std::string_view spec) {
  const auto colon = spec.find(':');
  if (spec.empty()) return make_error(CanSpecErrc::empty);
  if (colon == std::string_view::npos) return make_error(CanSpecErrc::no_prefix, 0, spec);
  const std::string_view kind = spec.substr(0, colon);
  const std::string_view target = spec.substr(colon + 1);
  CanSpec parsed;
  parsed.target = std::string(target);
  if (kind == "socketcan") {
    parsed.kind = CanSpec::Kind::socketcan;
    if (!valid_interface_name(target)) return make_error(CanSpecErrc::bad_interface, 0, target);
  } else if (kind == "slcan") {
    parsed.kind = CanSpec::Kind::slcan;
    if (const auto at = target.rfind('@'); at != std::string_view::npos) {
      const std::string_view baud = target.substr(at + 1);
      int value = 0;
      const auto [end, ec] = std::from_chars(baud.data(), baud.data() + baud.size(), value);
      unsigned speed = 0;
      if (ec != std::errc{} || end != baud.data() + baud.size() || !baud_to_speed(value, speed)) {
        return make_error(CanSpecErrc::bad_baud, 0, baud);
      }
      parsed.tty_baud = value;
      parsed.target = std::string(target.substr(0, at));
    }
    if (parsed.target.empty()) return make_error(CanSpecErrc::no_device);
  } else if (kind == "log") {
    parsed.kind = CanSpec::Kind::log;
    if (target.empty()) return make_error(CanSpecErrc::no_file);
  } else {
    return make_error(CanSpecErrc::unknown_backend, 0, kind);
  }
  return parsed;
}

Result<std::unique_ptr<CanBackend>, CanSpecError> make_can_backend(
    boost::asio::io_context& io, std::string_view spec, const CanBackendOptions& options) {
  auto parsed = parse_can_spec(spec);
  if (!parsed) return Err(parsed.error());
  switch (parsed->kind) {
    case CanSpec::Kind::socketcan:
      return std::unique_ptr<CanBackend>(std::make_unique<SocketCanBackend>(io, parsed->target));
    case CanSpec::Kind::slcan:
      return std::unique_ptr<CanBackend>(
          std::make_unique<SlcanBackend>(io, parsed->target, parsed->tty_baud));
    case CanSpec::Kind::log:
      if (!valid_interface_name(options.log_interface)) {
        return make_error(CanSpecErrc::bad_log_interface, 0, options.log_interface);
      }
      return std::unique_ptr<CanBackend>(
          std::make_unique<CanLogBackend>(parsed->target, options.log_interface));
  }
  return make_error(CanSpecErrc::unknown_backend, 0, spec);
}

}  // namespace tbgw::platform
