// BMS events: the TinyBMS's own event memory (registers 200-297) decoded, placed in wall-clock
// time, and de-duplicated so that each event is reported once.
//
// Theory of operation.
// - Registers. 49 slots of two words (spec "Events"): word 0 = timestamp bits 0-15, word 1 =
//   timestamp bits 16-23 (low byte) and the message id (high byte). The timestamp is the BMS
//   lifetime counter (reg 32-33, seconds) cut to 24 bits. A slot with id 0 is empty (no event
//   has id 0; the simulator and a cleared BMS read 0/0). The slot order of a real unit is not
//   documented, so decode_event_registers() returns the events oldest first.
// - Absolute time. An event's age is the BMS clock now minus its stamp, so
//   unix = now_unix_s - (lifetime_now_s - event_time_s). The 24-bit stamp is widened to the
//   latest lifetime value <= lifetime_now_s with the same low 24 bits: events up to 2^24 s
//   (194 days) old are placed exactly; an older one would look 194 days younger (the register
//   cannot tell). A stamp later than the clock while the clock is below 2^24 cannot belong to
//   this clock (a reset clock, another BMS): its time is unknown (`time_known` false).
// - De-duplication (BmsEventTracker). Events are keyed by (24-bit stamp, id). The tracker keeps
//   the keys of the ring it read last (with multiplicity: two equal events in one second are two
//   events); on each update the events of the new ring that are not among them are new. Because
//   the keys are BMS time, re-reading an unchanged ring, or reading it while the BMS clock moves,
//   reports nothing. When every slot of a full ring is new although the tracker knew events,
//   the ring wrapped between two reads and events may have been lost (`overflow`).
// - BMS reset / replacement. If the lifetime counter goes back, the clock the keys refer to is
//   gone (a replaced BMS or a reset counter): the tracker forgets everything and re-imports the
//   whole ring (`bms_reset`). Events the ring kept from before are then reported again; those
//   stamped later than the new clock get time_known = false. Consumers that persist events should
//   therefore tolerate a re-import (e.g. ignore entries already stored with the same key).
// - Persistence. save()/restore() give the tracker's state as a flat struct, so a restarted
//   gateway does not report the whole ring again. Without it the first update reports the ring.
//
// Bounds: fixed arrays of kEventSlots (49); no allocation; O(49^2) per update, once a minute.
// Single-threaded.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "core/tinybms/register_bank.hpp"
#include "core/tinybms/registers.hpp"
#include "core/util/result.hpp"

namespace tbgw::tinybms {

enum class EventSeverity : std::uint8_t { fault, warning, info, unknown };
const char* to_string(EventSeverity s);

// One id of the spec's event list.
struct EventInfo {
  std::uint8_t id = 0;
  EventSeverity severity = EventSeverity::unknown;
  std::string_view name;  // stable snake_case key (API, MQTT, logs): never renamed
  std::string_view text;  // human text, as the spec words it
};

// The entry for `id`; for an id outside the spec's list, an entry with severity unknown and
// name "unknown_event" (never null).
const EventInfo& event_info(std::uint8_t id);
// Every id of the spec's list, ascending.
std::span<const EventInfo> all_event_infos();

inline constexpr std::uint32_t kEventTimeMask = 0xFFFFFF;  // 24-bit stamps

struct BmsEventRecord {
  std::uint32_t bms_time_s = 0;  // 24-bit stamp from the register
  std::uint8_t id = 0;
  std::uint8_t slot = 0;  // 0-48: registers 200 + 2 x slot, 201 + 2 x slot
  const EventInfo* info = nullptr;
  // Filled by BmsEventTracker::update (or to_unix_s): the event's wall-clock time.
  bool time_known = false;
  std::int64_t unix_s = 0;
};

struct BmsEventList {
  std::array<BmsEventRecord, kEventSlots> items{};
  std::size_t count = 0;
  std::span<const BmsEventRecord> view() const { return {items.data(), count}; }
};

enum class EventsError : std::uint8_t {
  not_read = 1,  // some register of 200-297 was never read
};
const char* to_string(EventsError e);

// The non-empty slots of registers 200-297, oldest first (by stamp, then slot). Every register
// of the band must be valid in the bank.
Result<BmsEventList, EventsError> decode_event_registers(const RegisterBank& bank);
// The same from a plain array of the 98 words (register 200 first).
BmsEventList decode_event_words(std::span<const std::uint16_t, kEventSlots * 2> words);

// The lifetime value (seconds) at which a 24-bit stamp was taken: the latest value not after
// lifetime_now_s with the same low 24 bits; nullopt when there is none.
std::optional<std::uint32_t> widen_event_time(std::uint32_t bms_time_s,
                                              std::uint32_t lifetime_now_s);
// now_unix_s - (lifetime_now_s - event time); nullopt as for widen_event_time.
std::optional<std::int64_t> to_unix_s(std::uint32_t bms_time_s, std::uint32_t lifetime_now_s,
                                      std::int64_t now_unix_s);

struct EventKey {
  std::uint32_t bms_time_s = 0;
  std::uint8_t id = 0;
  friend constexpr bool operator==(const EventKey&, const EventKey&) = default;
};

// The tracker's state as plain data (for the lead's persistence format).
struct BmsEventTrackerState {
  bool has_lifetime = false;
  std::uint32_t lifetime_s = 0;  // the BMS clock at the last update
  std::uint8_t count = 0;        // keys used
  std::array<EventKey, kEventSlots> keys{};
};

struct NewBmsEvents {
  BmsEventList events;     // new events, oldest first, with wall-clock time filled in
  bool bms_reset = false;  // the lifetime counter went back: everything was re-imported
  bool overflow = false;   // the ring wrapped since the last read: events may be missing
};

class BmsEventTracker {
 public:
  // `ring`: the events read now (decode_event_registers); `lifetime_now_s`: the BMS clock
  // (snapshot bms_lifetime_s, read close to the ring); `now_unix_s`: the wall clock.
  NewBmsEvents update(const BmsEventList& ring, std::uint32_t lifetime_now_s,
                      std::int64_t now_unix_s);
  // Forgets every key: the next update reports the whole ring.
  void forget() { state_ = {}; }

  BmsEventTrackerState save() const { return state_; }
  // A state with more keys than the ring holds is refused (nothing changes).
  bool restore(const BmsEventTrackerState& state);

 private:
  BmsEventTrackerState state_{};
};

}  // namespace tbgw::tinybms
