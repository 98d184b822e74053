#include "sim/host/simulator_host.hpp"

#include <unistd.h>

#include <cerrno>

#include "platform/linux/clock.hpp"

namespace tbgw::sim {

namespace asio = boost::asio;

SimulatorHost::SimulatorHost(asio::io_context& io, const SimConfig& config)
    : io_(io), simulator_(config), stream_(io), timer_(io) {}

SimulatorHost::~SimulatorHost() {
  stop();
}

Result<void, platform::TtyError> SimulatorHost::open_pty() {
  if (auto opened = pty_.open(); !opened) return opened;
  // The host writes with plain write(2) on the master; Asio only watches readability.
  boost::system::error_code ec;
  stream_.assign(::dup(pty_.master_fd()), ec);
  if (ec) return platform::make_error(platform::TtyErrc::watch, ec.value(), "pty");
  device_path_ = pty_.slave_path();
  return {};
}

Result<void, platform::TtyError> SimulatorHost::open_port(const std::string& path, int baud) {
  if (auto opened = port_.open(path, baud); !opened) return opened;
  boost::system::error_code ec;
  stream_.assign(::dup(port_.fd()), ec);
  if (ec) return platform::make_error(platform::TtyErrc::watch, ec.value(), "serial port");
  device_path_ = path;
  return {};
}

void SimulatorHost::start() {
  running_ = true;
  start_read();
  schedule(platform::now_ms());
}

void SimulatorHost::stop() {
  running_ = false;
  timer_.cancel();
  boost::system::error_code ignored;
  stream_.close(ignored);
}

void SimulatorHost::start_read() {
  stream_.async_read_some(asio::buffer(read_buf_),
                          [this](const boost::system::error_code& ec, std::size_t n) {
                            if (!running_ || ec == asio::error::operation_aborted) return;
                            const Millis now = platform::now_ms();
                            if (!ec) {
                              simulator_.advance(now);
                              simulator_.on_bytes(std::span(read_buf_.data(), n), now);
                              flush_output(now);
                              schedule(now);
                              start_read();
                              return;
                            }
                            // EIO on a pty master only means no client has the slave open
                            // right now; the keep-alive slave descriptor prevents it, but
                            // poll again later instead of spinning if it happens.
                            timer_.expires_after(std::chrono::milliseconds(100));
                            timer_.async_wait([this](const boost::system::error_code& e) {
                              if (!e) start_read();
                            });
                          });
}

void SimulatorHost::flush_output(Millis now) {
  const int fd = stream_.native_handle();
  for (;;) {
    const std::size_t n = simulator_.take_output(now, write_buf_);
    if (n == 0) return;
    std::size_t off = 0;
    while (off < n) {
      const ssize_t w = ::write(fd, write_buf_.data() + off, n - off);
      if (w < 0) {
        if (errno == EINTR) continue;
        return;  // EAGAIN: the client is not reading; a real UART would drop bytes too
      }
      off += static_cast<std::size_t>(w);
    }
  }
}

void SimulatorHost::schedule(Millis now) {
  if (!running_) return;
  const Millis wake = simulator_.next_wakeup(now);
  timer_.expires_after(std::chrono::milliseconds(std::max<Millis>(1, wake - now)));
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) on_timer();
  });
}

void SimulatorHost::on_timer() {
  if (!running_) return;
  const Millis now = platform::now_ms();
  simulator_.advance(now);
  flush_output(now);
  schedule(now);
}

}  // namespace tbgw::sim
