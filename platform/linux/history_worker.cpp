#include "platform/linux/history_worker.hpp"

#include <algorithm>

namespace tbgw::platform {

using Clock = std::chrono::steady_clock;

HistoryWorker::HistoryWorker(const std::filesystem::path& state_dir, HistoryRetention retention,
                             HistoryWorkerOptions options)
    : store_(state_dir, retention),
      options_(options),
      ring_(std::max<std::size_t>(1, options.queue_capacity)),
      alert_ring_(std::max<std::size_t>(1, options.alert_queue_capacity)) {}

bool HistoryWorker::push_alert(const history::AlertRecord& a) {
  {
    std::lock_guard lock(mutex_);
    ++status_.alerts_pushed;
    if (alert_size_ == alert_ring_.size()) {
      ++status_.alerts_dropped_queue_full;
      return false;
    }
    alert_ring_[(alert_head_ + alert_size_) % alert_ring_.size()] = a;
    ++alert_size_;
  }
  wake_.notify_one();
  return true;
}

void HistoryWorker::push(const history::HistoryRecord& r) {
  {
    std::lock_guard lock(mutex_);
    ++status_.pushed;
    if (size_ == ring_.size()) {
      ring_[head_] = r;  // overwrite the oldest; it becomes the newest
      head_ = (head_ + 1) % ring_.size();
      ++status_.dropped_queue_full;
    } else {
      ring_[(head_ + size_) % ring_.size()] = r;
      ++size_;
    }
    if (size_ < options_.batch_max) return;
  }
  wake_.notify_one();
}

void HistoryWorker::request_stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
}

HistoryWorkerStatus HistoryWorker::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

std::size_t HistoryWorker::drain(std::vector<history::HistoryRecord>& out) {
  out.clear();
  for (; size_ > 0; --size_) {
    out.push_back(ring_[head_]);
    head_ = (head_ + 1) % ring_.size();
  }
  return out.size();
}

void HistoryWorker::drain_alerts(std::vector<history::AlertRecord>& pending) {
  for (; alert_size_ > 0; --alert_size_) {
    if (pending.size() < alert_ring_.size()) {
      pending.push_back(alert_ring_[alert_head_]);
    } else {
      ++status_.alerts_dropped_unwritable;  // earlier entries still wait for the disk
    }
    alert_head_ = (alert_head_ + 1) % alert_ring_.size();
  }
}

void HistoryWorker::add_to_batch(const history::TierOutput& o, const history::HistoryRecord* r,
                                 HistoryBatch& batch) {
  if (o.raw_accepted && r != nullptr) batch.raw.push_back(*r);
  if (o.minute) batch.minute.push_back(*o.minute);
  if (o.quarter) batch.quarter.push_back(*o.quarter);
}

bool HistoryWorker::space_returned() const {
  if (store_.health() != HistoryHealth::disk_full) return false;
  std::error_code ec;
  const auto space = std::filesystem::space(store_.file_path().parent_path(), ec);
  return !ec && space.available >= kSpaceToRetryBytes;
}

void HistoryWorker::write_batch(HistoryBatch& batch, Clock::time_point& retry_at) {
  if (batch.empty()) return;
  const auto now = Clock::now();
  bool ok = false;
  std::uint64_t us = 0;
  if (store_.health() == HistoryHealth::ok || now >= retry_at || space_returned()) {
    if (store_.health() != HistoryHealth::ok && store_.health() != HistoryHealth::closed) {
      // A retry starts from a fresh connection. Its failure needs no handling here: open() has
      // set health() and reason(), which the write below (refused while not open) and the
      // status copied after it report.
      (void)store_.open();
    }
    ok = store_.write(batch);
    us = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - now).count());
    if (!ok) retry_at = Clock::now() + options_.retry_interval;
  }
  std::lock_guard lock(mutex_);
  if (!ok) status_.dropped_unwritable += batch.raw.size();
  if (us > 0) {
    status_.last_batch_us = us;
    status_.max_batch_us = std::max(status_.max_batch_us, us);
  }
  status_.health = store_.health();
  status_.reason = store_.reason();
  status_.store = store_.stats();
  status_.tiers = tiers_.stats();
  if (ok) {
    batch.clear();
  } else {  // samples go (bounded memory), alert entries wait for the next write
    std::vector<history::AlertRecord> keep;
    keep.swap(batch.alerts);
    batch.clear();
    keep.swap(batch.alerts);
  }
  status_.alerts_pending = batch.alerts.size();
}

void HistoryWorker::run() {
  const HistoryOpenResult opened = store_.open();
  tiers_.seed(store_.last_time_ms());
  Clock::time_point retry_at = opened ? Clock::time_point{} : Clock::now();
  {
    std::lock_guard lock(mutex_);
    status_.running = true;
    status_.open_detail = opened ? *opened : to_string(opened.error());
    status_.health = store_.health();
    status_.reason = store_.reason();
    status_.store = store_.stats();
  }
  std::vector<history::HistoryRecord> records;
  records.reserve(ring_.size());
  HistoryBatch batch;
  batch.alerts.reserve(alert_ring_.size());
  bool stopping = false;
  while (!stopping) {
    {
      std::unique_lock lock(mutex_);
      const auto due = Clock::now() + options_.batch_interval;
      const auto full = [&] { return stop_ || size_ >= options_.batch_max; };
      wake_.wait_until(lock, due, [&] { return full() || alert_size_ > 0; });
      if (!full() && alert_size_ > 0) {
        wake_.wait_until(lock, std::min(due, Clock::now() + options_.alert_flush_delay), full);
      }
      stopping = stop_;
      drain(records);
      drain_alerts(batch.alerts);
    }
    for (const auto& r : records) add_to_batch(tiers_.add(r), &r, batch);
    if (stopping) add_to_batch(tiers_.flush(), nullptr, batch);
    write_batch(batch, retry_at);
  }
  std::lock_guard lock(mutex_);
  status_.alerts_dropped_unwritable += batch.alerts.size();  // the last write failed
  status_.alerts_pending = 0;
  status_.tiers = tiers_.stats();
  status_.running = false;
}

}  // namespace tbgw::platform
