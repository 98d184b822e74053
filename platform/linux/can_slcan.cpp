#include "platform/linux/can_slcan.hpp"

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <cstring>
#include <limits>

#include "platform/linux/clock.hpp"
#include "platform/linux/serial_port.hpp"

namespace tbgw::platform {

namespace asio = boost::asio;

namespace {
constexpr int kFirstReopenDelayMs = 500;
constexpr int kMaxReopenDelayMs = 5'000;
constexpr Millis kBellWarningHoldMs = 5'000;
constexpr Millis kNoDeadline = std::numeric_limits<Millis>::max();
}  // namespace

// A fixed ring of pending writes: no allocation per frame, and the element being written stays
// in place until its write completes.
static_assert(slcan::kInitSequence.size() <= slcan::kMaxTxLine);

struct SlcanBackend::Impl {
  struct Pending {
    std::array<char, slcan::kMaxTxLine> bytes{};
    std::uint8_t len = 0;
    Millis deadline_ms = 0;
    bool is_frame = false;
  };
  explicit Impl(asio::io_context& io) : stream(io) {}

  bool full() const { return count == ring.size(); }
  Pending& front() { return ring[head]; }
  void pop() {
    head = (head + 1) % ring.size();
    --count;
  }
  Pending& push() {
    Pending& p = ring[(head + count) % ring.size()];
    ++count;
    return p;
  }
  void clear() {
    head = 0;
    count = 0;
    writing = false;
  }

  asio::posix::stream_descriptor stream;
  std::array<Pending, kMaxQueuedFrames> ring{};
  std::size_t head = 0;
  std::size_t count = 0;
  bool writing = false;
};

SlcanBackend::SlcanBackend(asio::io_context& io, std::string path, int tty_baud)
    : path_(std::move(path)),
      tty_baud_(tty_baud),
      impl_(std::make_unique<Impl>(io)),
      reopen_timer_(io),
      reopen_delay_ms_(kFirstReopenDelayMs) {}

SlcanBackend::~SlcanBackend() {
  stopped_ = true;
  reopen_timer_.cancel();
  close_port();
}

std::string SlcanBackend::describe() const {
  return "slcan " + path_ + " (500 kbit/s)";
}

bool SlcanBackend::is_open() const {
  return impl_->stream.is_open();
}

void SlcanBackend::start() {
  if (!stopped_) return;
  stopped_ = false;
  reopen_delay_ms_ = kFirstReopenDelayMs;
  try_open();
}

void SlcanBackend::stop() {
  if (impl_->stream.is_open()) {
    // Best effort: leave the adapter closed, as slcand does. The descriptor is non-blocking;
    // if the two bytes do not fit, the adapter stays open until the next start's "C".
    boost::system::error_code ignored;
    impl_->stream.non_blocking(true, ignored);
    impl_->stream.write_some(asio::buffer(slcan::kCloseCommand.data(), slcan::kCloseCommand.size()),
                             ignored);
  }
  stopped_ = true;
  reopen_timer_.cancel();
  close_port();
  set_health(CanHealth::error, "stopped");
}

void SlcanBackend::close_port() {
  boost::system::error_code ignored;
  impl_->stream.close(ignored);
  impl_->clear();
}

void SlcanBackend::try_open() {
  if (stopped_) return;
  SerialPort port;
  if (const auto opened = port.open(path_, tty_baud_); !opened) {
    // Unsupported baud rate cannot get better by retrying.
    const bool permanent = opened.error().what == TtyErrc::unsupported_baud;
    set_health(permanent ? CanHealth::failed : CanHealth::error,
               "slcan: " + path_ + ": " + to_string(opened.error()));
    if (!permanent) schedule_reopen();
    return;
  }
  boost::system::error_code ec;
  impl_->stream.assign(port.release(), ec);
  if (ec) {
    handle_failure("cannot watch slcan port: " + ec.message());
    return;
  }
  ++stats_.reopens;
  frame_written_since_open_ = false;
  bell_warning_ = false;
  splitter_ = slcan::LineSplitter{};
  queue_raw(slcan::kInitSequence, kNoDeadline, false);
  set_ok();
  start_read();
}

void SlcanBackend::set_ok() {
  set_health(CanHealth::ok, "slcan adapter on " + path_ + " open at 500 kbit/s");
}

void SlcanBackend::schedule_reopen() {
  if (stopped_) return;
  reopen_timer_.expires_after(std::chrono::milliseconds(reopen_delay_ms_));
  reopen_delay_ms_ = std::min(reopen_delay_ms_ * 2, kMaxReopenDelayMs);
  reopen_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) try_open();
  });
}

