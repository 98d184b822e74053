// tinybms-sim: a simulated TinyBMS on a pseudo-terminal (or a real serial port).
//
// Prints the device path on the first line of stdout, then serves the TinyBMS UART protocol
// until SIGINT/SIGTERM. Control commands (`help` lists them: faults, load, ambient, status) are
// read line by line from stdin and answered on stdout, so a test or a person can unplug the
// BMS, corrupt bytes or heat a sensor while a client runs. --truth FILE appends one JSON line
// per model step with the true state of the battery.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/streambuf.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "platform/linux/clock.hpp"
#include "sim/chemistry.hpp"
#include "sim/host/simulator_host.hpp"
#include "sim/scenario_parser.hpp"

namespace {

namespace asio = boost::asio;
using tbgw::sim::Simulator;

// Reads control commands from stdin without blocking the loop; EOF (e.g. /dev/null) just stops
// the reading, never the simulator.
class CommandReader {
 public:
  CommandReader(asio::io_context& io, Simulator& sim)
      : stream_(io, ::dup(STDIN_FILENO)), sim_(sim) {}
  void start() { read(); }
  void stop() {
    boost::system::error_code ignored;
    stream_.close(ignored);
  }

 private:
  void read() {
    asio::async_read_until(stream_, buffer_, '\n',
                           [this](const boost::system::error_code& ec, std::size_t) {
                             if (ec) return;
                             std::istream in(&buffer_);
                             std::string line;
                             std::getline(in, line);
                             if (!line.empty()) {
                               std::string reply;
                               const bool ok = tbgw::sim::apply_command(sim_, line, reply);
                               std::printf("%s%s\n", ok ? "" : "error: ", reply.c_str());
                               std::fflush(stdout);
                             }
                             read();
                           });
  }
  asio::posix::stream_descriptor stream_;
  asio::streambuf buffer_;
  Simulator& sim_;
};

}  // namespace

