// platform::WorkerThread: order, the caller's limit, stop() handing back what never ran, the
// thread's name as the OS shows it. Jobs block on a gate the test opens, so what is queued at
// each moment is known without any timing assumption.
#include "platform/linux/worker_thread.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <vector>

namespace tbgw::platform {
namespace {

// A job reports that it started, then waits until the test opens the gate.
struct Gate {
  std::mutex m;
  std::condition_variable cv;
  bool open = false;
  int started = 0;
  std::vector<int> ran;

  void run(int id) {
    std::unique_lock lock(m);
    ++started;
    cv.notify_all();
    cv.wait(lock, [this] { return open; });
    ran.push_back(id);
  }
  void wait_started(int n) {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return started >= n; });
  }
  void release() {
    std::lock_guard lock(m);
    open = true;
    cv.notify_all();
  }
};

std::vector<std::string> thread_names() {
  std::vector<std::string> names;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    std::getline(comm, name);
    names.push_back(name);
  }
  return names;
}

bool has_thread(const std::string& name) {
  for (const auto& n : thread_names())
    if (n == name) return true;
  return false;
}

TEST(WorkerThread, GivenJobs_WhenRun_ThenOneAtATimeInOrderOnANamedThreadStartedOnFirstUse) {
  Gate gate;
  WorkerThread<int> worker("tbgw-test-wk", [&gate](int& id) { gate.run(id); });
  EXPECT_FALSE(has_thread("tbgw-test-wk")) << "no thread before the first job";
  ASSERT_TRUE(worker.submit(1, 8));
  gate.wait_started(1);
  EXPECT_TRUE(has_thread("tbgw-test-wk"));
  ASSERT_TRUE(worker.submit(2, 8));
  ASSERT_TRUE(worker.submit(3, 8));
  EXPECT_EQ(worker.queued(), 2U) << "one runs, two wait";
  gate.release();
  const auto left = worker.stop();
  EXPECT_EQ(gate.ran.size() + left.size(), 3U) << "each job ran or was handed back";
  EXPECT_EQ(gate.ran.front(), 1);
  for (std::size_t i = 1; i < gate.ran.size(); ++i) EXPECT_LT(gate.ran[i - 1], gate.ran[i]);
}

TEST(WorkerThread, GivenLimitReached_WhenSubmitted_ThenRefusedAndNotKept) {
  Gate gate;
  WorkerThread<int> worker("tbgw-test-lim", [&gate](int& id) { gate.run(id); });
  ASSERT_TRUE(worker.submit(1, 2));
  gate.wait_started(1);  // 1 runs: the queue is empty again
  EXPECT_TRUE(worker.submit(2, 2));
  EXPECT_TRUE(worker.submit(3, 2));
  EXPECT_FALSE(worker.submit(4, 2)) << "two wait: the limit";
  EXPECT_TRUE(worker.submit(5, 3)) << "a larger limit (an export's next page) still fits";
  EXPECT_EQ(worker.queued(), 3U);
  gate.release();
}

TEST(WorkerThread, GivenWaitingJobs_WhenStopped_ThenRunningOneFinishesAndTheOthersAreHandedBack) {
  Gate gate;
  WorkerThread<int> worker("tbgw-test-stop", [&gate](int& id) { gate.run(id); });
  ASSERT_TRUE(worker.submit(1, 8));
  gate.wait_started(1);
  ASSERT_TRUE(worker.submit(2, 8));
  ASSERT_TRUE(worker.submit(3, 8));
  std::deque<int> left;
  std::thread stopper([&] { left = worker.stop(); });  // joins: blocks until job 1 ends
  // stop() takes the waiting jobs before it joins; then job 1 may finish.
  while (worker.queued() != 0U) std::this_thread::yield();
  gate.release();
  stopper.join();
  EXPECT_EQ(gate.ran, std::vector<int>{1}) << "the running job finished; no other job ran";
  EXPECT_EQ(left, (std::deque<int>{2, 3}));
  EXPECT_FALSE(worker.submit(4, 8)) << "a stopped worker takes nothing";
  EXPECT_TRUE(worker.stop().empty()) << "stop() twice is harmless";
}

}  // namespace
}  // namespace tbgw::platform