void SlcanBackend::handle_failure(const std::string& reason) {
  close_port();
  if (stopped_) return;
  set_health(CanHealth::error, reason);
  schedule_reopen();
}

void SlcanBackend::start_read() {
  impl_->stream.async_read_some(
      asio::buffer(read_buf_), [this](const boost::system::error_code& ec, std::size_t n) {
        if (ec == asio::error::operation_aborted || stopped_) return;
        if (ec) {
          handle_failure("slcan port " + path_ + " lost: " + ec.message());
          return;
        }
        // Only a port that delivers data counts as working again (as in SerialLink).
        reopen_delay_ms_ = kFirstReopenDelayMs;
        on_bytes(read_buf_.data(), n);
        if (impl_->stream.is_open()) start_read();
      });
}

void SlcanBackend::on_bytes(const char* data, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    switch (splitter_.feed(data[i])) {
      case slcan::LineSplitter::Event::none:
        break;
      case slcan::LineSplitter::Event::line:
        on_line(splitter_.line());
        break;
      case slcan::LineSplitter::Event::bell:
        on_bell();
        break;
      case slcan::LineSplitter::Event::overflow:
        ++stats_.rx_ignored;
        break;
    }
  }
}

void SlcanBackend::on_line(std::string_view line) {
  const auto parsed = slcan::parse_line(line);
  switch (parsed.kind) {
    case slcan::LineKind::data_frame:
      if (bell_warning_) {
        bell_warning_ = false;
        set_ok();
      }
      deliver(victron::ReceivedCanFrame{parsed.frame, now_ms()});
      break;
    case slcan::LineKind::reply:
      if (bell_warning_ && !line.empty() && (line[0] == 'z' || line[0] == 'Z')) {
        bell_warning_ = false;
        set_ok();
      }
      break;
    case slcan::LineKind::ignored:
    case slcan::LineKind::malformed:
      ++stats_.rx_ignored;
      break;
  }
}

void SlcanBackend::on_bell() {
  ++stats_.error_frames;
  // A BELL to the init sequence (some adapters refuse "C" when already closed) is harmless.
  if (!frame_written_since_open_) return;
  ++stats_.tx_errors;
  last_bell_ms_ = now_ms();
  bell_warning_ = true;
  set_health(CanHealth::warning,
             "slcan adapter on " + path_ +
                 " refused a frame (BELL): its buffer is full or nobody ACKs on the bus (GX "
                 "connected? bus terminated? 500 kbit/s?)");
}

void SlcanBackend::queue_raw(std::string_view bytes, Millis deadline_ms, bool is_frame) {
  auto& p = impl_->push();
  const std::size_t len = std::min(bytes.size(), p.bytes.size());
  std::memcpy(p.bytes.data(), bytes.data(), len);
  p.len = static_cast<std::uint8_t>(len);
  p.deadline_ms = deadline_ms;
  p.is_frame = is_frame;
  if (!impl_->writing) pump();
}

void SlcanBackend::pump() {
  while (impl_->count > 0) {
    auto& p = impl_->front();
    if (p.is_frame && now_ms() > p.deadline_ms) {
      ++stats_.tx_expired;
      impl_->pop();
      continue;
    }
    impl_->writing = true;
    asio::async_write(impl_->stream, asio::buffer(p.bytes.data(), p.len),
                      [this](const boost::system::error_code& ec, std::size_t) {
                        if (ec == asio::error::operation_aborted || stopped_) return;
                        if (ec) {
                          ++stats_.tx_errors;
                          handle_failure("slcan write to " + path_ + " failed: " + ec.message());
                          return;
                        }
                        if (impl_->front().is_frame) {
                          ++stats_.tx_frames;
                          frame_written_since_open_ = true;
                        }
                        impl_->pop();
                        impl_->writing = false;
                        pump();
                      });
    return;
  }
  impl_->writing = false;
}

CanSendResult SlcanBackend::send(const victron::CanFrame& frame, Millis deadline_ms) {
  if (!impl_->stream.is_open()) {
    ++stats_.tx_errors;
    return CanSendResult::error;
  }
  const Millis now = now_ms();
  if (now > deadline_ms) {
    ++stats_.tx_expired;
    return CanSendResult::error;
  }
  if (impl_->full()) {
    ++stats_.tx_full;
    return CanSendResult::full;
  }
  if (bell_warning_ && now - last_bell_ms_ > kBellWarningHoldMs) {
    bell_warning_ = false;
    set_ok();
  }
  slcan::TxLine line;
  const std::size_t n = slcan::encode_frame(frame, line);
  queue_raw(std::string_view(line.data(), n), deadline_ms, true);
  return CanSendResult::queued;
}

}  // namespace tbgw::platform
