// tinybms-gw: entry point. Parses the command line and hands over to the gateway service
// (run_gateway.cpp) or to one of the tools: `settings` (TinyBMS settings with read-back),
// `encode` (battery state -> CAN frames), `config docs` (the configuration reference).
//
// Exit status: 0 done / stopped by a signal, 1 a runtime failure, 2 a usage or configuration
// error (the systemd unit does not restart on 2: a bad config must not crash-loop).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <optional>
#include <string>

#include "app/commands/history_command.hpp"
#include "app/http/auth_commands.hpp"
#include "app/options.hpp"
#include "app/run.hpp"
#include "app/version.hpp"
#include "platform/linux/config_docs.hpp"
#include "platform/linux/file_modes.hpp"
#include "platform/linux/logging.hpp"
#include "sim/chemistry.hpp"

namespace {

void add_link_options(CLI::App& app, tbgw::app::Options& opt) {
  auto& f = opt.flags;
  app.add_option("--config", opt.config_file,
                 "configuration file to read (JSON; see docs/configuration.md)");
  app.add_option("--state-dir", opt.state_dir,
                 "state directory (energy counters, the gateway's own config.json, CAN log); "
                 "default /var/lib/tinybms-gw when installed, ./var in a checkout");
  app.add_option("--serial", f.serial,
                 "TinyBMS serial port (e.g. /dev/serial/by-id/usb-...-port0 or /dev/pts/N)");
  app.add_flag("--simulate", opt.simulate,
               "run against the built-in TinyBMS simulator (in-process, over a pty)");
  app.add_option("--baud", f.baud, "serial speed in bit/s (the TinyBMS uses 115200)");
  app.add_option("--log-level", f.log_level, "trace, debug, info, warn, error, critical, off");
  app.add_option("--sim-chemistry", opt.sim.chemistry,
                 "simulator: cell chemistry, OCV curve and settings defaults (lfp, nmc, lto)")
      ->check(CLI::Validator(
          [](const std::string& name) { return tbgw::sim::unknown_chemistry_message(name); },
          "lfp|nmc|lto", "chemistry"));
  app.add_option("--sim-cells", opt.sim.cells, "simulator: series cells")->check(CLI::Range(4, 16));
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
}

}  // namespace

