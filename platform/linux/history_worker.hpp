// HistoryWorker: the storage worker. The event loop hands it one HistoryRecord per snapshot
// (push(): a copy into a bounded ring, never waits for I/O); the worker thread batches the
// records, runs the tiers (core/history/HistoryTiers) and writes each batch to HistoryStore in
// one transaction, so no fsync and no SQLite call ever runs on the loop (DESIGN rule 2).
//
// Theory of operation
// - The ring holds `queue_capacity` records, allocated once. When it is full, push() overwrites
//   the oldest record and counts it (dropped_queue_full): the loop never waits, the newest
//   data wins. The mutex guards only the ring indices and one copy per record; the worker
//   never holds it across I/O.
// - Alert entries (push_alert(): our alert edges, the TinyBMS's events) have a second small
//   ring, `alert_queue_capacity`. It never overwrites: an entry that finds it full is refused
//   (push_alert returns false) and counted (alerts_dropped_queue_full), so the log keeps the
//   start of a storm, which names its cause. An entry wakes the worker, which waits
//   `alert_flush_delay` to gather the rest of a burst into one transaction and then writes it
//   with the samples waiting so far: an edge is on disk within about a second, not at the next
//   batch interval. Entries of a failed write are kept (up to the ring capacity) and written
//   with the next batch that succeeds, so a full disk that frees up still records its alert.
// - run() is the thread body (the thread itself is created by app/service/threads.hpp, the one
// table
//   of threads): open the store (moving a bad file aside), seed the clock rule with the newest
//   stored time, then every `batch_interval` (or when `batch_max` records wait) drain the
//   ring, feed the tiers and write one batch. request_stop() makes run() drain the ring, close
//   the open buckets (partial, merged after a restart), write them and return.
// - A failed write (disk full, I/O error) drops that batch (counted), keeps the store's health
//   and reason in status(), and tries again after `retry_interval`; batches meanwhile are
//   dropped, not queued, so memory stays bounded. A full disk is tried again at the next batch
//   as soon as its file system has kSpaceToRetryBytes free (one statvfs per batch), so writing
//   and the storage alert recover with the space, not up to `retry_interval` later. The loop polls
//   status() (cheap, locked copy) and turns a health other than ok into the storage alert.
//
// Bounds: memory = queue_capacity * sizeof(HistoryRecord) (~110 B) + one batch, plus
// 2 * alert_queue_capacity * sizeof(AlertRecord) (~180 B). push(), push_alert(), request_stop() and
// status() may be called from any thread; run() from one thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "core/history/alert_record.hpp"
#include "core/history/history_record.hpp"
#include "core/history/history_tiers.hpp"
#include "platform/linux/history_store.hpp"

namespace tbgw::platform {

struct HistoryWorkerOptions {
  std::size_t queue_capacity = 4096;  // about an hour of 1 s polls
  std::size_t batch_max = 600;
  std::chrono::milliseconds batch_interval{30'000};
  std::chrono::milliseconds retry_interval{300'000};
  std::size_t alert_queue_capacity = 256;
  std::chrono::milliseconds alert_flush_delay{1'000};  // gathers a burst of alert edges
};

struct HistoryWorkerStatus {
  HistoryHealth health = HistoryHealth::closed;
  std::string reason;       // empty when ok
  std::string open_detail;  // the open() log line (mentions a file moved aside)
  std::uint64_t pushed = 0;
  std::uint64_t dropped_queue_full = 0;
  std::uint64_t dropped_unwritable = 0;  // records lost with a failed or skipped batch
  std::uint64_t alerts_pushed = 0;
  std::uint64_t alerts_dropped_queue_full = 0;
  std::uint64_t alerts_dropped_unwritable = 0;  // more waiting than the ring holds, or at stop
  std::size_t alerts_pending = 0;               // kept from failed writes, retried
  history::TierStats tiers{};
  HistoryStoreStats store{};
  std::uint64_t last_batch_us = 0;  // duration of the last write on the worker
  std::uint64_t max_batch_us = 0;
  bool running = false;
};

class HistoryWorker {
 public:
  HistoryWorker(const std::filesystem::path& state_dir, HistoryRetention retention = {},
                HistoryWorkerOptions options = {});
  HistoryWorker(const HistoryWorker&) = delete;
  HistoryWorker& operator=(const HistoryWorker&) = delete;

  // Loop side: copies `r` into the ring. Never blocks on I/O.
  void push(const history::HistoryRecord& r);
  // Loop side: copies `a` into the alert ring and wakes the worker. Never blocks on I/O.
  // False when the ring is full (the entry is dropped and counted).
  bool push_alert(const history::AlertRecord& a);
  // Thread body: returns after request_stop(), with everything pushed before it written.
  void run();
  void request_stop();
  HistoryWorkerStatus status() const;

 private:
  std::size_t drain(std::vector<history::HistoryRecord>& out);
  void drain_alerts(std::vector<history::AlertRecord>& pending);
  void write_batch(HistoryBatch& batch, std::chrono::steady_clock::time_point& retry_at);
  static constexpr std::uintmax_t kSpaceToRetryBytes = 1U << 20;
  bool space_returned() const;
  void add_to_batch(const history::TierOutput& o, const history::HistoryRecord* r,
                    HistoryBatch& batch);

  HistoryStore store_;
  HistoryWorkerOptions options_;
  history::HistoryTiers tiers_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<history::HistoryRecord> ring_;
  std::size_t head_ = 0;  // oldest record
  std::size_t size_ = 0;
  std::vector<history::AlertRecord> alert_ring_;
  std::size_t alert_head_ = 0;
  std::size_t alert_size_ = 0;
  bool stop_ = false;
  HistoryWorkerStatus status_;
};

}  // namespace tbgw::platform
