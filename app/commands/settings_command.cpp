// `tinybms-gw settings`: read every TinyBMS setting, optionally write some, and prove the write
// by reading it back. For installers copying a configuration from one site to the next, and
// the end-to-end test of the settings write path.
//
//   tinybms-gw settings --serial /dev/ttyUSB0
//   tinybms-gw settings --serial /dev/ttyUSB0 --set over_voltage_cutoff_per_cell=3650 --set
//   316=2800
//
// Values are raw register units (the unit column of the listing: mV for cell voltages, 0.01 Ah
// for the capacity). Each value is range-checked before the port is opened; the whole set is
// checked against the other settings (check_settings_consistency) once they have been read,
// before anything is written. Exit status: 0 done (and verified), 1 the BMS did not answer or a
// value did not read back, 2 a bad --set or a set that conflicts (nothing is written then).
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <charconv>
#include <cstdio>
#include <variant>
#include <vector>

#include "app/run.hpp"
#include "app/service/bms_link.hpp"
#include "app/service/config_loader.hpp"
#include "app/service/event_format.hpp"
#include "app/service/gateway_config_map.hpp"
#include "app/service/sim_setup.hpp"
#include "core/config/to_poller_config.hpp"
#include "core/tinybms/bms_settings.hpp"
#include "core/tinybms/registers.hpp"
#include "core/tinybms/settings_consistency.hpp"
#include "platform/linux/config_store.hpp"

namespace tbgw::app {

namespace {

constexpr int kAnswerTimeoutS = 15;

bool parse_assignment(const std::string& text, tinybms::RegisterWrite& out, std::string& error) {
  const auto eq = text.find('=');
  if (eq == std::string::npos) {
    error = "'" + text + "': expected NAME=VALUE or REGISTER=VALUE";
    return false;
  }
  const std::string key = text.substr(0, eq);
  const std::string value = text.substr(eq + 1);
  const tinybms::RegisterInfo* info = tinybms::find_register(std::string_view(key));
  if (info == nullptr) {
    unsigned address = 0;
    const auto [p, ec] = std::from_chars(key.data(), key.data() + key.size(), address);
    if (ec == std::errc() && p == key.data() + key.size() && address < 65536) {
      info = tinybms::find_register(static_cast<std::uint16_t>(address));
    }
  }
  if (info == nullptr || !info->writable()) {
    error = "'" + key + "' is not a writable TinyBMS setting (see the listing for names)";
    return false;
  }
  long raw = 0;
  const auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), raw);
  if (ec != std::errc() || p != value.data() + value.size() || raw < -32768 || raw > 65535) {
    error = "'" + value + "' is not an integer register value for " + std::string(info->name);
    return false;
  }
  out = {info->address, static_cast<std::uint16_t>(raw)};
  // The range check that names min and max; the poller repeats it before anything is sent.
  if (info->type != tinybms::RegType::u8_low && info->type != tinybms::RegType::u32_lo &&
      info->type != tinybms::RegType::u32_hi) {
    auto ok = tinybms::validate_setting_write(out.address, out.value);
    if (!ok.ok()) {
      const auto& r = ok.error();
      error = fmt::format("{} = {} refused: {} (allowed {} to {} {})", info->name, raw,
                          tinybms::to_string(r.error), r.range.min, r.range.max,
                          info->scale == 1.0 ? std::string(info->unit)
                                             : fmt::format("x {} {}", info->scale, info->unit));
      return false;
    }
  }
  return true;
}

void print_settings(const tinybms::RegisterBank& bank) {
  std::printf("%-5s %-44s %8s  %-10s %s\n", "reg", "name", "raw", "unit", "range");
  for (const auto& info : tinybms::all_registers()) {
    if (info.group != tinybms::RegisterGroup::settings) continue;
    const auto raw = bank.get(info.address);
    const std::string unit =
        info.scale == 1.0 ? std::string(info.unit) : fmt::format("{} {}", info.scale, info.unit);
    const std::string range = info.writable()
                                  ? fmt::format("{}..{}", info.range.min, info.range.max)
                                  : std::string("read-only");
    std::printf("%-5u %-44.*s %8s  %-10s %s\n", info.address, static_cast<int>(info.name.size()),
                info.name.data(), raw ? std::to_string(*raw).c_str() : "-", unit.c_str(),
                range.c_str());
  }
}

}  // namespace

