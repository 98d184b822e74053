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
// Subscriptions (RAII)
// - subscribe() returns, in its Result, a move-only Subscription. Destroying it (or reset())
//   ends the subscription: the callback is never called again and its slot is free for a later
//   subscribe(). A subscriber keeps its Subscription as a member beside the state its callback
//   touches, so the callback cannot outlive what it points to. Discarding the Result ends the
//   subscription at once (the Result is [[nodiscard]]).
// - Ending is safe at any time, also from inside a delivery (the subscriber's own callback or
//   another one's): the running delivery skips nobody and calls nobody twice; the ended
//   subscriber is not called again, not even later in the same delivery. During a delivery
//   the slot is only marked empty; the slots are compacted (order kept) when it finishes.
// - The channel must outlive every Subscription of it (a Subscription points to it): declare
//   the channel table before the members that hold subscriptions, and end the subscriptions
//   (destroy or reset()) before the channels go away.
// - subscribe() is const: hearing a channel does not change what the channel holds (its
//   latest value, its counters), so a reader given `const Channel&` may subscribe and read
//   latest(), but only the owner of a non-const channel may publish(). The subscriber slots
//   are `mutable` for this reason alone.
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
//   start-up, before the loop runs). Ending one is allowed (above).
//
// Bounds: no heap, no RTTI, no virtual call. Memory per channel is MaxSubscribers slots (a
// Callback of 4 pointers and a 32-bit id each), one T for a state channel, the name view and
// the counters. Delivery costs one indirect call per subscriber; nesting depth is bounded by
// the number of channels, since each channel refuses to re-enter itself. Ending a subscription
// is O(MaxSubscribers). Counters are 64-bit and do not wrap in the life of the hardware;
// subscription ids are 32-bit per channel (unique for 4e9 subscriptions: faces subscribe once
// each time they start).
//
// Threads: single-threaded. A channel belongs to the thread that runs the event loop; it has
// no lock and must not be touched from another thread (post to the loop instead); a
// Subscription is ended on that thread too.
//
// The channel table pattern (the real table is app/service/channels.hpp): all channels in one
// struct, subscribers wired in delivery order, each keeping its Subscription.
//
//   struct Channels {
//     // snapshot_is_valid: cell count <= kMaxCells, finite values, ... (one pure function)
//     bus::StateChannel<msg::BatterySnapshot, 8> snapshot{"battery_snapshot", &snapshot_is_valid};
//     bus::StateChannel<msg::LinkState, 4> link{"link_state"};
//     bus::StateChannel<msg::EnergyCounters, 4> energy{"energy_counters", &msg::is_valid};
//     bus::EventChannel<msg::ConfigChanged, 8> config_changed{"config_changed", &msg::is_valid};
//   };
//
//   Channels ch;                         // declared before the subscriptions: outlives them
//   std::vector<bus::Subscription> subs;  // filled at start-up, not on the per-poll path
//   auto s = ch.snapshot.subscribe([&meter](const msg::BatterySnapshot& s) {
//     meter.on_snapshot(s);
//   });                                    // 1st: the energy counter
//   if (!s) return fatal("bus wiring: raise a channel's capacity in the table");
//   subs.push_back(std::move(*s));
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
  // Live subscriptions (ended ones are not counted, even while their slot awaits compaction).
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
  mutable std::size_t subscriber_count_ = 0;  // mutable: see "subscribe() is const" above
  std::size_t subscriber_capacity_;
  ChannelStats stats_{};
};

// One subscription to one channel; ending it (destruction, reset()) unsubscribes. Move-only.
// An empty Subscription (default-constructed, moved-from, reset) holds nothing.
class [[nodiscard]] Subscription {
 public:
  Subscription() = default;
  ~Subscription() { reset(); }
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;
  Subscription(Subscription&& other) noexcept
      : channel_(other.channel_), end_(other.end_), id_(other.id_) {
    other.channel_ = nullptr;
  }
  Subscription& operator=(Subscription&& other) noexcept {
    if (this != &other) {
      reset();
      channel_ = other.channel_;
      end_ = other.end_;
      id_ = other.id_;
      other.channel_ = nullptr;
    }
    return *this;
  }

