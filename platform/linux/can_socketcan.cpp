#include "platform/linux/can_socketcan.hpp"

#include <boost/asio/posix/stream_descriptor.hpp>

#include <algorithm>

#include "platform/linux/can_socketcan_adapt.hpp"
#include "platform/linux/clock.hpp"

namespace tbgw::platform {

namespace asio = boost::asio;

namespace {
constexpr int kFirstReopenDelayMs = 500;
constexpr int kMaxReopenDelayMs = 5'000;
constexpr int kMaxReadsPerWakeup = 64;
}  // namespace

struct SocketCanBackend::Impl {
  explicit Impl(asio::io_context& io) : stream(io) {}
  asio::posix::stream_descriptor stream;
};

SocketCanBackend::SocketCanBackend(asio::io_context& io, std::string ifname)
    : ifname_(std::move(ifname)),
      impl_(std::make_unique<Impl>(io)),
      reopen_timer_(io),
      reopen_delay_ms_(kFirstReopenDelayMs) {}

SocketCanBackend::~SocketCanBackend() {
  // No health callback from a destructor: whoever listens may be gone already.
  stopped_ = true;
  reopen_timer_.cancel();
  boost::system::error_code ignored;
  impl_->stream.close(ignored);
}

std::string SocketCanBackend::describe() const {
  return "socketcan " + ifname_;
}

bool SocketCanBackend::is_open() const {
  return impl_->stream.is_open();
}

void SocketCanBackend::start() {
  if (!stopped_) return;
  stopped_ = false;
  reopen_delay_ms_ = kFirstReopenDelayMs;
  try_open();
}

void SocketCanBackend::stop() {
  stopped_ = true;
  reopen_timer_.cancel();
  boost::system::error_code ignored;
  impl_->stream.close(ignored);
  set_health(CanHealth::error, "stopped");
}

void SocketCanBackend::try_open() {
  if (stopped_) return;
  auto opened = socketcan::open_raw(ifname_);
  if (opened.fd < 0) {
    const bool permanent = opened.failure == socketcan::OpenFailure::bad_name ||
                           opened.failure == socketcan::OpenFailure::not_can;
    set_health(permanent ? CanHealth::failed : CanHealth::error, opened.error);
    if (!permanent) schedule_reopen();
    return;
  }
  boost::system::error_code ec;
  impl_->stream.assign(opened.fd, ec);
  if (ec) {
    socketcan::close_fd(opened.fd);
    set_health(CanHealth::error, "cannot watch CAN socket: " + ec.message());
    schedule_reopen();
    return;
  }
  ++stats_.reopens;
  reopen_delay_ms_ = kFirstReopenDelayMs;
  bus_state_ = BusState::active;
  no_ack_ = false;
  write_error_.clear();
  update_health();
  wait_readable();
}

void SocketCanBackend::schedule_reopen() {
  if (stopped_) return;
  reopen_timer_.expires_after(std::chrono::milliseconds(reopen_delay_ms_));
  reopen_delay_ms_ = std::min(reopen_delay_ms_ * 2, kMaxReopenDelayMs);
  reopen_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) try_open();
  });
}

void SocketCanBackend::handle_down(const std::string& reason) {
  boost::system::error_code ignored;
  impl_->stream.close(ignored);
  if (stopped_) return;
  set_health(CanHealth::error, reason);
  schedule_reopen();
}

void SocketCanBackend::wait_readable() {
  impl_->stream.async_wait(asio::posix::stream_descriptor::wait_read,
                           [this](const boost::system::error_code& ec) {
                             if (ec == asio::error::operation_aborted || stopped_) return;
                             if (ec) {
                               handle_down("CAN socket on " + ifname_ + " failed: " + ec.message());
                               return;
                             }
                             read_available();
                           });
}

