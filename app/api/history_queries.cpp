// HistoryQueries (history_queries.hpp): the API's SQLite reader thread.
#include "app/api/history_queries.hpp"

#include <pthread.h>

#include <boost/asio/post.hpp>

#include <utility>
#include <vector>

#include "app/threads.hpp"

namespace tbgw::app::api {

HistoryQueries::HistoryQueries(boost::asio::io_context& io, std::filesystem::path state_dir)
    : io_(io), state_dir_(std::move(state_dir)) {}

HistoryQueries::~HistoryQueries() {
  stop();
  *alive_ = false;
}

bool HistoryQueries::submit(Work work, std::function<void()> cancel, bool continuation) {
  {
    std::lock_guard lock(mutex_);
    if (stop_ || jobs_.size() >= kCapacity + (continuation ? kContinuationRoom : 0)) {
      ++refused_;
      return false;
    }
    jobs_.push_back(Job{std::move(work), std::move(cancel)});
    // Started on first use: a gateway nobody asks for history keeps one thread fewer.
    if (!started_) {
      started_ = true;
      thread_ = std::thread([this] { run(); });
    }
  }
  wake_.notify_one();
  return true;
}

std::size_t HistoryQueries::queued() const {
  std::lock_guard lock(mutex_);
  return jobs_.size();
}

void HistoryQueries::stop() {
  std::deque<Job> left;
  {
    std::lock_guard lock(mutex_);
    if (stop_ && !thread_.joinable()) return;
    stop_ = true;
    left.swap(jobs_);
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (auto& job : left) {
    if (job.cancel) job.cancel();
  }
}

void HistoryQueries::run() {
  ::pthread_setname_np(::pthread_self(), app::kApiHistoryThreadName);
  std::unique_ptr<platform::HistoryStore> store;
  std::string open_error;
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stop_ || !jobs_.empty(); });
      if (stop_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    if (!store) {
      store = std::make_unique<platform::HistoryStore>(state_dir_);
      const auto opened = store->open_read_only();
      if (!opened) {
        open_error = platform::to_string(opened.error());
        store.reset();
      } else {
        open_error.clear();
      }
    }
    auto done = job.work(store.get(), open_error);
    // Drop the job's own captures here, before `done` can run (and be freed) on the loop: what
    // they share with `done` (a reply holding a connection) must be released on the loop.
    job = Job{};
    // A failed read may mean the file was replaced (moved aside as corrupt): re-open next time.
    if (store && store->health() != platform::HistoryHealth::ok) store.reset();
    std::weak_ptr<bool> alive = alive_;
    boost::asio::post(io_, [this, alive, done = std::move(done)] {
      if (alive.expired()) return;
      ++completed_;
      if (done) done();
    });
  }
}

}  // namespace tbgw::app::api
