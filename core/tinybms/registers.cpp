// The register table itself (see registers.hpp for the model) and its lookups.
//
// Entries are written in address order, one group per array, and concatenated at compile time
// with the generated cell channels and event slots. The static_asserts at the end prove the
// invariants every lookup relies on (sorted, unique names, ranges on writable entries), so a
// mistake in the table fails the build rather than a test.
#include "core/tinybms/registers.hpp"

#include <algorithm>
#include <array>

namespace tbgw::tinybms {
namespace {

using G = RegisterGroup;
using T = RegType;
using K = RangeKind;
constexpr auto kRevD = MapRevision::rev_d;

constexpr RegisterInfo ro(G group, std::uint16_t address, std::string_view name, T type,
                          std::string_view unit, double scale, std::string_view description) {
  RegisterInfo r;
  r.address = address;
  r.name = name;
  r.type = type;
  r.group = group;
  r.unit = unit;
  r.scale = scale;
  r.description = description;
  return r;
}
constexpr RegisterInfo live(std::uint16_t a, std::string_view n, T t, std::string_view unit,
                            double scale, std::string_view d) {
  return ro(G::live, a, n, t, unit, scale, d);
}
constexpr RegisterInfo stat(std::uint16_t a, std::string_view n, T t, std::string_view unit,
                            double scale, std::string_view d) {
  return ro(G::statistics, a, n, t, unit, scale, d);
}
constexpr RegisterInfo ver(std::uint16_t a, std::string_view n, T t, std::string_view d) {
  return ro(G::version, a, n, t, "", 1.0, d);
}
constexpr RegisterInfo set(std::uint16_t a, std::string_view n, T t, std::string_view unit,
                           double scale, K kind, std::int32_t min, std::int32_t max,
                           std::string_view d) {
  RegisterInfo r = ro(G::settings, a, n, t, unit, scale, d);
  r.access = Access::read_write;
  r.range_kind = kind;
  r.range = {min, max};
  return r;
}
constexpr RegisterInfo rev_d(RegisterInfo r) {
  r.since = kRevD;
  return r;
}
// Enumerated setting: only these codes are valid (the range is their min..max).
constexpr RegisterInfo codes(RegisterInfo r, std::uint32_t mask) {
  r.allowed_codes = mask;
  return r;
}
constexpr std::uint32_t code_span(int lo, int hi) {
  std::uint32_t m = 0;
  for (int c = lo; c <= hi; ++c) m |= 1U << c;
  return m;
}

// --- Generated names: "channel_01_voltage".."channel_16_voltage", "event_00_timestamp_lo"...
struct NameBuf {
  std::array<char, 32> text{};
  std::size_t size = 0;
  constexpr void put(std::string_view s) {
    for (char c : s) text[size++] = c;
  }
  constexpr void put2(std::size_t n) {
    text[size++] = static_cast<char>('0' + n / 10);
    text[size++] = static_cast<char>('0' + n % 10);
  }
  constexpr std::string_view view() const { return {text.data(), size}; }
};

constexpr std::size_t kChannels = 16;
constexpr auto kChannelNames = [] {
  std::array<NameBuf, kChannels> names{};
  for (std::size_t i = 0; i < kChannels; ++i) {
    names[i].put("channel_");
    names[i].put2(i + 1);
    names[i].put("_voltage");
  }
  return names;
}();

constexpr auto kEventNames = [] {
  std::array<NameBuf, kEventSlots * 2> names{};
  for (std::size_t slot = 0; slot < kEventSlots; ++slot) {
    for (std::size_t word = 0; word < 2; ++word) {
      NameBuf& n = names[slot * 2 + word];
      n.put("event_");
      n.put2(slot);
      n.put(word == 0 ? "_timestamp_lo" : "_timestamp_hi_id");
    }
  }
  return names;
}();

// --- Hand-written groups (spec "Register map"; Rev D document chapter 3).
constexpr auto kLiveTail = std::to_array<RegisterInfo>({
    live(32, "lifetime_counter", T::u32_lo, "s", 1, "BMS lifetime counter"),
    live(33, "lifetime_counter_hi", T::u32_hi, "s", 1, "BMS lifetime counter, high word"),
    live(34, "estimated_time_left", T::u32_lo, "s", 1, "Estimated time left (BMS estimate)"),
    live(35, "estimated_time_left_hi", T::u32_hi, "s", 1, "Estimated time left, high word"),
    live(36, "pack_voltage", T::float32_lo, "V", 1, "Battery pack voltage"),
    live(37, "pack_voltage_hi", T::float32_hi, "V", 1, "Battery pack voltage, high word"),
    live(38, "pack_current", T::float32_lo, "A", 1, "Battery pack current, + = charging"),
    live(39, "pack_current_hi", T::float32_hi, "A", 1, "Battery pack current, high word"),
    live(40, "min_cell_voltage", T::u16, "mV", 1, "Lowest cell voltage"),
    live(41, "max_cell_voltage", T::u16, "mV", 1, "Highest cell voltage"),
    live(42, "external_temp_1", T::i16, "°C", 0.1, "External sensor 1 (-32768 = absent)"),
    live(43, "external_temp_2", T::i16, "°C", 0.1, "External sensor 2 (-32768 = absent)"),
    live(44, "distance_left", T::u16, "km", 1, "Distance left to empty battery"),
    rev_d(live(45, "state_of_health", T::u16, "%", 0.002, "State of health (0-50000)")),
    live(46, "state_of_charge", T::u32_lo, "%", 1e-6, "State of charge (100 % = 100,000,000)"),
    live(47, "state_of_charge_hi", T::u32_hi, "%", 1e-6, "State of charge, high word"),
    live(48, "internal_temp", T::i16, "°C", 0.1, "BMS internal temperature"),
    live(50, "online_status", T::u16, "", 1,
         "0x91 charging, 0x92 full, 0x93 discharging, 0x96 regen, 0x97 idle, 0x9B fault"),
    live(51, "balancing_decision_bits", T::bits16, "", 1, "Bit c = channel c+1 needs balancing"),
    live(52, "real_balancing_bits", T::bits16, "", 1, "Bit c = channel c+1 is balancing now"),
    live(53, "detected_cells", T::u16, "", 1, "Number of detected cells"),
    live(54, "speed", T::float32_lo, "km/h", 1, "Speed"),
    live(55, "speed_hi", T::float32_hi, "km/h", 1, "Speed, high word"),
});

constexpr auto kStatistics = std::to_array<RegisterInfo>({
    stat(100, "total_distance", T::u32_lo, "km", 0.01, "Total distance"),
    stat(101, "total_distance_hi", T::u32_hi, "km", 0.01, "Total distance, high word"),
    stat(102, "max_discharge_current", T::u16, "A", 0.1, "Largest discharge current seen"),
    stat(103, "max_charge_current", T::u16, "A", 0.1, "Largest charge current seen"),
    stat(104, "max_cell_voltage_difference", T::u16, "mV", 0.1, "Largest cell difference seen"),
    stat(105, "under_voltage_protection_count", T::u16, "", 1, "Under-voltage cutoffs"),
    stat(106, "over_voltage_protection_count", T::u16, "", 1, "Over-voltage cutoffs"),
    stat(107, "discharge_over_current_protection_count", T::u16, "", 1, "Discharge OC cutoffs"),
    stat(108, "charge_over_current_protection_count", T::u16, "", 1, "Charge OC cutoffs"),
    stat(109, "over_heat_protection_count", T::u16, "", 1, "Over-heat cutoffs"),
    stat(111, "charging_count", T::u16, "", 1, "Charging cycles started"),
    stat(112, "full_charge_count", T::u16, "", 1, "Full charges"),
    stat(113, "pack_temperature_min_max", T::i8_pair, "°C", 1, "Low byte min, high byte max"),
    stat(114, "last_reset_and_wakeup_cause", T::u8_pair, "", 1,
         "Low byte reset cause, high byte wake-up cause"),
    stat(116, "statistics_last_cleared", T::u32_lo, "s", 1, "Timestamp of the last clear"),
    stat(117, "statistics_last_cleared_hi", T::u32_hi, "s", 1, "Last clear, high word"),
});

constexpr auto kSettings = std::to_array<RegisterInfo>({
    set(300, "fully_charged_voltage_per_cell", T::u16, "mV", 1, K::documented, 1200, 4500,
        "Fully charged voltage, per cell"),
    set(301, "fully_discharged_voltage_per_cell", T::u16, "mV", 1, K::documented, 1000, 3500,
        "Fully discharged voltage, per cell"),
    set(303, "early_balancing_threshold_per_cell", T::u16, "mV", 1, K::documented, 1000, 4500,
        "Early balancing threshold, per cell"),
    set(304, "charge_finished_current", T::u16, "mA", 1, K::sensor_dependent, 100, 5000,
        "Charge finished current"),
    // No documented range; 0 A would cut off any discharge, so it is refused (found by the
    // bms_settings fuzz target, which compares with the simulator's 1..750 A).
    rev_d(set(305, "peak_discharge_current_cutoff", T::u16, "A", 1, K::undocumented, 1, 65535,
              "Peak discharge current cutoff")),
    set(306, "battery_capacity", T::u16, "Ah", 0.01, K::documented, 10, 65500, "Battery capacity"),
    set(307, "series_cells", T::u16, "", 1, K::documented, 4, 16, "Number of series cells"),
    set(308, "allowed_disbalance", T::u16, "mV", 1, K::documented, 15, 100,
        "Allowed cell disbalance"),
    rev_d(set(310, "charger_startup_delay", T::u16, "s", 1, K::documented, 5, 60,
              "Charger startup delay")),
    rev_d(set(311, "charger_disable_delay", T::u16, "s", 1, K::documented, 0, 60,
              "Charger disable delay")),
    set(312, "pulses_per_unit", T::u32_lo, "", 1, K::documented, 1, 100000,
        "Speed sensor pulses per distance unit"),
    set(313, "pulses_per_unit_hi", T::u32_hi, "", 1, K::documented, 1, 100000,
        "Pulses per unit, high word"),
    codes(set(314, "distance_unit", T::u16, "", 1, K::documented, 1, 5,
              "1 m, 2 km, 3 ft, 4 mi, 5 yd"),
          code_span(1, 5)),
    set(315, "over_voltage_cutoff_per_cell", T::u16, "mV", 1, K::documented, 1200, 4500,
        "Over-voltage cutoff, per cell"),
    set(316, "under_voltage_cutoff_per_cell", T::u16, "mV", 1, K::documented, 800, 3500,
        "Under-voltage cutoff, per cell"),
    set(317, "discharge_over_current_cutoff", T::u16, "A", 1, K::sensor_dependent, 1, 750,
        "Discharge over-current cutoff"),
    set(318, "charge_over_current_cutoff", T::u16, "A", 1, K::sensor_dependent, 1, 750,
        "Charge over-current cutoff"),
    set(319, "over_heat_cutoff", T::i16, "°C", 1, K::documented, 20, 90, "Over-heat cutoff"),
    set(320, "low_temp_charger_cutoff", T::i16, "°C", 1, K::documented, -40, 10,
        "Low-temperature charger cutoff"),
    rev_d(set(321, "charge_restart_level", T::u16, "%", 1, K::documented, 60, 95,
              "SOC below which charging restarts (329 bit 2)")),
    rev_d(set(322, "battery_max_cycles", T::u16, "", 1, K::documented, 10, 65000,
              "Battery maximum cycles count")),
    rev_d(set(323, "state_of_health_set", T::u16, "%", 0.002, K::documented, 0, 50000,
              "Sets SOH; reads 0xFFFF once accepted")),
    set(328, "state_of_charge_set", T::u16, "%", 0.002, K::documented, 0, 50000,
        "Sets SOC; reads 0xFFFF (live SOC is 46-47)"),
    rev_d(set(329, "feature_flags", T::bits16, "", 1, K::documented, 0, 7,
              "Bit 0 invert ext. sensor, 1 no switch diagnostics, 2 restart level")),
    [] {
      RegisterInfo r =
          codes(set(330, "charger_type_and_discharge_oc_timeout", T::u8_pair, "", 1, K::documented,
                    1, 1, "Low byte charger type (1 CC/CV), high byte discharge OC timeout (s)"),
                code_span(1, 1));
      r.high_range = {0, 30};
      r.high_byte_since = kRevD;
      return r;
    }(),
    codes(set(331, "load_switch_type", T::u8_low, "", 1, K::documented, 0, 8,
              "0 FET, 1-4 AIDO1/2 DIDO1/2, 5-8 AIHO1/2 low/high"),
          code_span(0, 8)),
    set(332, "automatic_recovery", T::u8_low, "s", 1, K::documented, 1, 30,
        "Automatic recovery time"),
    codes(set(333, "charger_switch_type", T::u8_low, "", 1, K::documented, 1, 9,
              "1 charge FET, 2-5 AIDO1/2 DIDO1/2, 6-9 AIHO1/2 low/high"),
          code_span(1, 9)),
    codes(set(334, "ignition", T::u8_low, "", 1, K::documented, 0, 6,
              "0 disabled, 1-4 AIDO1/2 DIDO1/2, 5-6 AIHO1/2"),
          code_span(0, 6)),
    codes(set(335, "charger_detection", T::u8_low, "", 1, K::documented, 1, 7,
              "1 internal, 2-5 AIDO1/2 DIDO1/2, 6-7 AIHO1/2"),
          code_span(1, 7)),
    codes(set(336, "speed_sensor_input", T::u8_low, "", 1, K::documented, 0, 2,
              "0 disabled, 1 DIDO1, 2 DIDO2"),
          code_span(0, 2)),
    // The document lists 0x09 then "0x10" for AIHO2 active high: most likely decimal 10 written
    // as hex. Both 10 and 16 are accepted until a real unit settles it; 1 is not a code.
    codes(set(337, "precharge_pin", T::u8_low, "", 1, K::documented, 0, 16,
              "0 off, 2 dis. FET, 3-6 AIDO1/2 DIDO1/2, 7-10 AIHO1/2 low/high"),
          code_span(0, 0) | code_span(2, 10) | code_span(16, 16)),
    codes(set(338, "precharge_duration", T::u8_low, "", 1, K::documented, 0, 7,
              "0.1, 0.2, 0.5, 1, 2, 3, 4, 5 s"),
          code_span(0, 7)),
    codes(set(339, "temperature_sensor_type", T::u8_low, "", 1, K::documented, 0, 1,
              "0 dual 10K NTC, 1 multipoint active sensor"),
          code_span(0, 1)),
    codes(set(340, "operation_mode", T::u8_low, "", 1, K::documented, 0, 1,
              "0 dual port, 1 single port"),
          code_span(0, 1)),
    codes(set(341, "single_port_switch_type", T::u8_low, "", 1, K::documented, 0, 8,
              "As load_switch_type"),
          code_span(0, 8)),
    codes(set(342, "broadcast_time", T::u8_low, "", 1, K::documented, 0, 7,
              "0 off, 0.1, 0.2, 0.5, 1, 2, 5, 10 s"),
          code_span(0, 7)),
    codes(set(343, "broadcast_protocol", T::u8_low, "", 1, K::documented, 0, 2,
              "0 CA V3, 1 ASCII, 2 SOC BAR"),
          code_span(0, 2)),
});

constexpr auto kVersion = std::to_array<RegisterInfo>({
    ver(500, "hardware_version", T::u8_pair, "Low byte hardware, high byte hardware changes"),
    ver(501, "firmware_public_and_hardware_flags", T::u8_pair,
        "Low byte public firmware; high: bit 0 power type, bits 1-2 current sensor"),
    ver(502, "firmware_internal_version", T::u16, "Internal firmware version"),
    ver(503, "bootloader_and_profile_version", T::u8_pair, "Low byte bootloader, high profile"),
    ver(504, "serial_number_word_0", T::u16, "Product serial number, word 0 of 6"),
    ver(505, "serial_number_word_1", T::u16, "Product serial number, word 1"),
    ver(506, "serial_number_word_2", T::u16, "Product serial number, word 2"),
    ver(507, "serial_number_word_3", T::u16, "Product serial number, word 3"),
    ver(508, "serial_number_word_4", T::u16, "Product serial number, word 4"),
    ver(509, "serial_number_word_5", T::u16, "Product serial number, word 5"),
});

constexpr std::size_t kTableSize = kChannels + kLiveTail.size() + kStatistics.size() +
                                   kEventSlots * 2 + kSettings.size() + kVersion.size();

constexpr std::array<RegisterInfo, kTableSize> kTable = [] {
  std::array<RegisterInfo, kTableSize> t{};
  std::size_t n = 0;
  for (std::size_t c = 0; c < kChannels; ++c) {
    t[n++] = live(static_cast<std::uint16_t>(c), kChannelNames[c].view(), T::u16, "mV", 0.1,
                  "Cell voltage on BMS channel c+1; pack cell k of N is on channel 16-N+k");
  }
  for (const auto& r : kLiveTail) t[n++] = r;
  for (const auto& r : kStatistics) t[n++] = r;
  for (std::size_t i = 0; i < kEventSlots * 2; ++i) {
    const bool lo = i % 2 == 0;
    t[n++] = ro(G::events, static_cast<std::uint16_t>(kEventsBand.first + i), kEventNames[i].view(),
                lo ? T::event_lo : T::event_hi, lo ? "s" : "", 1,
                lo ? "Event slot: timestamp bits 0-15"
                   : "Event slot: low byte timestamp bits 16-23, high byte message id");
  }
  for (const auto& r : kSettings) t[n++] = r;
  for (const auto& r : kVersion) t[n++] = r;
  return t;
}();

// --- Invariants the lookups rely on, proven at compile time.
constexpr bool sorted_and_unique_addresses() {
  for (std::size_t i = 1; i < kTable.size(); ++i) {
    if (kTable[i - 1].address >= kTable[i].address) return false;
  }
  return true;
}
constexpr bool writable_entries_well_formed() {
  for (const auto& r : kTable) {
    const bool in_settings = kSettingsBand.contains(r.address);
    if (r.writable() != in_settings) return false;
    if (r.writable() && (r.range_kind == K::none || r.range.min > r.range.max)) return false;
    if (!r.writable() && r.range_kind != K::none) return false;
  }
  return true;
}
constexpr bool unique_names() {
  for (std::size_t i = 0; i < kTable.size(); ++i) {
    if (kTable[i].name.empty()) return false;
    for (std::size_t j = i + 1; j < kTable.size(); ++j) {
      if (kTable[i].name == kTable[j].name) return false;
    }
  }
  return true;
}
static_assert(sorted_and_unique_addresses(), "register table must be sorted by address");
static_assert(unique_names(), "register names are keys: each must be unique");
static_assert(writable_entries_well_formed(), "writable = settings band, each with a range");
static_assert(kTable.back().address < 512, "the core handles addresses 0-511");

}  // namespace

std::span<const RegisterInfo> all_registers() {
  return kTable;
}

const RegisterInfo* find_register(std::uint16_t address) {
  const auto* it =
      std::lower_bound(kTable.begin(), kTable.end(), address,
                       [](const RegisterInfo& r, std::uint16_t a) { return r.address < a; });
  return (it != kTable.end() && it->address == address) ? &*it : nullptr;
}

const RegisterInfo* find_register(std::string_view name) {
  for (const auto& r : kTable) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

bool is_reserved(std::uint16_t address) {
  return find_register(address) == nullptr;
}

bool is_writable(std::uint16_t address) {
  const RegisterInfo* r = find_register(address);
  return r != nullptr && r->writable();
}

RegisterGroup group_of(std::uint16_t address) {
  const RegisterInfo* r = find_register(address);
  return r != nullptr ? r->group : RegisterGroup::reserved;
}

double engineering_value(const RegisterInfo& info, std::uint16_t raw) {
  switch (info.type) {
    case T::i16:
      return static_cast<double>(static_cast<std::int16_t>(raw)) * info.scale;
    case T::u8_low:
    case T::u8_pair:
      return static_cast<double>(raw & 0xFFU) * info.scale;
    case T::i8_pair:
      return static_cast<double>(static_cast<std::int8_t>(raw & 0xFFU)) * info.scale;
    default:
      return static_cast<double>(raw) * info.scale;
  }
}

}  // namespace tbgw::tinybms
