// HistoryQueries: the one thread on which the API reads STATE_DIR/history.sqlite, so SQLite
// never runs on the event loop (DESIGN: one loop, no blocking I/O on it).
//
// Theory of operation. A platform::WorkerThread ("api-history", started on the first query).
// submit() (loop thread) appends a job to a bounded FIFO (kCapacity) and returns false when it
// is full: the route answers 503 instead of queueing without bound. The thread opens its own
// read-only connection (SQLite WAL lets a reader run beside the storage
// worker's writer; re-opened after a failure), runs one job at a time and posts the job's
// completion back to the io_context, where the route replies. stop() (loop thread) takes the
// jobs not started, joins the thread and calls their cancel() so each still answers once.
// A completion posted after the owner went away finds `alive_` expired and does nothing.
//
// Bounds: kCapacity queued jobs; one connection; each job bounds its own result size.
#pragma once

#include <boost/asio/io_context.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "platform/linux/history_store.hpp"
#include "platform/linux/worker_thread.hpp"

namespace tbgw::app::api {

class HistoryQueries {
 public:
  static constexpr std::size_t kCapacity = 8;
  // Extra room for the next page of a streamed export already running (their number is capped
  // by the route), so a burst of new queries cannot cut a download in the middle.
  static constexpr std::size_t kContinuationRoom = 4;

  // Runs on the query thread with the open store (nullptr and `open_error` when the database
  // cannot be opened); returns the completion to run on the loop.
  using Work = std::function<std::function<void()>(platform::HistoryStore* store,
                                                   const std::string& open_error)>;

  HistoryQueries(boost::asio::io_context& io, std::filesystem::path state_dir);
  ~HistoryQueries();
  HistoryQueries(const HistoryQueries&) = delete;
  HistoryQueries& operator=(const HistoryQueries&) = delete;

  // False when the queue is full or stopped; `cancel` runs on the loop if the job never runs.
  // A continuation (the next page of a running export) may use kContinuationRoom more.
  bool submit(Work work, std::function<void()> cancel, bool continuation = false);
  void stop();

  std::size_t queued() const { return worker_.queued(); }
  std::uint64_t completed() const { return completed_; }
  std::uint64_t refused() const { return refused_; }

 private:
  struct Job {
    Work work;
    std::function<void()> cancel;
  };
  void run(Job& job);  // on the worker thread

  boost::asio::io_context& io_;
  std::filesystem::path state_dir_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::uint64_t completed_ = 0;  // loop thread only
  std::uint64_t refused_ = 0;    // loop thread only
  // The worker thread's own: its read-only connection and why it could not be opened.
  std::unique_ptr<platform::HistoryStore> store_;
  std::string open_error_;
  // Last: the thread must stop (destruction order) before what it uses goes away.
  platform::WorkerThread<Job> worker_;
};

}  // namespace tbgw::app::api
