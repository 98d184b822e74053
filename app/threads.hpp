// Every thread of tinybms-gw, in one table (style rule 2; PX4's WorkQueueManager.hpp).
// Adding a thread means adding a row here, with its body, its input and how it stops.
//
// | name            | body                          | input                          | stops when |
// |-----------------|-------------------------------|--------------------------------|------------|
// | asio-loop       | io_context::run (main thread) | serial, CAN, timers, signals   | io.stop()  |
// | history-storage | platform::HistoryWorker::run  | HistoryWorker::push: a ring of |
// request_stop(), then join, after the | |                 | (SQLite writes, fsync)        | 4096
// records, drop-oldest      | loop stopped producing |
//
// Rules: core objects and every adapter belong to asio-loop (no mutex in application code).
// The storage worker owns its SQLite connection; the loop only copies a ~110-byte record
// into its ring under a short lock, so storage can never delay the 1 s CAN cadence. Future
// blocking storage work goes to this worker rather than a new thread.
#pragma once

namespace tbgw::app {

inline constexpr const char* kLoopThreadName = "asio-loop";
inline constexpr const char* kHistoryThreadName = "history-storage";

}  // namespace tbgw::app
