// ConnectionRegistry: every open HTTP and WebSocket connection of the face, and who may have
// the next slot. Three jobs:
//   - admission: a stranger cannot take every slot. Limits, from http.max_connections (M) and
//     http.max_connections_per_address:
//       * per address: a new connection from an address at its limit closes that address's
//         longest-idle connection (so an address competes only with itself);
//       * unproven connections (none of their requests has authenticated yet: fresh sockets,
//         slow-loris headers, anonymous keep-alives) hold at most M - M/4 slots; the rest is
//         kept for connections that proved a session or a token. A new connection at that
//         limit closes the longest-idle unproven one;
//       * all connections: at M the longest-idle HTTP connection is closed (unproven first);
//       * WebSockets: at most M/2, so open sockets never take the slots requests need.
//     "Idle" is a connection waiting for its next request (fresh, keep-alive, or headers still
//     trickling in); a request being answered and a WebSocket are never closed to make room.
//     When nothing can be closed the listener stops accepting (clients wait in the kernel's
//     backlog) until a slot frees or a connection turns idle.
//     Closing a connection to make room is rationed per address (10 at once, then 4 a second;
//     beyond, the new connection is refused): a crowd that reconnects the moment it is closed
//     would otherwise cycle through the slots faster than a real client's first request is
//     read. Without pressure nothing is rationed.
//   - graceful stop: close them all.
//   - counts for /metrics.
// A connection holds a ConnectionSlot (RAII) for its whole life and reports through it; after
// a WebSocket upgrade the WebSocket session takes a slot before the HTTP connection gives its
// own back.
//
// Loop thread only. Bounds: at most M entries plus the few being closed (evicted entries stay
// until their handlers finish, within the same loop turn or two).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "app/http/token_bucket.hpp"

namespace tbgw::app::http {

class Closable {
 public:
  virtual ~Closable() = default;
  // Closes the socket now (pending operations complete with operation_aborted).
  virtual void close_now() = 0;
};

struct ConnectionLimits {
  std::size_t max_total = 64;
  std::size_t max_per_address = 16;
  std::size_t max_unproven = 48;
  std::size_t max_websockets = 32;
  // The limits above from http.max_connections and http.max_connections_per_address.
  static ConnectionLimits from(std::size_t max_total, std::size_t max_per_address);
};

enum class ConnectionKind : std::uint8_t { http, websocket };

class ConnectionRegistry;

class ConnectionSlot {
 public:
  ConnectionSlot(std::shared_ptr<ConnectionRegistry> registry, std::uint64_t id)
      : registry_(std::move(registry)), id_(id) {}
  ~ConnectionSlot();
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;

  // Waiting for a request (may be closed to make room) or answering one (never closed).
  void set_idle(bool idle);
  // A request on this connection authenticated (session or token).
  void set_proven();

 private:
  std::shared_ptr<ConnectionRegistry> registry_;
  std::uint64_t id_;
};

class ConnectionRegistry : public std::enable_shared_from_this<ConnectionRegistry> {
 public:
  explicit ConnectionRegistry(ConnectionLimits limits = {}) : limits_(limits) {}

  // Whether the listener should accept: below the cap, or an idle connection can be closed.
  bool can_accept() const;
  // Makes room for a new connection from `address` by closing the connections that stand in
  // its way (see above). refuse: its address's or the strangers' share is all busy answering
  // requests; wait: every slot is busy (hold the connection until a slot frees).
  enum class Room : std::uint8_t { ok, refuse, wait };
  Room make_room(std::string_view address, std::int64_t now_ms);
  std::unique_ptr<ConnectionSlot> add(std::weak_ptr<Closable> c, std::string address,
                                      ConnectionKind kind, bool proven);
  bool websocket_room() const { return websockets_ < limits_.max_websockets; }

  void set_idle(std::uint64_t id, bool idle);
  void set_proven(std::uint64_t id);
  void remove(std::uint64_t id);

  std::size_t open() const { return open_; }
  std::size_t unproven() const { return unproven_; }
  std::size_t websockets() const { return websockets_; }
  std::size_t from_address(std::string_view address) const;
  std::uint64_t evicted_total() const { return evicted_total_; }
  void close_all();

  // Called when a slot frees or a connection turns idle (the listener may resume).
  std::function<void()> on_slot_free;

 private:
  struct Entry {
    std::weak_ptr<Closable> conn;
    std::string address;
    ConnectionKind kind = ConnectionKind::http;
    bool proven = false;
    bool idle = true;
    bool evicting = false;         // closed to make room, not counted any more
    std::uint64_t idle_since = 0;  // order of turning idle: smaller = idle longer
  };
  using Filter = std::function<bool(const Entry&)>;
  static constexpr std::size_t kMaxRationedAddresses = 1024;
  // Whether `address` may have a connection closed for it now (see above).
  bool may_evict_for(std::string_view address, std::int64_t now_ms);
  // Closes the longest-idle connection that passes `filter`; false when there is none.
  bool evict_longest_idle(const Filter& filter);
  void count(const Entry& e, int sign);

  ConnectionLimits limits_;
  std::unordered_map<std::uint64_t, Entry> entries_;
  std::size_t open_ = 0;
  std::size_t unproven_ = 0;
  std::size_t websockets_ = 0;
  std::uint64_t next_id_ = 0;
  std::uint64_t idle_clock_ = 0;
  std::uint64_t evicted_total_ = 0;
  std::unordered_map<std::string, TokenBucket> evictions_by_address_;
};

}  // namespace tbgw::app::http
