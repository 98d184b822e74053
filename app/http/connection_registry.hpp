// ConnectionRegistry: every open HTTP and WebSocket connection of the face, for two jobs: the
// http.max_connections cap (the listener stops accepting at the cap, so further clients wait
// in the kernel's backlog, and resumes when a slot frees) and graceful stop (close them all).
// A connection holds a ConnectionSlot (RAII) for its whole life, including after a WebSocket
// upgrade (the WebSocket session takes a slot before the HTTP connection gives its own back).
//
// Loop thread only. Bounds: at most max_connections (+1 during an upgrade) entries.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

namespace tbgw::app::http {

class Closable {
 public:
  virtual ~Closable() = default;
  // Closes the socket now (pending operations complete with operation_aborted).
  virtual void close_now() = 0;
};

class ConnectionRegistry;

class ConnectionSlot {
 public:
  ConnectionSlot(std::shared_ptr<ConnectionRegistry> registry, std::uint64_t id)
      : registry_(std::move(registry)), id_(id) {}
  ~ConnectionSlot();
  ConnectionSlot(const ConnectionSlot&) = delete;
  ConnectionSlot& operator=(const ConnectionSlot&) = delete;

 private:
  std::shared_ptr<ConnectionRegistry> registry_;
  std::uint64_t id_;
};

class ConnectionRegistry : public std::enable_shared_from_this<ConnectionRegistry> {
 public:
  std::unique_ptr<ConnectionSlot> add(std::weak_ptr<Closable> c) {
    const std::uint64_t id = ++next_id_;
    open_.emplace(id, std::move(c));
    return std::make_unique<ConnectionSlot>(shared_from_this(), id);
  }
  void remove(std::uint64_t id) {
    open_.erase(id);
    if (on_slot_free) on_slot_free();
  }
  std::size_t open() const { return open_.size(); }
  void close_all() {
    // Copy first: closing completes handlers later, but be safe against re-entry.
    std::vector<std::weak_ptr<Closable>> all;
    for (auto& [id, c] : open_) all.push_back(c);
    for (auto& w : all) {
      if (auto c = w.lock()) c->close_now();
    }
  }
  std::function<void()> on_slot_free;

 private:
  std::unordered_map<std::uint64_t, std::weak_ptr<Closable>> open_;
  std::uint64_t next_id_ = 0;
};

inline ConnectionSlot::~ConnectionSlot() {
  registry_->remove(id_);
}

}  // namespace tbgw::app::http
