// DbusConnection: one private libdbus connection driven by the gateway's single Asio loop.
//
// Theory of operation. libdbus does no I/O of its own when the application installs watch and
// timeout functions: it tells us which fd to watch for reading/writing and which timers to run,
// and we call dbus_watch_handle()/dbus_timeout_handle() when they fire, then dispatch the
// queued messages. The fd is dup()ed into one boost::asio posix::stream_descriptor (async_wait
// for read and for write, never read()/write() by Asio), so no extra thread and no blocking call:
//   - open() connects to the session bus when DBUS_SESSION_BUS_ADDRESS is set (as velib does;
//     the tests use dbus-run-session), else DBUS_SYSTEM_BUS_ADDRESS, else the system socket; it
//     then sends Hello as an ordinary asynchronous call (dbus_bus_register() would block);
//   - call() sends a method call with a reply callback (a libdbus pending call, whose timeout
//     runs on an Asio timer); send() sends a signal or a reply;
//   - messages for our objects arrive at the fallback handler registered on "/";
//   - "Disconnected" (the daemon went away) calls the disconnect handler once; the owner
//     closes this object and opens a new one later.
//
// Bounds: a handful of watches and timeouts (libdbus uses 2 watches and one timeout per pending
// call); messages are never queued here beyond libdbus's own outgoing queue.
// Threads: the loop's thread only.
#pragma once

#include <dbus/dbus.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "platform/linux/error.hpp"

namespace tbgw::app::dbus {

// Unrefs a DBusMessage when it goes out of scope.
struct MessageUnref {
  void operator()(DBusMessage* m) const {
    if (m != nullptr) dbus_message_unref(m);
  }
};
using Message = std::unique_ptr<DBusMessage, MessageUnref>;

// Why the bus could not be reached (detail: libdbus's own message, e.g. "Failed to connect to
// socket /run/dbus/system_bus_socket: No such file or directory"). The caller adds describe().
enum class BusOpenErrc : std::uint8_t {
  connect,        // dbus_connection_open_private
  out_of_memory,  // installing the watch or timeout functions
};
const char* to_string(BusOpenErrc e);
using BusOpenError = platform::Error<BusOpenErrc>;

class DbusConnection {
 public:
  // reply: nullptr when the call timed out or the connection closed; else the reply or error.
  using ReplyHandler = std::function<void(DBusMessage* reply)>;
  // A message for one of our object paths; returns true when it was answered.
  using ObjectHandler = std::function<bool(DBusMessage* m)>;
  // A signal the match rules let through.
  using SignalHandler = std::function<void(DBusMessage* m)>;

  explicit DbusConnection(boost::asio::io_context& io);
  ~DbusConnection();
  DbusConnection(const DbusConnection&) = delete;
  DbusConnection& operator=(const DbusConnection&) = delete;

  // Connects and sends Hello; on_ready runs when the bus answered it. Fails when the bus
  // cannot be reached at all.
  Result<void, BusOpenError> open(std::function<void()> on_ready,
                                  std::function<void()> on_disconnected);
  void close();
  bool ready() const { return ready_; }
  // "session bus unix:path=..." for logs.
  const std::string& describe() const { return describe_; }

  void set_object_handler(ObjectHandler h) { object_handler_ = std::move(h); }
  void set_signal_handler(SignalHandler h) { signal_handler_ = std::move(h); }
  // Registers the fallback object handler on "/" (every path). False when it fails.
  bool register_objects();

  void call(Message m, std::chrono::milliseconds timeout, ReplyHandler on_reply);
  void send(Message m);

  std::uint64_t messages_sent() const { return sent_; }
  std::uint64_t messages_received() const { return received_; }

 private:
  struct Timeout;
  static dbus_bool_t add_watch(DBusWatch* w, void* self);
  static void remove_watch(DBusWatch* w, void* self);
  static void toggle_watch(DBusWatch* w, void* self);
  static dbus_bool_t add_timeout(DBusTimeout* t, void* self);
  static void remove_timeout(DBusTimeout* t, void* self);
  static void toggle_timeout(DBusTimeout* t, void* self);
  static void dispatch_status(DBusConnection* c, DBusDispatchStatus s, void* self);
  static DBusHandlerResult filter(DBusConnection* c, DBusMessage* m, void* self);
  static DBusHandlerResult object_message(DBusConnection* c, DBusMessage* m, void* self);

  void arm();
  void arm_timeout(Timeout& t);
  void handle(unsigned int flag);
  void dispatch();
  void schedule_dispatch();

  boost::asio::io_context& io_;
  DBusConnection* conn_ = nullptr;
  std::unique_ptr<boost::asio::posix::stream_descriptor> fd_;
  std::vector<DBusWatch*> watches_;
  std::vector<std::unique_ptr<Timeout>> timeouts_;
  bool read_pending_ = false;
  bool write_pending_ = false;
  bool dispatch_posted_ = false;
  bool ready_ = false;
  bool objects_registered_ = false;
  std::function<void()> on_ready_;
  std::function<void()> on_disconnected_;
  ObjectHandler object_handler_;
  SignalHandler signal_handler_;
  std::string describe_;
  std::uint64_t sent_ = 0;
  std::uint64_t received_ = 0;
  // Outstanding completion handlers check this so nothing runs after close().
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace tbgw::app::dbus
