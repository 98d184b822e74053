#include "app/http/hash_worker.hpp"

#include "app/service/threads.hpp"

namespace tbgw::app::http {

HashWorker::HashWorker()
    : worker_(kHttpAuthThreadName, [](std::function<void()>& job) { job(); }) {}

}  // namespace tbgw::app::http
