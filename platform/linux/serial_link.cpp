#include "platform/linux/serial_link.hpp"

#include <termios.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/write.hpp>
#include <deque>
#include <optional>
#include <vector>

#include "platform/linux/serial_port.hpp"

namespace tbgw::platform {

namespace asio = boost::asio;

namespace {
constexpr int kFirstReopenDelayMs = 500;
constexpr int kMaxReopenDelayMs = 30'000;
}  // namespace

struct SerialLink::Impl {
  explicit Impl(asio::io_context& io) : stream(io) {}
  asio::posix::stream_descriptor stream;
  std::deque<std::vector<std::uint8_t>> tx_queue;
  bool writing = false;
};

SerialLink::SerialLink(asio::io_context& io, std::string path, int baud, Callbacks callbacks)
    : io_(io),
      path_(std::move(path)),
      baud_(baud),
      callbacks_(std::move(callbacks)),
      impl_(std::make_unique<Impl>(io)),
      reopen_timer_(io) {}

SerialLink::~SerialLink() {
  stop();
}

void SerialLink::start() {
  stopped_ = false;
  try_open();
}

void SerialLink::stop() {
  stopped_ = true;
  reopen_timer_.cancel();
  boost::system::error_code ignored;
  impl_->stream.close(ignored);
  impl_->tx_queue.clear();
  impl_->writing = false;
}

bool SerialLink::is_open() const {
  return impl_->stream.is_open();
}

void SerialLink::try_open() {
  if (stopped_) return;
  SerialPort port;
  if (const auto opened = port.open(path_, baud_); !opened) {
    ++stats_.open_failures;
    // Say it once per outage, not once per retry: a missing adapter must not flood the log.
    if (!reported_open_failure_ && callbacks_.on_port_state) {
      callbacks_.on_port_state(
          false, "cannot open serial port " + path_ + ": " + to_string(opened.error()));
    }
    reported_open_failure_ = true;
    schedule_reopen();
    return;
  }
  boost::system::error_code ec;
  impl_->stream.assign(port.release(), ec);
  if (ec) {
    handle_failure("cannot watch serial port: " + ec.message());
    return;
  }
  ++stats_.opens;
  reported_open_failure_ = false;
  if (callbacks_.on_port_state) callbacks_.on_port_state(true, "opened " + path_);
  start_read();
}

void SerialLink::schedule_reopen() {
  if (stopped_) return;
  reopen_timer_.expires_after(std::chrono::milliseconds(reopen_delay_ms_));
  reopen_delay_ms_ = std::min(reopen_delay_ms_ * 2, kMaxReopenDelayMs);
  reopen_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) try_open();
  });
}

void SerialLink::handle_failure(const std::string& reason) {
  boost::system::error_code ignored;
  const bool was_open = impl_->stream.is_open();
  impl_->stream.close(ignored);
  impl_->tx_queue.clear();
  impl_->writing = false;
  if (stopped_) return;
  if (was_open) ++stats_.port_losses;
  if (callbacks_.on_port_state) callbacks_.on_port_state(false, reason);
  reported_open_failure_ = true;
  schedule_reopen();
}

void SerialLink::start_read() {
  impl_->stream.async_read_some(
      asio::buffer(read_buf_), [this](const boost::system::error_code& ec, std::size_t n) {
        if (ec == asio::error::operation_aborted || stopped_) return;
        if (ec) {
          // EIO on a pty whose master closed, ENODEV/EOF on an unplugged USB adapter.
          handle_failure("serial port " + path_ + " lost: " + ec.message());
          return;
        }
        stats_.bytes_in += n;
        // Only a port that delivers data counts as working again: one that opens and fails at
        // once keeps backing off instead of cycling every 0.5 s.
        reopen_delay_ms_ = kFirstReopenDelayMs;
        if (callbacks_.on_bytes) callbacks_.on_bytes(std::span(read_buf_.data(), n));
        if (impl_->stream.is_open()) start_read();
      });
}

bool SerialLink::write(std::span<const std::uint8_t> bytes) {
  if (!impl_->stream.is_open()) return false;
  impl_->tx_queue.emplace_back(bytes.begin(), bytes.end());
  if (!impl_->writing) write_next();
  return true;
}

// Drains the queue one buffer at a time; requests are small and the poller sends one at a time.
void SerialLink::write_next() {
  if (impl_->tx_queue.empty() || !impl_->stream.is_open()) {
    impl_->writing = false;
    return;
  }
  impl_->writing = true;
  asio::async_write(impl_->stream, asio::buffer(impl_->tx_queue.front()),
                    [this](const boost::system::error_code& ec, std::size_t n) {
                      if (ec == asio::error::operation_aborted || stopped_) return;
                      if (ec) {
                        handle_failure("serial write to " + path_ + " failed: " + ec.message());
                        return;
                      }
                      stats_.bytes_out += n;
                      if (!impl_->tx_queue.empty()) impl_->tx_queue.pop_front();
                      write_next();
                    });
}

void SerialLink::flush_input() {
  if (impl_->stream.is_open()) ::tcflush(impl_->stream.native_handle(), TCIFLUSH);
}

}  // namespace tbgw::platform
