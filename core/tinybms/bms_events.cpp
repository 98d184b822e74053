// BMS event decoding, time placement and de-duplication; see bms_events.hpp.
#include "core/tinybms/bms_events.hpp"

#include <algorithm>

namespace tbgw::tinybms {

namespace {

using S = EventSeverity;

// The spec's id list ("Events (read only, 200-297)"), ascending.
constexpr std::array kEventInfos{
    EventInfo{0x02, S::fault, "under_voltage_cutoff", "Under-voltage cutoff"},
    EventInfo{0x03, S::fault, "over_voltage_cutoff", "Over-voltage cutoff"},
    EventInfo{0x04, S::fault, "over_temperature_cutoff", "Over-temperature cutoff"},
    EventInfo{0x05, S::fault, "discharging_over_current", "Discharging over-current"},
    EventInfo{0x06, S::fault, "charging_over_current", "Charging over-current"},
    EventInfo{0x07, S::fault, "regeneration_over_current", "Regeneration over-current"},
    EventInfo{0x0A, S::fault, "low_temperature_cutoff", "Low-temperature cutoff"},
    EventInfo{0x0B, S::fault, "charger_switch_error", "Charger switch error"},
    EventInfo{0x0C, S::fault, "load_switch_error", "Load switch error"},
    EventInfo{0x0D, S::fault, "single_port_switch_error", "Single-port switch error"},
    EventInfo{0x0E, S::fault, "external_current_sensor_disconnected",
              "External current sensor disconnected (BMS restart needed)"},
    EventInfo{0x0F, S::fault, "external_current_sensor_connected",
              "External current sensor connected (BMS restart needed)"},
    EventInfo{0x31, S::warning, "fully_discharged_cutoff", "Fully discharged cutoff"},
    EventInfo{0x37, S::warning, "low_temperature_charging_cutoff",
              "Low-temperature charging cutoff"},
    EventInfo{0x38, S::warning, "charging_done_charger_voltage_high",
              "Charging done (charger voltage too high)"},
    EventInfo{0x39, S::warning, "charging_done_charger_voltage_low",
              "Charging done (charger voltage too low)"},
    EventInfo{0x61, S::info, "system_started", "System started"},
    EventInfo{0x62, S::info, "charging_started", "Charging started"},
    EventInfo{0x63, S::info, "charging_done", "Charging done"},
    EventInfo{0x64, S::info, "charger_connected", "Charger connected"},
    EventInfo{0x65, S::info, "charger_disconnected", "Charger disconnected"},
    EventInfo{0x66, S::info, "dual_port_mode", "Dual-port operation mode"},
    EventInfo{0x67, S::info, "single_port_mode", "Single-port operation mode"},
    EventInfo{0x73, S::info, "recovered_over_temperature", "Recovered from over-temperature"},
    EventInfo{0x74, S::info, "recovered_low_temperature_warning",
              "Recovered from low-temperature warning"},
    EventInfo{0x75, S::info, "recovered_low_temperature_fault",
              "Recovered from low-temperature fault"},
    EventInfo{0x76, S::info, "recovered_charging_over_current",
              "Recovered from charging over-current"},
    EventInfo{0x77, S::info, "recovered_discharging_over_current",
              "Recovered from discharging over-current"},
    EventInfo{0x78, S::info, "recovered_regeneration_over_current",
              "Recovered from regeneration over-current"},
    EventInfo{0x79, S::info, "recovered_over_voltage", "Recovered from over-voltage"},
    EventInfo{0x7A, S::info, "recovered_fully_discharged_warning",
              "Recovered from fully-discharged warning"},
    EventInfo{0x7B, S::info, "recovered_under_voltage", "Recovered from under-voltage"},
    EventInfo{0x7C, S::info, "external_current_sensor_attached",
              "External current sensor connected"},
    EventInfo{0x7D, S::info, "external_current_sensor_detached",
              "External current sensor disconnected"},
};

static_assert(std::is_sorted(kEventInfos.begin(), kEventInfos.end(),
                             [](const EventInfo& a, const EventInfo& b) { return a.id < b.id; }));

constexpr EventInfo kUnknownEvent{0, S::unknown, "unknown_event", "Unknown event"};

constexpr std::uint32_t kEpoch = kEventTimeMask + 1U;  // 2^24 s

}  // namespace

const char* to_string(EventSeverity s) {
  switch (s) {
    case EventSeverity::fault:
      return "fault";
    case EventSeverity::warning:
      return "warning";
    case EventSeverity::info:
      return "info";
    case EventSeverity::unknown:
      return "unknown";
  }
  return "invalid";
}

const char* to_string(EventsError e) {
  switch (e) {
    case EventsError::not_read:
      return "event registers not read";
  }
  return "invalid";
}

const EventInfo& event_info(std::uint8_t id) {
  const auto* it = std::lower_bound(kEventInfos.begin(), kEventInfos.end(), id,
                                    [](const EventInfo& e, std::uint8_t v) { return e.id < v; });
  return it != kEventInfos.end() && it->id == id ? *it : kUnknownEvent;
}

std::span<const EventInfo> all_event_infos() {
  return kEventInfos;
}

BmsEventList decode_event_words(std::span<const std::uint16_t, kEventSlots * 2> words) {
  BmsEventList list;
  for (std::size_t slot = 0; slot < kEventSlots; ++slot) {
    const std::uint16_t lo = words[2 * slot];
    const std::uint16_t hi = words[2 * slot + 1];
    const auto id = static_cast<std::uint8_t>(hi >> 8);
    if (id == 0) continue;  // empty slot
    BmsEventRecord& r = list.items[list.count++];
    r.bms_time_s = (static_cast<std::uint32_t>(hi & 0xFFU) << 16) | lo;
    r.id = id;
    r.slot = static_cast<std::uint8_t>(slot);
    r.info = &event_info(id);
  }
  std::stable_sort(
      list.items.begin(), list.items.begin() + static_cast<std::ptrdiff_t>(list.count),
      [](const BmsEventRecord& a, const BmsEventRecord& b) { return a.bms_time_s < b.bms_time_s; });
  return list;
}

Result<BmsEventList, EventsError> decode_event_registers(const RegisterBank& bank) {
  if (!bank.all_valid(kEventsBand.first, kEventSlots * 2)) return Err(EventsError::not_read);
  std::array<std::uint16_t, kEventSlots * 2> words{};
  for (std::size_t i = 0; i < words.size(); ++i) {
    words[i] = bank.get(static_cast<std::uint16_t>(kEventsBand.first + i)).value_or(0);
  }
  return decode_event_words(words);
}

std::optional<std::uint32_t> widen_event_time(std::uint32_t bms_time_s,
                                              std::uint32_t lifetime_now_s) {
  const std::uint32_t stamp = bms_time_s & kEventTimeMask;
  const std::uint32_t base = lifetime_now_s & ~kEventTimeMask;
  if ((base | stamp) <= lifetime_now_s) return base | stamp;
  if (base == 0) return std::nullopt;  // later than a clock that never wrapped
  return (base - kEpoch) | stamp;
}

std::optional<std::int64_t> to_unix_s(std::uint32_t bms_time_s, std::uint32_t lifetime_now_s,
                                      std::int64_t now_unix_s) {
  const auto at = widen_event_time(bms_time_s, lifetime_now_s);
  if (!at) return std::nullopt;
  return now_unix_s - static_cast<std::int64_t>(lifetime_now_s - *at);
}

bool BmsEventTracker::restore(const BmsEventTrackerState& state) {
  if (state.count > kEventSlots) return false;
  state_ = state;
  return true;
}

NewBmsEvents BmsEventTracker::update(const BmsEventList& ring, std::uint32_t lifetime_now_s,
                                     std::int64_t now_unix_s) {
  NewBmsEvents out;
  if (state_.has_lifetime && lifetime_now_s < state_.lifetime_s) {
    out.bms_reset = true;
    state_ = {};
  }
  const bool knew_events = state_.count > 0;
  // Known keys are consumed one by one so that duplicates in the ring count separately.
  std::array<bool, kEventSlots> used{};
  for (std::size_t i = 0; i < ring.count; ++i) {
    const BmsEventRecord& e = ring.items[i];
    const EventKey key{e.bms_time_s, e.id};
    bool known = false;
    for (std::size_t k = 0; k < state_.count && !known; ++k) {
      if (!used[k] && state_.keys[k] == key) used[k] = known = true;
    }
    if (known) continue;
    BmsEventRecord& r = out.events.items[out.events.count++];
    r = e;
    const auto unix_s = to_unix_s(e.bms_time_s, lifetime_now_s, now_unix_s);
    r.time_known = unix_s.has_value();
    r.unix_s = unix_s.value_or(0);
  }
  out.overflow = knew_events && ring.count == kEventSlots && out.events.count == ring.count;
  // Oldest first on the BMS clock: after a 24-bit wrap the raw stamps no longer sort.
  auto order = [lifetime_now_s](const BmsEventRecord& r) -> std::int64_t {
    const auto at = widen_event_time(r.bms_time_s, lifetime_now_s);
    return at ? static_cast<std::int64_t>(*at) : -1;  // unplaceable first: they are the oldest
  };
  std::stable_sort(
      out.events.items.begin(),
      out.events.items.begin() + static_cast<std::ptrdiff_t>(out.events.count),
      [&](const BmsEventRecord& a, const BmsEventRecord& b) { return order(a) < order(b); });
  state_.has_lifetime = true;
  state_.lifetime_s = lifetime_now_s;
  state_.count = static_cast<std::uint8_t>(ring.count);
  for (std::size_t i = 0; i < ring.count; ++i) {
    state_.keys[i] = EventKey{ring.items[i].bms_time_s, ring.items[i].id};
  }
  return out;
}

}  // namespace tbgw::tinybms
