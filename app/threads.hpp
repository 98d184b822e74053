// Every thread of tinybms-gw, in one table (style rule 2; PX4's WorkQueueManager.hpp).
// Adding a thread means adding a row here, with its body, its input and how it stops.
//
// | name            | body                          | input                          | stops when |
// |-----------------|-------------------------------|--------------------------------|------------|
// | asio-loop       | io_context::run (main thread) | serial, CAN, timers, signals   | io.stop()  |
// | history-storage | platform::HistoryWorker::run  | HistoryWorker::push: a ring of |
// request_stop(), then join, after the | |                 | (SQLite writes, fsync)        | 4096
// records, drop-oldest      | loop stopped producing |
// | api-history     | app::api::HistoryQueries::run | HistoryQueries::submit: at most 8 API
// history reads (read-only SQLite connection; WAL lets it read beside the writer), results posted
// to the loop; started on the first query | ApiRouter::stop(): pending jobs cancelled, joined |
//
// Rules: core objects and every adapter belong to asio-loop (no mutex in application code).
// The storage worker owns its SQLite connection; the loop only copies a ~110-byte record
// into its ring under a short lock, so storage can never delay the 1 s CAN cadence. Future
// blocking storage work goes to this worker rather than a new thread.
#pragma once

namespace tbgw::app {

inline constexpr const char* kLoopThreadName = "asio-loop";
inline constexpr const char* kHistoryThreadName = "history-storage";
// http-auth: app/http/hash_worker.cpp, HashWorker::run; input: PBKDF2 jobs (login, first-start
// password), a queue of at most 4 (more get 503); stops: HashWorker::stop() at face stop, join.
inline constexpr const char* kHttpAuthThreadName = "http-auth";
// api-history: app/api/history_queries.cpp (row in the table above).
inline constexpr const char* kApiHistoryThreadName = "api-history";

}  // namespace tbgw::app
