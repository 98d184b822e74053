#include "app/service/config_loader.hpp"

#include <fstream>
#include <sstream>
#include <string_view>

#include "core/config/config_schema.hpp"
#include "core/config/config_validate.hpp"
#include "platform/linux/config_json.hpp"
#include "platform/linux/config_store.hpp"
#include "platform/linux/config_text.hpp"

namespace tbgw::app {

namespace {

bool read_file(const std::string& path, std::string& text) {
  std::ifstream in(path);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  text = ss.str();
  return true;
}

Err<ConfigLoadError> fail(ConfigLoadErrc what, const std::vector<std::string>& lines) {
  ConfigLoadError e;
  e.what = what;
  for (const auto& line : lines) e.problems.add(line);
  return Err(e);
}

}  // namespace

const char* to_string(ConfigLoadErrc e) {
  switch (e) {
    case ConfigLoadErrc::unreadable_file:
      return "cannot read the config file";
    case ConfigLoadErrc::bad_file:
      return "config file refused";
    case ConfigLoadErrc::bad_flags:
      return "option refused";
    case ConfigLoadErrc::two_bms_services:
      return "two BMS services on one GX";
  }
  return "configuration refused";
}

std::string to_string(const ConfigLoadError& e) {
  return e.problems.empty() ? to_string(e.what) : e.problems.joined();
}

Result<LoadedConfig, ConfigLoadError> load_file_config(const Options& options,
                                                       const std::filesystem::path& state_dir) {
  LoadedConfig out;
  std::error_code ec;
  if (std::filesystem::exists(state_dir / "config.json", ec)) {
    platform::ConfigStore store(state_dir);
    auto loaded = store.load();
    out.config = loaded.config;
    out.source = store.config_path().string();
    if (loaded.degraded()) out.warnings.push_back(loaded.summary());
    for (const auto& p : loaded.problems) out.warnings.push_back(p);
  } else if (!options.config_file.empty()) {
    std::string text;
    if (!read_file(options.config_file, text)) {
      return fail(ConfigLoadErrc::unreadable_file,
                  {"cannot read config file " + options.config_file});
    }
    const auto parsed = platform::config_from_json(text);
    if (!parsed) {
      return fail(ConfigLoadErrc::bad_file,
                  parsed.error().problems.lines(options.config_file + ": "));
    }
    out.config = parsed->config;
    out.source = options.config_file;
  } else {
    out.source = "defaults";
  }
  return out;
}

Result<LoadedConfig, ConfigLoadError> load_config(const Options& options,
                                                  const std::filesystem::path& state_dir) {
  auto file = load_file_config(options, state_dir);
  if (!file) return file;
  LoadedConfig out = std::move(*file);
  out.can_backend_named = out.config.can_backend.view() != config::defaults().can_backend.view();

  // Flags: one batch through the schema, all or nothing.
  std::vector<config::ConfigSetting> flags;
  const auto& f = options.flags;
  if (f.serial) flags.push_back({"serial.port", std::string_view(*f.serial)});
  if (f.baud) flags.push_back({"serial.baud", std::int64_t{*f.baud}});
  if (f.can) flags.push_back({"can.backend", std::string_view(*f.can)});
  if (f.poll_interval_ms) flags.push_back({"poll.live_interval_ms", *f.poll_interval_ms});
  if (f.response_timeout_ms) {
    flags.push_back({"poll.response_timeout_ms", *f.response_timeout_ms});
  }
  if (f.log_level) flags.push_back({"log.level", std::string_view(*f.log_level)});
  if (f.http) flags.push_back({"http.listen", std::string_view(*f.http)});
  if (f.mqtt) flags.push_back({"mqtt.url", std::string_view(*f.mqtt)});
  if (f.dbus) flags.push_back({"venus.enabled", true});
  if (!flags.empty()) {
    const auto errors = config::apply_settings(out.config, flags);
    if (!errors.ok()) return fail(ConfigLoadErrc::bad_flags, platform::describe(errors));
  }
  if (f.can) out.can_backend_named = true;
  // Issue 12: the D-Bus battery service and a CAN-BMS output on a real bus make two BMSs when
  // both reach the same GX ("multiple batteries"); --simulate uses a log unless CAN was named.
  const std::string_view can = out.config.can_backend.view();
  const bool real_can = can.starts_with("socketcan:") || can.starts_with("slcan:");
  if (out.config.venus_enabled && real_can && !out.config.venus_not_same_gx_as_can &&
      (!options.simulate || out.can_backend_named)) {
    return fail(ConfigLoadErrc::two_bms_services,
                {"venus.enabled with can.backend " + std::string(can) +
                 ": two BMS services on one GX; set can.backend to log:/dev/null, or "
                 "venus.not_same_gx_as_can = true if the CAN output feeds another GX"});
  }
  return out;
}

}  // namespace tbgw::app