int main(int argc, char** argv) {
  tbgw::sim::SimConfig config;
  std::string port;
  std::string chemistry = "lfp";
  std::string scenario_file;
  std::string truth_file;
  double current_a = 0.0;
  double power_w = 0.0;
  bool solar_day = false;
  bool nack_reserved = false;
  bool ext2_absent = false;
  std::vector<std::string> faults;

  CLI::App cli{"tinybms-sim: a simulated Energus TinyBMS on a pseudo-terminal", "tinybms-sim"};
  cli.add_option("--port", port, "serve a real serial device instead of a new pseudo-terminal");
  cli.add_option("--baud", config.baud, "bytes are paced at this rate (bit/s)")
      ->check(CLI::Range(1200, 1000000));
  cli.add_option("--chemistry", chemistry,
                 "cell chemistry: OCV curve and settings defaults (lfp LiFePO4, nmc Li-ion, lto "
                 "lithium titanate)")
      ->check(CLI::Validator(
          [](const std::string& name) { return tbgw::sim::unknown_chemistry_message(name); },
          "lfp|nmc|lto", "chemistry"));
  cli.add_option("--cells", config.cells, "series cells")->check(CLI::Range(4, 16));
  cli.add_option("--seed", config.seed, "random seed (cell spreads, faults)");
  cli.add_option("--capacity-ah,--capacity", config.capacity_ah, "cell capacity in Ah")
      ->check(CLI::Range(1.0, 2000.0));
  cli.add_option("--soc", config.initial_soc_pct, "initial SOC in %")
      ->check(CLI::Range(0.0, 100.0));
  cli.add_option("--ambient-c", config.ambient_c, "ambient temperature in degC")
      ->check(CLI::Range(-40.0, 70.0));
  cli.add_option("--current", current_a, "constant current in A (positive = charging)")
      ->check(CLI::Range(-1000.0, 1000.0));
  cli.add_option("--power", power_w, "constant power in W (positive = charging)")
      ->check(CLI::Range(-50000.0, 50000.0));
  cli.add_flag("--solar-day", solar_day, "built-in solar day profile");
  cli.add_option("--scenario", scenario_file, "load scenario file (sim/SCENARIO_FORMAT.md)")
      ->check(CLI::ExistingFile);
  cli.add_option("--time-factor", config.time_factor, "model seconds per wall second")
      ->check(CLI::Range(0.1, 10000.0));
  cli.add_option("--response-delay-ms", config.response_delay_ms, "delay before a reply")
      ->check(CLI::Range(0, 5000));
  cli.add_flag("--sleep", config.sleep_enabled, "sleep after 10 s idle; drop the waking request");
  cli.add_option("--sleep-after-ms", config.sleep_after_ms, "idle time before sleeping, ms")
      ->check(CLI::Range(100, 3600000));
  cli.add_flag("--nack-reserved", nack_reserved, "NACK reads that touch reserved registers");
  cli.add_flag("--ext2-absent", ext2_absent, "external temperature sensor 2 not fitted");
  cli.add_option("--fault", faults,
                 "fault at start, as the run-time command without 'fault ' (e.g. 'drop 0.1', "
                 "'corrupt 0.001', 'late 300', 'silent on', 'cell-drift 7 5', 'hot-sensor 1 70')");
  cli.add_option("--truth", truth_file, "append one JSON line per model step with the true state");
  CLI11_PARSE(cli, argc, argv);
  // The validator above accepted the name, so the lookup cannot fail.
  config.chemistry = tbgw::sim::chemistry_from_name(chemistry).value_or(tbgw::sim::Chemistry::lfp);

  if (!scenario_file.empty()) {
    std::ifstream in(scenario_file);
    auto parsed = tbgw::sim::parse_scenario(in);
    if (!parsed.errors.empty()) {
      std::fprintf(stderr, "tinybms-sim: %s: %s\n", scenario_file.c_str(),
                   tbgw::sim::format_errors(parsed.errors).c_str());
      return 2;
    }
    config.load = tbgw::sim::LoadProfile::from_scenario(std::move(*parsed.scenario));
  } else if (solar_day) {
    config.load = tbgw::sim::LoadProfile::solar_day(tbgw::sim::solar_day_for(config.chemistry));
  } else if (power_w != 0.0) {
    config.load = tbgw::sim::LoadProfile::constant_power(power_w);
  } else {
    config.load = tbgw::sim::LoadProfile::constant_current(current_a);
  }
  if (nack_reserved) config.reserved_reads = tbgw::sim::ReservedReads::nack;
  config.ext2_present = !ext2_absent;
  if (const std::string bad = tbgw::sim::validate_config(config); !bad.empty()) {
    std::fprintf(stderr, "tinybms-sim: %s\n", bad.c_str());
    return 2;
  }

  asio::io_context io;
  tbgw::sim::SimulatorHost host(io, config);
  const auto opened = port.empty() ? host.open_pty() : host.open_port(port, config.baud);
  if (!opened) {
    const std::string device = port.empty() ? "pseudo-terminal" : port;
    std::fprintf(stderr, "tinybms-sim: %s: %s\n", device.c_str(),
                 tbgw::platform::to_string(opened.error()).c_str());
    return 1;
  }
  for (const auto& f : faults) {
    std::string reply;
    if (!tbgw::sim::apply_command(host.simulator(), "fault " + f, reply)) {
      std::fprintf(stderr, "tinybms-sim: --fault '%s': %s\n", f.c_str(), reply.c_str());
      return 2;
    }
  }
  std::ofstream truth;
  if (!truth_file.empty()) {
    truth.open(truth_file, std::ios::app);
    if (!truth) {
      std::fprintf(stderr, "tinybms-sim: cannot open truth file %s\n", truth_file.c_str());
      return 1;
    }
    host.simulator().set_step_observer([&truth](const tbgw::sim::TruthState& state) {
      truth << tbgw::sim::truth_json_line(state, tbgw::platform::now_ms()) << '\n';
      truth.flush();  // readers follow the file while the simulator runs
    });
  }

  // The contract with every client and test: the device path is the first line of stdout.
  std::printf("%s\n", host.device_path().c_str());
  std::fflush(stdout);

  CommandReader commands(io, host.simulator());
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    commands.stop();
    host.stop();
    io.stop();
  });
  host.start();
  commands.start();
  io.run();
  std::fprintf(stderr, "tinybms-sim: stopped after %llu requests\n",
               static_cast<unsigned long long>(host.simulator().stats().requests));
  return 0;
}
