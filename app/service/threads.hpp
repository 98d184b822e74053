// Every thread of tinybms-gw, in one table (style rule 2; PX4's WorkQueueManager.hpp).
// Adding a thread means adding a row here, with its body, its input and how it stops.
//
// The table is read by people: clang-format is told to leave it as it is.
// clang-format off
// | name            | body                           | input                                  | stops when                        |
// |-----------------|--------------------------------|----------------------------------------|-----------------------------------|
// | asio-loop       | io_context::run (main thread)  | serial, CAN, timers, signals, sockets  | io.stop()                         |
// | history-storage | platform::HistoryWorker::run   | HistoryWorker::push: a ring of 4096    | request_stop(), then join, after  |
// |                 | (SQLite writes, fsync)         | records, drop-oldest                   | the loop stopped producing        |
// | http-auth       | app::http::HashWorker          | PBKDF2 jobs (login, first-start        | HashWorker::stop() when the HTTP  |
// |                 | (app/http/hash_worker.cpp)     | password): a queue of at most 4; more  | face stops, then join             |
// |                 |                                | get 503; started on the first job      |                                   |
// | api-history     | app::api::HistoryQueries       | HistoryQueries::submit: at most 8 API  | ApiRouter::stop(): pending jobs   |
// |                 | (read-only SQLite connection;  | history reads; results posted to the   | cancelled, then join              |
// |                 | WAL lets it read beside the    | loop; started on the first query       |                                   |
// |                 | writer)                        |                                        |                                   |
// clang-format on
//
// Rules: core objects and every adapter belong to asio-loop (no mutex in application code).
// The storage worker owns its SQLite connection; the loop only copies a ~110-byte record into
// its ring under a short lock, so storage can never delay the 1 s CAN cadence. Future blocking
// storage work goes to this worker rather than a new thread. http-auth and api-history are both a
// platform::WorkerThread (a bounded FIFO run one job at a time). Threads are named with
// platform::set_thread_name (platform/linux/posix.hpp) so `top -H` shows these names.
#pragma once

namespace tbgw::app {

inline constexpr const char* kLoopThreadName = "asio-loop";
inline constexpr const char* kHistoryThreadName = "history-storage";
inline constexpr const char* kHttpAuthThreadName = "http-auth";
inline constexpr const char* kApiHistoryThreadName = "api-history";

}  // namespace tbgw::app
