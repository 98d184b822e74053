// tinybms-gw: entry point. Parses the command line and hands over to the gateway run loop
// (run_gateway.cpp) or to the `settings` tool (settings_command.cpp).
#include <CLI/CLI.hpp>

#include <cstdio>

#include "app/options.hpp"
#include "app/run.hpp"
#include "platform/linux/logging.hpp"

int main(int argc, char** argv) {
  using tbgw::app::Options;
  Options opt;
  CLI::App cli{"tinybms-gw: TinyBMS gateway (Victron CAN, MQTT, web)", "tinybms-gw"};
  cli.set_version_flag("--version", "tinybms-gw 0.1.0");

  auto add_link_options = [&opt](CLI::App& app) {
    app.add_option("--serial", opt.serial_path,
                   "TinyBMS serial port (e.g. /dev/serial/by-id/usb-...-port0 or /dev/pts/N)");
    app.add_flag("--simulate", opt.simulate,
                 "run against the built-in TinyBMS simulator (in-process, over a pty)");
    app.add_option("--baud", opt.baud, "serial speed in bit/s (the TinyBMS uses 115200)")
        ->check(CLI::IsMember({9600, 19200, 38400, 57600, 115200, 230400}));
    app.add_option("--log-level", opt.log_level, "trace, debug, info, warn, error, off")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
    app.add_option("--sim-cells", opt.sim.cells, "simulator: series cells")
        ->check(CLI::Range(4, 16));
    app.add_option("--sim-seed", opt.sim.seed, "simulator: random seed");
    app.add_option("--sim-scenario", opt.sim.scenario_file, "simulator: load scenario file")
        ->check(CLI::ExistingFile);
    app.add_option("--sim-time-factor", opt.sim.time_factor, "simulator: model seconds per second")
        ->check(CLI::Range(0.1, 10000.0));
    app.add_option("--sim-soc", opt.sim.initial_soc_pct, "simulator: initial SOC in %")
        ->check(CLI::Range(0.0, 100.0));
    app.add_option("--sim-current", opt.sim.current_a,
                   "simulator: constant current in A (positive = charging)")
        ->check(CLI::Range(-500.0, 500.0));
    app.add_flag("--sim-solar-day", opt.sim.solar_day,
                 "simulator: built-in solar day profile (charge by day, discharge at night)");
  };
  add_link_options(cli);
  cli.add_option("--poll-interval-ms", opt.poller.live_interval_ms, "live refresh period in ms")
      ->check(CLI::Range(100, 60000));
  cli.add_option("--response-timeout-ms", opt.poller.response_timeout_ms,
                 "time to wait for a reply in ms")
      ->check(CLI::Range(20, 5000));
  cli.add_option("--summary-interval-s", opt.summary_interval_s,
                 "log a snapshot summary this often in s (0 = never)")
      ->check(CLI::Range(0, 86400));
  cli.add_flag("--print-snapshots", opt.print_snapshots,
               "print every decoded snapshot as one JSON line on stdout");
  cli.add_option("--exit-after-snapshots", opt.exit_after_snapshots,
                 "exit 0 after this many snapshots (0 = run until stopped)")
      ->check(CLI::NonNegativeNumber);

  CLI::App* settings = cli.add_subcommand(
      "settings", "read the TinyBMS settings, optionally write some, verify by read-back, exit");
  add_link_options(*settings);
  settings->add_option("--set", opt.settings_assignments,
                       "NAME=VALUE or REGISTER=VALUE in the register's raw unit (repeatable)");

  CLI11_PARSE(cli, argc, argv);

  if (!tbgw::platform::init_logging(opt.log_level)) {
    std::fprintf(stderr, "invalid --log-level %s\n", opt.log_level.c_str());
    return 2;
  }
  if (opt.serial_path.empty() == !opt.simulate) {
    std::fprintf(stderr,
                 "tinybms-gw: give exactly one of --serial PATH (a TinyBMS) or --simulate (the "
                 "built-in simulator). See --help.\n");
    return 2;
  }
  if (settings->parsed()) return tbgw::app::run_settings_command(opt);
  return tbgw::app::run_gateway(opt);
}