  // Ends the subscription now (idempotent). Safe inside a delivery (see the top comment).
  void reset() {
    if (channel_ == nullptr) return;
    const ChannelBase* channel = channel_;
    channel_ = nullptr;
    end_(*channel, id_);
  }
  bool active() const { return channel_ != nullptr; }
  explicit operator bool() const { return active(); }

 private:
  template <class T, ChannelKind Kind, std::size_t MaxSubscribers>
  friend class Channel;
  // The typed channel's own end function: a plain function pointer, no virtual call, no RTTI.
  using EndFn = void (*)(const ChannelBase&, std::uint32_t id);

  Subscription(const ChannelBase& channel, EndFn end, std::uint32_t id)
      : channel_(&channel), end_(end), id_(id) {}

  const ChannelBase* channel_ = nullptr;
  EndFn end_ = nullptr;
  std::uint32_t id_ = 0;
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

  // Registers `f` (anything FitsCallback accepts) after the existing subscribers. The
  // subscription lasts as long as the returned Subscription (see the top comment).
  template <class F>
  requires FitsCallback<std::remove_cvref_t<F>, T> Result<Subscription, BusError> subscribe(
      const F& f)
  const {
    if (delivering_) return Err(BusError::subscribe_during_delivery);
    // Outside a delivery every used slot is live (ended ones were compacted away).
    if (used_ == MaxSubscribers) return Err(BusError::subscribers_full);
    if (++last_id_ == 0) ++last_id_;  // 0 marks an empty slot
    slots_[used_++] = Slot{Callback<T>(f), last_id_};
    ++subscriber_count_;
    return Subscription(*this, &Channel::end_subscription, last_id_);
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
  struct Slot {
    Callback<T> callback;
    std::uint32_t id = 0;  // 0: empty (never used, or ended during a delivery)
  };

  static void end_subscription(const ChannelBase& base, std::uint32_t id) {
    static_cast<const Channel&>(base).end(id);
  }

  void end(std::uint32_t id) const {
    for (std::size_t i = 0; i < MaxSubscribers && i < used_; ++i) {
      if (slots_[i].id != id) continue;
      --subscriber_count_;
      if (delivering_) {
        slots_[i] = Slot{};  // the running delivery skips it; compacted when it finishes
        has_holes_ = true;
      } else {
        for (std::size_t j = i; j + 1 < MaxSubscribers && j + 1 < used_; ++j) {
          slots_[j] = slots_[j + 1];
        }
        slots_[--used_] = Slot{};
      }
      return;
    }
  }

  // Drops the slots ended during a delivery, keeping the others in subscription order.
  void compact() const {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < MaxSubscribers && i < used_; ++i) {
      if (slots_[i].id != 0) slots_[kept++] = slots_[i];
    }
    for (std::size_t i = kept; i < MaxSubscribers && i < used_; ++i) slots_[i] = Slot{};
    used_ = kept;
    has_holes_ = false;
  }

  void deliver(const T& message) {
    delivering_ = true;
    // No slot moves and none is added while delivering_ is set (subscribe() is refused, end()
    // only empties a slot), so index i stays the same subscriber. The MaxSubscribers bound is
    // redundant but lets GCC 12 see the loop stays in the array.
    for (std::size_t i = 0; i < MaxSubscribers && i < used_; ++i) {
      if (slots_[i].id == 0) continue;  // ended earlier in this delivery
      // A copy: the subscriber may end itself, which empties the slot its callable lives in.
      const Callback<T> callback = slots_[i].callback;
      callback(message);
      ++stats_.delivered;
    }
    delivering_ = false;
    if (has_holes_) compact();
  }

  Validator validator_;
  // mutable: subscribe() and ending a subscription are const (see the top comment).
  mutable std::array<Slot, MaxSubscribers> slots_{};
  mutable std::size_t used_ = 0;  // slots in use, live or ended during the running delivery
  mutable std::uint32_t last_id_ = 0;
  mutable bool has_holes_ = false;
  [[no_unique_address]] detail::LatestSlot<T, Kind> latest_{};
};

template <class T, std::size_t MaxSubscribers>
using StateChannel = Channel<T, ChannelKind::state, MaxSubscribers>;

template <class T, std::size_t MaxSubscribers>
using EventChannel = Channel<T, ChannelKind::event, MaxSubscribers>;

}  // namespace tbgw::bus