int main(int argc, char** argv) {
  // Before anything is created: the state directory and its files are not world-readable.
  tbgw::platform::keep_new_files_private();
  tbgw::app::Options opt;
  CLI::App cli{"tinybms-gw: TinyBMS gateway (Victron CAN, MQTT, web)", "tinybms-gw"};
  cli.set_version_flag("--version", std::string("tinybms-gw ") + tbgw::app::kVersion);
  add_link_options(cli, opt);
  auto& f = opt.flags;
  cli.add_option("--can", f.can,
                 "CAN output: socketcan:IFNAME, slcan:/dev/ttyACM0, log:FILE or log:- (stdout)");
  cli.add_option("--poll-interval-ms", f.poll_interval_ms, "live refresh period in ms");
  cli.add_option("--http", f.http,
                 "HTTP API and web UI on ADDR:PORT (default 127.0.0.1:8080; \"\" for none)");
  cli.add_option("--mqtt", f.mqtt, "MQTT broker: mqtt://HOST[:PORT] or mqtts://HOST[:PORT]");
  cli.add_flag(
      "--dbus", f.dbus,
      "Venus OS: the battery service on the D-Bus (config venus.enabled; docs/venus-os.md)");
  cli.add_option("--response-timeout-ms", f.response_timeout_ms, "time to wait for a reply in ms");
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
  add_link_options(*settings, opt);
  settings->add_option("--set", opt.settings_assignments,
                       "NAME=VALUE or REGISTER=VALUE in the register's raw unit (repeatable)");
  CLI::App* encode = cli.add_subcommand(
      "encode", "read a battery state as JSON on stdin, print the CAN frames it maps to");
  CLI::App* history_cmd = cli.add_subcommand("history", "the stored battery history");
  CLI::App* history_export =
      history_cmd->add_subcommand("export", "print the history (CSV or JSON lines) on stdout");
  std::string history_state_dir;
  std::optional<std::string> history_from, history_to;
  std::string history_tier = "raw", history_format = "csv", history_what = "samples";
  history_export->add_option("--state-dir", history_state_dir, "the gateway's state directory")
      ->required();
  history_export->add_option("--from", history_from, "start time, ISO 8601 UTC");
  history_export->add_option("--to", history_to, "end time, ISO 8601 UTC");
  history_export->add_option("--tier", history_tier, "raw, 1m or 15m");
  history_export->add_option("--format", history_format, "csv or json");
  history_export->add_option("--what", history_what,
                             "samples (battery values) or alerts (alert edges and BMS events)");
  history_cmd->require_subcommand(1);
  CLI::App* config_cmd = cli.add_subcommand("config", "configuration tools");
  CLI::App* config_docs =
      config_cmd->add_subcommand("docs", "print the configuration reference (Markdown)");
  config_cmd->require_subcommand(1);
  // --- http (issue 10): admin password, API tokens, a self-signed TLS pair (auth_commands.hpp)
  std::string auth_state_dir, token_name, tls_out_dir, tls_host = "localhost";
  bool token_read_only = false;
  CLI::App* passwd_cmd = cli.add_subcommand(
      "passwd", "set the web/API admin password (read from stdin; twice on a terminal)");
  passwd_cmd->add_option("--state-dir", auth_state_dir, "the gateway's state directory");
  CLI::App* token_cmd = cli.add_subcommand("token", "API tokens for scripts (Bearer)");
  token_cmd->add_option("--state-dir", auth_state_dir, "the gateway's state directory");
  CLI::App* token_create = token_cmd->add_subcommand("create", "make a token, print it once");
  token_create->add_option("--name", token_name, "the token's name")->required();
  token_create->add_flag("--read-only", token_read_only, "the token may only read");
  token_create->add_option("--state-dir", auth_state_dir, "the gateway's state directory");
  CLI::App* token_list = token_cmd->add_subcommand("list", "list the tokens (names, rights)");
  token_list->add_option("--state-dir", auth_state_dir, "the gateway's state directory");
  CLI::App* token_revoke = token_cmd->add_subcommand("revoke", "revoke a token by name");
  token_revoke->add_option("--name", token_name, "the token's name")->required();
  token_revoke->add_option("--state-dir", auth_state_dir, "the gateway's state directory");
  token_cmd->require_subcommand(1);
  CLI::App* tls_cmd = cli.add_subcommand("tls", "TLS tools");
  CLI::App* tls_selfsigned =
      tls_cmd->add_subcommand("selfsigned", "write key.pem + cert.pem (self-signed, EC P-256)");
  tls_selfsigned->add_option("--out-dir", tls_out_dir, "where to write them")->required();
  tls_selfsigned->add_option("--host", tls_host, "the DNS name in the certificate");
  tls_cmd->require_subcommand(1);
  // --- end http

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = cli.exit(e);
    return code == 0 ? 0 : 2;  // usage errors are configuration errors: exit 2
  }

  if (encode->parsed()) return tbgw::app::run_encode_command(opt);
  if (history_export->parsed()) {
    return tbgw::app::run_history_export(history_state_dir, history_from, history_to, history_tier,
                                         history_format, history_what);
  }
  // --- http (issue 10)
  if (passwd_cmd->parsed()) return tbgw::app::http::run_passwd_command(auth_state_dir);
  if (token_create->parsed()) {
    return tbgw::app::http::run_token_create(auth_state_dir, token_name, token_read_only);
  }
  if (token_list->parsed()) return tbgw::app::http::run_token_list(auth_state_dir);
  if (token_revoke->parsed()) return tbgw::app::http::run_token_revoke(auth_state_dir, token_name);
  if (tls_selfsigned->parsed()) return tbgw::app::http::run_tls_selfsigned(tls_out_dir, tls_host);
  // --- end http
  if (config_docs->parsed()) {
    std::fputs(tbgw::platform::config_reference_markdown().c_str(), stdout);
    return 0;
  }
  if (!tbgw::platform::init_logging(f.log_level.value_or("info"))) {
    std::fprintf(stderr,
                 "tinybms-gw: invalid --log-level %s (trace, debug, info, warn, error, "
                 "critical, off)\n",
                 f.log_level->c_str());
    return 2;
  }
  if (settings->parsed()) return tbgw::app::run_settings_command(opt);
  return tbgw::app::run_gateway(opt);
}
