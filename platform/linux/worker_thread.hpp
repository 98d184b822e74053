// WorkerThread<Job>: one named thread that runs blocking work off the event loop, one job at a
// time, in the order submitted (DESIGN: one loop, no blocking I/O on it). The password hasher
// (app/http/hash_worker) and the API's history reader (app/api/history_queries) are two of these;
// app/service/threads.hpp lists them.
//
// Theory of operation. submit() (loop thread) appends a job to a FIFO unless `limit` jobs already
// wait: the caller refuses the request (503) rather than queueing without bound. The thread is
// started on the first submit(), so a gateway nobody logs in to or asks for history keeps a
// thread fewer. `body` runs each job on the thread; whatever the job must tell the loop, body
// posts there itself. stop() (loop thread) refuses further jobs, lets the running one finish,
// joins, and hands back the jobs never started, so the caller can still answer each of them.
//
// Bounds: the caller's limit per submit; one thread. Thread safety: submit/stop/queued from one
// owning thread; body on the worker thread only.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "platform/linux/posix.hpp"

namespace tbgw::platform {

template <class Job>
class WorkerThread {
 public:
  using Body = std::function<void(Job& job)>;

  WorkerThread(std::string name, Body body) : name_(std::move(name)), body_(std::move(body)) {}
  ~WorkerThread() { stop(); }
  WorkerThread(const WorkerThread&) = delete;
  WorkerThread& operator=(const WorkerThread&) = delete;

  // False when `limit` jobs already wait or the worker was stopped; the job is then not kept.
  bool submit(Job job, std::size_t limit) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_ || jobs_.size() >= limit) return false;
      jobs_.push_back(std::move(job));
      if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
    }
    wake_.notify_one();
    return true;
  }

  // Idempotent. Returns the jobs that were waiting (empty on a second call).
  std::deque<Job> stop() {
    std::deque<Job> left;
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      left.swap(jobs_);
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    return left;
  }

  std::size_t queued() const {
    std::lock_guard lock(mutex_);
    return jobs_.size();
  }

 private:
  void run() {
    set_thread_name(name_.c_str());
    for (;;) {
      Job job;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
        if (stopping_) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      body_(job);
    }
  }

  const std::string name_;
  const Body body_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace tbgw::platform
