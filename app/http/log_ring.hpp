// LogRing: the last log lines for the WebSocket "log" stream. An spdlog sink (any thread may
// log: the loop, the storage worker, the auth worker) appends formatted lines to a bounded
// ring under the sink's own mutex; the loop drains it once per WebSocket tick. The sink never
// logs itself (that would re-enter spdlog) and never blocks on the network.
//
// Bounds: kMaxLines lines of at most kMaxLineBytes each; when full the oldest line is dropped
// and counted.
#pragma once

#include <spdlog/sinks/base_sink.h>

#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace tbgw::app::http {

class LogRingSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  static constexpr std::size_t kMaxLines = 256;
  static constexpr std::size_t kMaxLineBytes = 1024;

  // The lines logged since the last drain (oldest first).
  std::vector<std::string> drain() {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out(lines_.begin(), lines_.end());
    lines_.clear();
    return out;
  }
  // While false (no log subscriber), lines are not even formatted.
  void set_enabled(bool on) {
    std::lock_guard lock(mutex_);
    enabled_ = on;
    if (!on) lines_.clear();
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    if (!enabled_) return;
    spdlog::memory_buf_t buf;
    formatter_->format(msg, buf);
    std::string line(buf.data(), buf.size());
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    if (line.size() > kMaxLineBytes) line.resize(kMaxLineBytes);
    if (lines_.size() >= kMaxLines) lines_.pop_front();
    lines_.push_back(std::move(line));
  }
  void flush_() override {}

 private:
  std::deque<std::string> lines_;
  bool enabled_ = false;
};

// The process-wide ring, installed into the default logger once (it outlives every face).
std::shared_ptr<LogRingSink> log_ring();

}  // namespace tbgw::app::http
