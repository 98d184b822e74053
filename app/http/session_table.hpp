// SessionTable: login sessions of the web UI, in memory only (a restart logs everyone out).
// A session is a random 32-byte id (the cookie) with its own random CSRF token. It expires
// after `idle_timeout_ms` without a request; the table holds at most kMaxSessions and evicts the
// least recently used one when full, so a script logging in in a loop cannot grow memory.
//
// Loop thread only; time is a parameter (steady milliseconds).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

namespace tbgw::app::http {

struct Session {
  std::string id;    // 64 hex characters
  std::string csrf;  // 64 hex characters
  std::int64_t last_used_ms = 0;
};

class SessionTable {
 public:
  static constexpr std::size_t kMaxSessions = 32;

  const Session& create(std::int64_t now_ms);
  // The live session for `id`, touched (its idle clock restarts); nullptr when unknown/expired.
  const Session* find(std::string_view id, std::int64_t now_ms, std::int64_t idle_timeout_ms);
  // Whether `id` is a live session, without touching it (an open WebSocket is not a request).
  bool alive(std::string_view id, std::int64_t now_ms, std::int64_t idle_timeout_ms) const;
  void remove(std::string_view id) { sessions_.erase(std::string(id)); }
  void clear() { sessions_.clear(); }
  std::size_t size() const { return sessions_.size(); }

 private:
  std::unordered_map<std::string, Session> sessions_;
};

}  // namespace tbgw::app::http
