// Starts the in-process simulator for --simulate: a pty on the caller's event loop.
#pragma once

#include <boost/asio/io_context.hpp>

#include <memory>
#include <string>

#include "app/options.hpp"
#include "sim/host/simulator_host.hpp"

namespace tbgw::app {

// Returns nullptr and sets `error` when the simulator cannot start (unknown chemistry, bad
// scenario file, no pty).
std::unique_ptr<sim::SimulatorHost> start_simulator(boost::asio::io_context& io,
                                                    const SimOptions& options, std::string& error);

}  // namespace tbgw::app
