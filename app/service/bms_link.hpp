// BmsLink: the TinyBMS poller (core) driven by the serial link (platform) on the event loop.
//
// A thin shell in the PX4 sense: the poller decides everything; this class only moves bytes
// and time between it and the port, and hands the poller's events to one callback. The
// gateway service (app/gateway) decides what to do with them.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <span>
#include <string>

#include "core/tinybms/poller.hpp"
#include "platform/linux/serial_link.hpp"

namespace tbgw::app {

class BmsLink {
 public:
  using EventHandler = std::function<void(const tinybms::PollerEvent&)>;

  BmsLink(boost::asio::io_context& io, const std::string& serial_path, int baud,
          const tinybms::PollerConfig& config, EventHandler on_event);

  void start();
  void stop();

  tinybms::Poller& poller() { return poller_; }
  const platform::SerialLink& serial() const { return serial_; }

  // Queues a settings write (validated by the poller); the outcome arrives as an event.
  Result<void, tinybms::WriteError> write_settings(std::span<const tinybms::RegisterWrite> w);

 private:
  void service();  // poll, send, drain events, re-arm the timer
  void drain_events();

  boost::asio::io_context& io_;
  tinybms::Poller poller_;
  platform::SerialLink serial_;
  boost::asio::steady_timer timer_;
  EventHandler on_event_;
  bool running_ = false;
};

}  // namespace tbgw::app
