// HashWorker: one thread that runs slow password hashing (PBKDF2, ~0.3-1 s) off the event loop,
// so a login never delays the CAN cadence (DESIGN rule 2). Jobs are plain closures; a job that
// has a result for the loop posts it there itself (asio::post on the loop's io_context).
//
// Bounds: at most kMaxQueued jobs waiting (a few logins at once is plenty for one admin); a
// submit() beyond that returns false and the caller answers 503. stop() discards waiting
// jobs, lets the running one finish, and joins. A platform::WorkerThread (started on the first
// job), listed in app/service/threads.hpp ("http-auth").
#pragma once

#include <cstddef>
#include <functional>

#include "platform/linux/worker_thread.hpp"

namespace tbgw::app::http {

class HashWorker {
 public:
  static constexpr std::size_t kMaxQueued = 4;

  HashWorker();
  HashWorker(const HashWorker&) = delete;
  HashWorker& operator=(const HashWorker&) = delete;

  bool submit(std::function<void()> job) { return worker_.submit(std::move(job), kMaxQueued); }
  // The waiting jobs are dropped on the caller's thread (nobody waits for a login's answer
  // once the face stops).
  void stop() { worker_.stop(); }

 private:
  platform::WorkerThread<std::function<void()>> worker_;
};

}  // namespace tbgw::app::http
