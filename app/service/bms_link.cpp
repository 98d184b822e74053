#include "app/service/bms_link.hpp"

#include <spdlog/spdlog.h>

#include "platform/linux/clock.hpp"

namespace tbgw::app {

BmsLink::BmsLink(boost::asio::io_context& io, const std::string& serial_path, int baud,
                 const tinybms::PollerConfig& config, EventHandler on_event)
    : io_(io),
      poller_(config),
      serial_(io, serial_path, baud,
              platform::SerialLink::Callbacks{
                  .on_bytes =
                      [this](std::span<const std::uint8_t> bytes) {
                        poller_.on_bytes(bytes, platform::now_ms());
                        service();
                      },
                  .on_port_state =
                      [this](bool open, const std::string& reason) {
                        const Millis now = platform::now_ms();
                        if (open) {
                          spdlog::info("serial: {}", reason);
                          poller_.on_port_opened(now);
                        } else {
                          spdlog::warn("serial: {} (retrying with back-off)", reason);
                          poller_.on_port_closed(now);
                        }
                        service();
                      }}),
      timer_(io),
      on_event_(std::move(on_event)) {}

void BmsLink::start() {
  running_ = true;
  serial_.start();
  service();
}

void BmsLink::stop() {
  running_ = false;
  timer_.cancel();
  serial_.stop();
}

Result<void, tinybms::WriteError> BmsLink::write_settings(
    std::span<const tinybms::RegisterWrite> writes) {
  auto result = poller_.request_write(writes);
  if (result.ok()) service();
  return result;
}

void BmsLink::service() {
  if (!running_) return;
  const Millis now = platform::now_ms();
  if (auto request = poller_.poll(now)) {
    // Anything already received is not an answer to this request (broadcast-mode output, a
    // reply that came after its timeout): drop it so it cannot be taken for the answer.
    serial_.flush_input();
    serial_.write(request->bytes());
  }
  drain_events();
  if (!running_) return;  // an event handler stopped the link
  const Millis next = poller_.next_deadline(platform::now_ms());
  timer_.expires_after(std::chrono::milliseconds(std::max<Millis>(0, next - platform::now_ms())));
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) service();
  });
}

void BmsLink::drain_events() {
  while (auto event = poller_.next_event()) {
    if (on_event_) on_event_(*event);
  }
}

}  // namespace tbgw::app
