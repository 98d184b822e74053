// The typed bus: one Channel per message type, declared once with everything that defines it.
//
// Theory of operation (after Zephyr zbus, DESIGN rule 3, style-anchor rules 4 and 9)
// - A channel is declared with its message type T, its kind, its subscriber capacity (template
//   arguments) and, at construction, a name (for logs and /metrics) and an optional validator.
// - publish(m) runs the validator first. A rejected message reaches nobody, does not touch the
//   latest value and bumps `rejected`. An accepted message is delivered synchronously, in the
//   caller's stack, to every subscriber in subscription order, exactly once each.
// - ChannelKind::state (battery snapshot, link state, energy counters): the channel also keeps
//   the latest accepted value; latest() lets a late reader (an HTTP request) read it without
//   subscribing. ChannelKind::event (config change, alert edge): no latest slot, so nothing can
//   be silently overwritten; a subscriber that is not registered misses the event.
// - Subscribers receive `const T&` to the channel's own copy (every subscriber sees the same
//   value, even if the publisher's object changes meanwhile) and copy what they keep.
//
// Re-entrancy (defined, and tested)
// - A subscriber may publish on *another* channel; that delivery completes, nested, before the
//   outer one continues.
// - Publishing on a channel from inside that channel's own delivery is refused with
//   BusError::reentrant_publish and counted in `reentrant_refused`; the message reaches
//   nobody. This also breaks cycles (A's subscriber publishes B, B's subscriber publishes A).
//   Queueing was rejected: it would need a T-sized queue per channel and would let a later
//   subscriber see the second message before the first. A component that must react to its
//   own channel does so on the next loop turn.
// - subscribe() from inside the channel's own delivery is refused (subscribers are wired at
//   start-up, before the loop runs).
//
// Bounds: no heap. Memory per channel is MaxSubscribers Callbacks (4 pointers each), one T for
// a state channel, the name view and the counters. Delivery costs one indirect call per
// subscriber; nesting depth is bounded by the number of channels, since each channel refuses
// to re-enter itself. Counters are 64-bit and do not wrap in the life of the hardware.
//
// Threads: single-threaded. A channel belongs to the thread that runs the event loop; it has
// no lock and must not be touched from another thread (post to the loop instead).
//
// The channel table pattern (the real table lives in app/gateway.cpp): all channels in one
// struct, subscribers wired right below it in delivery order, so one screen shows who hears
// what.
//
//   struct Channels {
//     // snapshot_is_valid: cell count <= kMaxCells, finite values, ... (one pure function)
//     bus::StateChannel<msg::BatterySnapshot, 8> snapshot{"battery_snapshot", &snapshot_is_valid};
//     bus::StateChannel<msg::LinkState, 4> link{"link_state"};
//     bus::StateChannel<msg::EnergyCounters, 4> energy{"energy_counters", &msg::is_valid};
//     bus::EventChannel<msg::ConfigChanged, 8> config_changed{"config_changed", &msg::is_valid};
//   };
//
//   Channels ch;
//   bool wired = true;  // subscribe() is [[nodiscard]]: a full channel is a wiring bug
//   wired &= ch.snapshot.subscribe([&meter](const msg::BatterySnapshot& s) {
//     meter.on_snapshot(s);
//   }).ok();                                  // 1st: the energy counter
//   wired &= ch.snapshot.subscribe([&can](const msg::BatterySnapshot& s) {
//     can.on_snapshot(s);
//   }).ok();                                  // 2nd: the CAN encoder
//   wired &= ch.config_changed.subscribe([this](const msg::ConfigChanged& c) { apply(c); }).ok();
//   if (!wired) return fatal("bus wiring: raise a channel's capacity in the table");
//   ...
//   if (auto r = ch.snapshot.publish(snapshot); !r) log(bus::to_string(r.error()));
//   if (const auto* s = ch.snapshot.latest()) { /* GET /api/status copies *s */ }
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "core/bus/bus_error.hpp"
#include "core/bus/callback.hpp"
#include "core/util/result.hpp"

