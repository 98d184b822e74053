// DbusConnection (dbus_connection.hpp): libdbus watches and timeouts on the Asio loop.
#include "app/dbus/dbus_connection.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <cstdlib>

#include "platform/linux/posix.hpp"

namespace tbgw::app::dbus {

namespace asio = boost::asio;

struct DbusConnection::Timeout {
  Timeout(asio::io_context& io, DBusTimeout* t) : timeout(t), timer(io) {}
  DBusTimeout* timeout;
  asio::steady_timer timer;
};

namespace {

// The bus the Victron code would use: the session bus when one is announced (tests), else the
// system bus (a GX device).
std::string bus_address(std::string& describe) {
  if (const char* s = std::getenv("DBUS_SESSION_BUS_ADDRESS"); s != nullptr && *s != '\0') {
    describe = std::string("session bus ") + s;
    return s;
  }
  if (const char* s = std::getenv("DBUS_SYSTEM_BUS_ADDRESS"); s != nullptr && *s != '\0') {
    describe = std::string("system bus ") + s;
    return s;
  }
  describe = "system bus unix:path=/var/run/dbus/system_bus_socket";
  return "unix:path=/var/run/dbus/system_bus_socket";
}

struct PendingReply {
  DbusConnection::ReplyHandler handler;
  std::weak_ptr<bool> alive;
};

void pending_notify(DBusPendingCall* pending, void* data) {
  auto* p = static_cast<PendingReply*>(data);
  DBusMessage* reply = dbus_pending_call_steal_reply(pending);
  const auto alive = p->alive.lock();
  if (alive && *alive && p->handler) p->handler(reply);
  if (reply != nullptr) dbus_message_unref(reply);
}

void pending_free(void* data) {
  delete static_cast<PendingReply*>(data);
}

}  // namespace

DbusConnection::DbusConnection(asio::io_context& io) : io_(io) {}

DbusConnection::~DbusConnection() {
  close();
}

const char* to_string(BusOpenErrc e) {
  switch (e) {
    case BusOpenErrc::connect:
      return "cannot connect:";
    case BusOpenErrc::out_of_memory:
      return "out of memory";
  }
  return "cannot open the bus";
}

Result<void, BusOpenError> DbusConnection::open(std::function<void()> on_ready,
                                                std::function<void()> on_disconnected) {
  close();
  on_ready_ = std::move(on_ready);
  on_disconnected_ = std::move(on_disconnected);
  const std::string address = bus_address(describe_);
  DBusError err;
  dbus_error_init(&err);
  conn_ = dbus_connection_open_private(address.c_str(), &err);
  if (conn_ == nullptr) {
    auto e = platform::make_error(BusOpenErrc::connect, 0,
                                  err.message != nullptr ? err.message : "no reason given");
    dbus_error_free(&err);
    return e;
  }
  dbus_connection_set_exit_on_disconnect(conn_, FALSE);
  dbus_connection_add_filter(conn_, &DbusConnection::filter, this, nullptr);
  dbus_connection_set_dispatch_status_function(conn_, &DbusConnection::dispatch_status, this,
                                               nullptr);
  if (!dbus_connection_set_watch_functions(conn_, &add_watch, &remove_watch, &toggle_watch, this,
                                           nullptr) ||
      !dbus_connection_set_timeout_functions(conn_, &add_timeout, &remove_timeout, &toggle_timeout,
                                             this, nullptr)) {
    close();
    return platform::make_error(BusOpenErrc::out_of_memory);
  }
  // Hello, asynchronously (dbus_bus_register() would block the loop until the bus answers).
  Message hello(dbus_message_new_method_call("org.freedesktop.DBus", "/org/freedesktop/DBus",
                                             "org.freedesktop.DBus", "Hello"));
  call(std::move(hello), std::chrono::seconds(25), [this](DBusMessage* reply) {
    if (reply == nullptr || dbus_message_get_type(reply) != DBUS_MESSAGE_TYPE_METHOD_RETURN) {
      return;  // the disconnect path reports it
    }
    ready_ = true;
    if (on_ready_) on_ready_();
  });
  return {};
}

void DbusConnection::close() {
  *alive_ = false;
  alive_ = std::make_shared<bool>(true);
  ready_ = false;
  if (conn_ == nullptr) return;
  if (objects_registered_) dbus_connection_unregister_object_path(conn_, "/");
  objects_registered_ = false;
  dbus_connection_set_dispatch_status_function(conn_, nullptr, nullptr, nullptr);
  dbus_connection_set_watch_functions(conn_, nullptr, nullptr, nullptr, nullptr, nullptr);
  dbus_connection_set_timeout_functions(conn_, nullptr, nullptr, nullptr, nullptr, nullptr);
  dbus_connection_remove_filter(conn_, &DbusConnection::filter, this);
  watches_.clear();
  timeouts_.clear();
  fd_.reset();
  read_pending_ = false;
  write_pending_ = false;
  dispatch_posted_ = false;
  dbus_connection_close(conn_);
  // Outstanding calls complete with an error at the next dispatch; their handlers see alive_
  // false and do nothing, and libdbus frees them (else they and the connection would leak).
  for (int i = 0; i < 1000 && dbus_connection_dispatch(conn_) == DBUS_DISPATCH_DATA_REMAINS; ++i) {
  }
  dbus_connection_unref(conn_);
  conn_ = nullptr;
}

bool DbusConnection::register_objects() {
  if (conn_ == nullptr) return false;
  if (objects_registered_) return true;
  static const DBusObjectPathVTable vtable = {
      nullptr, &DbusConnection::object_message, nullptr, nullptr, nullptr, nullptr};
  objects_registered_ = dbus_connection_register_fallback(conn_, "/", &vtable, this) != 0;
  return objects_registered_;
}

void DbusConnection::call(Message m, std::chrono::milliseconds timeout, ReplyHandler on_reply) {
  DBusPendingCall* pending = nullptr;
  if (conn_ == nullptr || m == nullptr ||
      !dbus_connection_send_with_reply(conn_, m.get(), &pending,
                                       static_cast<int>(timeout.count())) ||
      pending == nullptr) {
    asio::post(io_, [h = std::move(on_reply), alive = std::weak_ptr<bool>(alive_)] {
      if (auto a = alive.lock(); a && *a && h) h(nullptr);
    });
    return;
  }
  ++sent_;
  auto* data = new PendingReply{std::move(on_reply), alive_};
  dbus_pending_call_set_notify(pending, &pending_notify, data, &pending_free);
  dbus_pending_call_unref(pending);  // the connection keeps its own reference until completion
  arm();
}

void DbusConnection::send(Message m) {
  if (conn_ == nullptr || m == nullptr) return;
  if (dbus_connection_send(conn_, m.get(), nullptr)) ++sent_;
  arm();
}

// --- libdbus callbacks

dbus_bool_t DbusConnection::add_watch(DBusWatch* w, void* self) {
  auto* c = static_cast<DbusConnection*>(self);
  if (!c->fd_) {
    const int fd = platform::duplicate_fd(dbus_watch_get_unix_fd(w));
    if (fd < 0) return FALSE;
    c->fd_ = std::make_unique<asio::posix::stream_descriptor>(c->io_, fd);
  }
  c->watches_.push_back(w);
  c->arm();
  return TRUE;
}

void DbusConnection::remove_watch(DBusWatch* w, void* self) {
  auto* c = static_cast<DbusConnection*>(self);
  std::erase(c->watches_, w);
}

void DbusConnection::toggle_watch(DBusWatch*, void* self) {
  static_cast<DbusConnection*>(self)->arm();
}

dbus_bool_t DbusConnection::add_timeout(DBusTimeout* t, void* self) {
  auto* c = static_cast<DbusConnection*>(self);
  c->timeouts_.push_back(std::make_unique<Timeout>(c->io_, t));
  if (dbus_timeout_get_enabled(t)) c->arm_timeout(*c->timeouts_.back());
  return TRUE;
}

void DbusConnection::remove_timeout(DBusTimeout* t, void* self) {
  auto* c = static_cast<DbusConnection*>(self);
  std::erase_if(c->timeouts_, [t](const auto& x) { return x->timeout == t; });
}

void DbusConnection::toggle_timeout(DBusTimeout* t, void* self) {
  auto* c = static_cast<DbusConnection*>(self);
  for (auto& x : c->timeouts_) {
    if (x->timeout != t) continue;
    x->timer.cancel();
    if (dbus_timeout_get_enabled(t)) c->arm_timeout(*x);
  }
}

void DbusConnection::dispatch_status(DBusConnection*, DBusDispatchStatus s, void* self) {
  // Never dispatch from inside libdbus: post it to the loop.
  if (s == DBUS_DISPATCH_DATA_REMAINS) static_cast<DbusConnection*>(self)->schedule_dispatch();
}

DBusHandlerResult DbusConnection::filter(DBusConnection*, DBusMessage* m, void* self) {
  auto* c = static_cast<DbusConnection*>(self);
  ++c->received_;
  if (dbus_message_is_signal(m, DBUS_INTERFACE_LOCAL, "Disconnected")) {
    c->ready_ = false;
    asio::post(c->io_, [c, alive = std::weak_ptr<bool>(c->alive_)] {
      if (auto a = alive.lock(); a && *a && c->on_disconnected_) c->on_disconnected_();
    });
    return DBUS_HANDLER_RESULT_HANDLED;
  }
  if (dbus_message_get_type(m) == DBUS_MESSAGE_TYPE_SIGNAL && c->signal_handler_) {
    c->signal_handler_(m);
  }
  return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
}

DBusHandlerResult DbusConnection::object_message(DBusConnection*, DBusMessage* m, void* self) {
  auto* c = static_cast<DbusConnection*>(self);
  if (c->object_handler_ && c->object_handler_(m)) return DBUS_HANDLER_RESULT_HANDLED;
  return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
}

// --- driving

void DbusConnection::arm() {
  if (!fd_) return;
  bool want_read = false;
  bool want_write = false;
  for (DBusWatch* w : watches_) {
    if (!dbus_watch_get_enabled(w)) continue;
    const unsigned int flags = dbus_watch_get_flags(w);
    want_read |= (flags & DBUS_WATCH_READABLE) != 0;
    want_write |= (flags & DBUS_WATCH_WRITABLE) != 0;
  }
  // One wait per direction at a time; when it fires, libdbus does its I/O, dispatches, and the
  // waits are armed again from the watches as they are then.
  const auto wait = [this](asio::posix::stream_descriptor::wait_type type, unsigned int flag,
                           bool& pending) {
    pending = true;
    fd_->async_wait(type, [this, flag, &pending, alive = std::weak_ptr<bool>(alive_)](
                              const boost::system::error_code& ec) {
      const auto a = alive.lock();
      if (!a || !*a) return;
      pending = false;
      if (ec) return;
      handle(flag);
      dispatch();
      arm();
    });
  };
  if (want_read && !read_pending_) {
    wait(asio::posix::stream_descriptor::wait_read, DBUS_WATCH_READABLE, read_pending_);
  }
  if (want_write && !write_pending_) {
    wait(asio::posix::stream_descriptor::wait_write, DBUS_WATCH_WRITABLE, write_pending_);
  }
}

void DbusConnection::handle(unsigned int flag) {
  // dbus_watch_handle() may add or remove watches: work on a copy and re-check membership.
  const std::vector<DBusWatch*> snapshot = watches_;
  for (DBusWatch* w : snapshot) {
    if (conn_ == nullptr) return;
    if (std::find(watches_.begin(), watches_.end(), w) == watches_.end()) continue;
    if (!dbus_watch_get_enabled(w) || (dbus_watch_get_flags(w) & flag) == 0) continue;
    dbus_watch_handle(w, flag);
  }
}

void DbusConnection::arm_timeout(Timeout& t) {
  t.timer.expires_after(std::chrono::milliseconds(dbus_timeout_get_interval(t.timeout)));
  t.timer.async_wait(
      [this, tp = &t, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
        const auto a = alive.lock();
        if (ec || !a || !*a) return;  // cancelled, or the connection closed
        const auto it = std::find_if(timeouts_.begin(), timeouts_.end(),
                                     [tp](const auto& x) { return x.get() == tp; });
        if (it == timeouts_.end()) return;  // removed after it fired
        DBusTimeout* timeout = tp->timeout;
        dbus_timeout_handle(timeout);
        dispatch();
        // Still registered and enabled: libdbus timeouts repeat until removed.
        for (auto& x : timeouts_) {
          if (x.get() == tp && dbus_timeout_get_enabled(timeout)) arm_timeout(*x);
        }
      });
}

void DbusConnection::schedule_dispatch() {
  if (dispatch_posted_) return;
  dispatch_posted_ = true;
  asio::post(io_, [this, alive = std::weak_ptr<bool>(alive_)] {
    const auto a = alive.lock();
    if (!a || !*a) return;
    dispatch_posted_ = false;
    dispatch();
    arm();
  });
}

void DbusConnection::dispatch() {
  // Bounded: a flood of incoming calls yields to the rest of the loop after 64 messages.
  for (int i = 0; i < 64 && conn_ != nullptr; ++i) {
    if (dbus_connection_dispatch(conn_) != DBUS_DISPATCH_DATA_REMAINS) return;
  }
  schedule_dispatch();
}

}  // namespace tbgw::app::dbus
