#include "app/http/session_table.hpp"

#include "app/http/auth_crypto.hpp"

namespace tbgw::app::http {

const Session& SessionTable::create(std::int64_t now_ms) {
  if (sessions_.size() >= kMaxSessions) {
    auto oldest = sessions_.begin();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
      if (it->second.last_used_ms < oldest->second.last_used_ms) oldest = it;
    }
    sessions_.erase(oldest);
  }
  Session s{random_hex(32), random_hex(32), now_ms};
  auto [it, inserted] = sessions_.emplace(s.id, s);
  (void)inserted;  // 256-bit ids do not collide
  return it->second;
}

const Session* SessionTable::find(std::string_view id, std::int64_t now_ms,
                                  std::int64_t idle_timeout_ms) {
  auto it = sessions_.find(std::string(id));
  if (it == sessions_.end()) return nullptr;
  if (now_ms - it->second.last_used_ms > idle_timeout_ms) {
    sessions_.erase(it);
    return nullptr;
  }
  it->second.last_used_ms = now_ms;
  return &it->second;
}

bool SessionTable::alive(std::string_view id, std::int64_t now_ms,
                         std::int64_t idle_timeout_ms) const {
  auto it = sessions_.find(std::string(id));
  return it != sessions_.end() && now_ms - it->second.last_used_ms <= idle_timeout_ms;
}

}  // namespace tbgw::app::http