namespace tbgw::bus {

enum class ChannelKind : std::uint8_t {
  state = 0,  // keeps the latest accepted value
  event = 1,  // delivered once to each subscriber, nothing kept
};

struct ChannelStats {
  std::uint64_t published = 0;          // accepted by the validator and delivered
  std::uint64_t rejected = 0;           // refused by the validator; reached nobody
  std::uint64_t delivered = 0;          // subscriber calls (each accepted message x subscribers)
  std::uint64_t reentrant_refused = 0;  // publish from inside this channel's own delivery
};

// What every channel has whatever its message type: lets app/ list all channels in one array
// for /metrics and diagnostics. Not polymorphic; it only holds the shared fields.
class ChannelBase {
 public:
  ChannelBase(const ChannelBase&) = delete;
  ChannelBase& operator=(const ChannelBase&) = delete;

  std::string_view name() const { return name_; }
  ChannelKind kind() const { return kind_; }
  const ChannelStats& stats() const { return stats_; }
  std::size_t subscriber_count() const { return subscriber_count_; }
  std::size_t subscriber_capacity() const { return subscriber_capacity_; }
  bool delivering() const { return delivering_; }

 protected:
  constexpr ChannelBase(std::string_view name, ChannelKind kind, std::size_t capacity)
      : name_(name), kind_(kind), subscriber_capacity_(capacity) {}
  ~ChannelBase() = default;

  std::string_view name_;
  ChannelKind kind_;
  bool delivering_ = false;
  std::size_t subscriber_count_ = 0;
  std::size_t subscriber_capacity_;
  ChannelStats stats_{};
};

namespace detail {
template <class T, ChannelKind Kind>
struct LatestSlot {};  // event channels: no slot at all
template <class T>
struct LatestSlot<T, ChannelKind::state> {
  T value{};
  bool has_value = false;
};
}  // namespace detail

template <class T, ChannelKind Kind, std::size_t MaxSubscribers>
class Channel : public ChannelBase {
  static_assert(std::is_trivially_copyable_v<T>, "bus messages are flat value types");
  static_assert(MaxSubscribers > 0, "a channel nobody can hear is a wiring bug");

 public:
  using Message = T;
  // A pure check of the message's invariants (ranges, finiteness, consistency).
  using Validator = bool (*)(const T&);
  static constexpr std::size_t kMaxSubscribers = MaxSubscribers;

  constexpr explicit Channel(std::string_view name, Validator validator = nullptr)
      : ChannelBase(name, Kind, MaxSubscribers), validator_(validator) {}

  // Registers `f` (anything FitsCallback accepts) after the existing subscribers.
  template <class F>
  requires FitsCallback<std::remove_cvref_t<F>, T> Result<void, BusError> subscribe(const F& f) {
    if (delivering_) return Err(BusError::subscribe_during_delivery);
    if (subscriber_count_ == MaxSubscribers) return Err(BusError::subscribers_full);
    subscribers_[subscriber_count_++] = Callback<T>(f);
    return {};
  }

  // Validates, then delivers to every subscriber before returning (see the top comment).
  Result<void, BusError> publish(const T& message) {
    if (delivering_) {
      ++stats_.reentrant_refused;
      return Err(BusError::reentrant_publish);
    }
    if (validator_ != nullptr && !validator_(message)) {
      ++stats_.rejected;
      return Err(BusError::rejected);
    }
    ++stats_.published;
    if constexpr (Kind == ChannelKind::state) {
      latest_.value = message;
      latest_.has_value = true;
      deliver(latest_.value);  // cannot change during delivery: re-entry is refused
    } else {
      const T copy = message;  // on the stack: the publisher may change its object meanwhile
      deliver(copy);
    }
    return {};
  }

  // The latest accepted value, or nullptr before the first one. The pointer stays valid for
  // the channel's lifetime; the value changes at the next accepted publish.
  const T* latest() const requires(Kind == ChannelKind::state) {
    return latest_.has_value ? &latest_.value : nullptr;
  }

 private:
  void deliver(const T& message) {
    delivering_ = true;
    // The MaxSubscribers bound is redundant but lets GCC 12 see the loop stays in the array.
    for (std::size_t i = 0; i < MaxSubscribers && i < subscriber_count_; ++i) {
      subscribers_[i](message);
      ++stats_.delivered;
    }
    delivering_ = false;
  }

  Validator validator_;
  std::array<Callback<T>, MaxSubscribers> subscribers_{};
  [[no_unique_address]] detail::LatestSlot<T, Kind> latest_{};
};

template <class T, std::size_t MaxSubscribers>
using StateChannel = Channel<T, ChannelKind::state, MaxSubscribers>;

template <class T, std::size_t MaxSubscribers>
using EventChannel = Channel<T, ChannelKind::event, MaxSubscribers>;

}  // namespace tbgw::bus
