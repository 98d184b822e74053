// HashWorker: one thread that runs slow password hashing (PBKDF2, ~0.3-1 s) off the event loop,
// so a login never delays the CAN cadence (DESIGN rule 2). Jobs are plain closures; a job that
// has a result for the loop posts it there itself (asio::post on the loop's io_context).
//
// Bounds: at most kMaxQueued jobs waiting (a few logins at once is plenty for one admin); a
// submit() beyond that returns false and the caller answers 503. stop() discards waiting
// jobs, lets the running one finish, and joins. Listed in app/threads.hpp ("http-auth").
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace tbgw::app::http {

class HashWorker {
 public:
  static constexpr std::size_t kMaxQueued = 4;

  HashWorker();
  ~HashWorker() { stop(); }
  HashWorker(const HashWorker&) = delete;
  HashWorker& operator=(const HashWorker&) = delete;

  bool submit(std::function<void()> job);
  void stop();

 private:
  void run();
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace tbgw::app::http
