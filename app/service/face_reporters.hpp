// FaceReporters: each network face's own figures (HTTP requests, MQTT messages, ...), gathered
// for /api/diagnostics and /metrics.
//
// A face adds one reporter when it starts and keeps the returned Registration as a member:
// destroying the Registration removes the reporter, so /api/diagnostics never calls into a
// face that has gone (the same rule as bus::Subscription). The registry must outlive every
// Registration of it. Loop thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace tbgw::app {

struct FaceCounter {
  std::string name;  // snake_case with its unit or "_total": "messages_published_total"
  std::string help;  // one line
  double value = 0;
};
struct FaceReport {
  std::string state;  // one line: "connected to mqtt://10.0.0.2:1883", "refused: bad password"
  std::vector<FaceCounter> counters;
};
using FaceReporter = std::function<FaceReport()>;

class FaceReporters {
 public:
  // Removes its reporter when destroyed or reset(). Move-only; empty when moved from.
  class [[nodiscard]] Registration {
   public:
    Registration() = default;
    ~Registration() { reset(); }
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;
    Registration(Registration&& other) noexcept
        : registry_(std::exchange(other.registry_, nullptr)), id_(other.id_) {}
    Registration& operator=(Registration&& other) noexcept {
      if (this != &other) {
        reset();
        registry_ = std::exchange(other.registry_, nullptr);
        id_ = other.id_;
      }
      return *this;
    }
    void reset() {
      if (registry_ != nullptr) std::exchange(registry_, nullptr)->remove(id_);
    }
    bool active() const { return registry_ != nullptr; }

   private:
    friend class FaceReporters;
    Registration(FaceReporters& registry, std::uint64_t id) : registry_(&registry), id_(id) {}
    FaceReporters* registry_ = nullptr;
    std::uint64_t id_ = 0;
  };

  FaceReporters() = default;
  FaceReporters(const FaceReporters&) = delete;
  FaceReporters& operator=(const FaceReporters&) = delete;

  Registration add(std::string face, FaceReporter reporter);
  // Every registered face's report, in registration order (calls each reporter once).
  std::vector<std::pair<std::string, FaceReport>> reports() const;
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::uint64_t id = 0;
    std::string face;
    FaceReporter reporter;
  };
  void remove(std::uint64_t id);

  std::vector<Entry> entries_;
  std::uint64_t last_id_ = 0;
};

}  // namespace tbgw::app