int run_settings_command(const Options& options) {
  std::vector<tinybms::RegisterWrite> writes;
  for (const auto& text : options.settings_assignments) {
    tinybms::RegisterWrite w{};
    std::string error;
    if (!parse_assignment(text, w, error)) {
      std::fprintf(stderr, "tinybms-gw settings: %s\n", error.c_str());
      return 2;
    }
    writes.push_back(w);
  }

  const auto load = load_config(options, platform::default_state_dir(options.state_dir));
  if (!load) {
    for (const auto& e : load.error().problems.lines()) {
      std::fprintf(stderr, "tinybms-gw: %s\n", e.c_str());
    }
    return 2;
  }
  const LoadedConfig& loaded = *load;
  boost::asio::io_context io;
  std::unique_ptr<sim::SimulatorHost> simulator;
  std::string serial_path(loaded.config.serial_port.view());
  if (options.simulate) {
    auto started = start_simulator(io, options.sim);
    if (!started) {
      std::fprintf(stderr, "tinybms-gw settings: cannot start the simulator: %s\n",
                   platform::to_string(started.error()).c_str());
      return 1;
    }
    simulator = std::move(*started);
    serial_path = simulator->device_path();
  } else if (serial_path.empty()) {
    std::fprintf(stderr, "tinybms-gw settings: give --serial PATH or --simulate\n");
    return 2;
  }

  int exit_code = 1;
  bool settings_seen = false;
  std::unique_ptr<BmsLink> link;
  auto finish = [&](int code) {
    exit_code = code;
    link->stop();
    io.stop();
  };
  link = std::make_unique<BmsLink>(
      io, serial_path, loaded.config.serial_baud, config::to_poller_config(loaded.config),
      [&](const tinybms::PollerEvent& event) {
        if (std::holds_alternative<tinybms::BmsSettings>(event) && !settings_seen) {
          settings_seen = true;
          print_settings(link->poller().registers());
          if (writes.empty()) return finish(0);
          const auto consistent = tinybms::check_settings_consistency(
              link->poller().registers(), writes, consistency_limits_from(loaded.config));
          if (!consistent.ok()) {
            std::fprintf(stderr, "tinybms-gw settings: refused, nothing was written: %s\n",
                         tinybms::describe(consistent.error()).c_str());
            return finish(2);
          }
          auto queued = link->write_settings(writes);
          if (!queued.ok()) {
            std::fprintf(stderr, "tinybms-gw settings: write refused: %s\n",
                         tinybms::to_string(queued.error()));
            return finish(2);
          }
        } else if (const auto* result = std::get_if<tinybms::SettingsWriteResult>(&event)) {
          for (std::size_t i = 0; i < result->count; ++i) {
            const auto& item = result->items[i];
            const auto change =
                tinybms::describe_change(item.address, item.old_raw, item.readback_raw);
            std::printf("%-44.*s %s -> %u (read back %s) %s\n",
                        static_cast<int>(change.name.size()), change.name.data(),
                        item.old_known ? std::to_string(item.old_raw).c_str() : "?",
                        item.requested_raw,
                        item.read_back ? std::to_string(item.readback_raw).c_str() : "none",
                        item.verified ? "verified" : "NOT VERIFIED");
          }
          std::printf("write %s\n", tinybms::to_string(result->status));
          finish(result->status == tinybms::WriteStatus::verified ? 0 : 1);
        }
      });

  boost::asio::steady_timer deadline(io);
  deadline.expires_after(std::chrono::seconds(kAnswerTimeoutS));
  deadline.async_wait([&](const boost::system::error_code& ec) {
    if (ec) return;
    std::fprintf(stderr, "tinybms-gw settings: no complete answer from the TinyBMS on %s in %d s\n",
                 serial_path.c_str(), kAnswerTimeoutS);
    finish(1);
  });
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (!ec) finish(1);
  });
  link->start();
  io.run();
  return exit_code;
}

}  // namespace tbgw::app