void SocketCanBackend::read_available() {
  for (int i = 0; i < kMaxReadsPerWakeup; ++i) {
    socketcan::RawRx rx;
    const auto r = socketcan::read_frame(impl_->stream.native_handle(), rx);
    if (r.status == socketcan::IoStatus::would_block) break;
    if (r.status != socketcan::IoStatus::ok) {
      handle_down("CAN interface " + ifname_ + " lost: " + socketcan::errno_text(r.err));
      return;
    }
    switch (rx.kind) {
      case socketcan::RawRx::Kind::data:
        // Someone acknowledged nothing of ours yet, but the bus carries traffic: a passive
        // state left over from an unplugged cable is over once frames arrive again.
        if (no_ack_ || bus_state_ == BusState::passive || bus_state_ == BusState::warning) {
          no_ack_ = false;
          if (bus_state_ != BusState::bus_off) bus_state_ = BusState::active;
          update_health();
        }
        deliver(victron::ReceivedCanFrame{rx.frame, now_ms()});
        break;
      case socketcan::RawRx::Kind::error:
        ++stats_.error_frames;
        on_bus_error(rx.error);
        break;
      case socketcan::RawRx::Kind::ignored:
        ++stats_.rx_ignored;
        break;
    }
  }
  if (impl_->stream.is_open()) wait_readable();
}

void SocketCanBackend::on_bus_error(const socketcan::BusErrorEvent& e) {
  if (e.bus_off) {
    ++stats_.bus_off_events;
    bus_state_ = BusState::bus_off;
  } else if (e.restarted) {
    ++stats_.restarts;
    bus_state_ = BusState::active;
    no_ack_ = false;
  } else if (e.error_active) {
    bus_state_ = BusState::active;
    no_ack_ = false;
  } else if (e.error_passive && bus_state_ != BusState::bus_off) {
    bus_state_ = BusState::passive;
  } else if (e.error_warning && bus_state_ == BusState::active) {
    bus_state_ = BusState::warning;
  }
  if (e.no_ack) no_ack_ = true;
  update_health();
}

void SocketCanBackend::update_health() {
  if (!impl_->stream.is_open()) return;  // the open/down path set the reason already
  switch (bus_state_) {
    case BusState::bus_off:
      set_health(CanHealth::error,
                 "bus-off on " + ifname_ +
                     ": the controller stopped after too many errors (check wiring, "
                     "termination and that every node runs at 500 kbit/s; set restart-ms so "
                     "the kernel restarts it)");
      return;
    case BusState::passive:
      set_health(CanHealth::warning, "error-passive on " + ifname_ +
                                         ": many transmit/receive errors (is the GX connected, "
                                         "the bus terminated, the bitrate 500 kbit/s?)");
      return;
    case BusState::warning:
      set_health(CanHealth::warning, "error-warning on " + ifname_ + ": error counters rising");
      return;
    case BusState::active:
      break;
  }
  if (!write_error_.empty()) {
    set_health(CanHealth::warning, write_error_);
    return;
  }
  if (no_ack_) {
    set_health(CanHealth::warning,
               "no ACK on " + ifname_ + ": no other node acknowledges (GX not connected?)");
    return;
  }
  set_health(CanHealth::ok, "socketcan " + ifname_ + " up");
}

CanSendResult SocketCanBackend::send(const victron::CanFrame& frame, Millis deadline_ms) {
  if (!impl_->stream.is_open()) {
    ++stats_.tx_errors;
    return CanSendResult::error;
  }
  if (now_ms() > deadline_ms) {
    ++stats_.tx_expired;
    return CanSendResult::error;
  }
  const auto r = socketcan::write_frame(impl_->stream.native_handle(), frame);
  switch (r.status) {
    case socketcan::IoStatus::ok:
      ++stats_.tx_frames;
      if (!write_error_.empty()) {
        write_error_.clear();
        update_health();
      }
      return CanSendResult::queued;
    case socketcan::IoStatus::full:
    case socketcan::IoStatus::would_block:
      ++stats_.tx_full;
      return CanSendResult::full;
    case socketcan::IoStatus::down:
      ++stats_.tx_errors;
      handle_down("CAN interface " + ifname_ + " went down: " + socketcan::errno_text(r.err));
      return CanSendResult::error;
    case socketcan::IoStatus::failed:
      break;
  }
  ++stats_.tx_errors;
  write_error_ = "CAN write on " + ifname_ + " failed: " + socketcan::errno_text(r.err);
  update_health();
  return CanSendResult::error;
}

}  // namespace tbgw::platform
