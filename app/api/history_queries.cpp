// HistoryQueries (history_queries.hpp): the API's SQLite reader thread.
#include "app/api/history_queries.hpp"

#include <boost/asio/post.hpp>

#include <utility>

#include "app/service/threads.hpp"

namespace tbgw::app::api {

HistoryQueries::HistoryQueries(boost::asio::io_context& io, std::filesystem::path state_dir)
    : io_(io),
      state_dir_(std::move(state_dir)),
      worker_(app::kApiHistoryThreadName, [this](Job& job) { run(job); }) {}

HistoryQueries::~HistoryQueries() {
  stop();
  *alive_ = false;
}

bool HistoryQueries::submit(Work work, std::function<void()> cancel, bool continuation) {
  const std::size_t limit = kCapacity + (continuation ? kContinuationRoom : 0);
  if (worker_.submit(Job{std::move(work), std::move(cancel)}, limit)) return true;
  ++refused_;
  return false;
}

void HistoryQueries::stop() {
  for (auto& job : worker_.stop()) {
    if (job.cancel) job.cancel();
  }
}

void HistoryQueries::run(Job& job) {
  if (!store_) {
    store_ = std::make_unique<platform::HistoryStore>(state_dir_);
    const auto opened = store_->open_read_only();
    if (!opened) {
      open_error_ = platform::to_string(opened.error());
      store_.reset();
    } else {
      open_error_.clear();
    }
  }
  auto done = job.work(store_.get(), open_error_);
  // Drop the job's own captures here, before `done` can run (and be freed) on the loop: what
  // they share with `done` (a reply holding a connection) must be released on the loop.
  job = Job{};
  // A failed read may mean the file was replaced (moved aside as corrupt): re-open next time.
  if (store_ && store_->health() != platform::HistoryHealth::ok) store_.reset();
  std::weak_ptr<bool> alive = alive_;
  boost::asio::post(io_, [this, alive, done = std::move(done)] {
    if (alive.expired()) return;
    ++completed_;
    if (done) done();
  });
}

}  // namespace tbgw::app::api
