// Starts the in-process simulator for --simulate: a pty on the caller's event loop.
#pragma once

#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <memory>
#include <string>

#include "app/options.hpp"
#include "platform/linux/error.hpp"
#include "sim/host/simulator_host.hpp"

namespace tbgw::app {

enum class SimStartErrc : std::uint8_t {
  unknown_chemistry,    // detail: the name and the allowed ones
  scenario_unreadable,  // detail: the file
  scenario_invalid,     // detail: the file and its first error (every error is logged)
  invalid_config,       // detail: what sim::validate_config() refused
  no_pty,               // detail: the pseudo-terminal's error
};
const char* to_string(SimStartErrc e);
using SimStartError = platform::Error<SimStartErrc>;

// The running simulator, or why it cannot start (unknown chemistry, bad scenario file, no pty).
Result<std::unique_ptr<sim::SimulatorHost>, SimStartError> start_simulator(
    boost::asio::io_context& io, const SimOptions& options);

}  // namespace tbgw::app
