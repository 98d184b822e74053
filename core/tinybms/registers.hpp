// The TinyBMS register catalogue: one constexpr table (registers.cpp) describing every register
// of the Rev D map (spec/tinybms-protocol.md, "Register map"), and the lookups built on it.
//
// Theory of operation. Each defined register address has exactly one entry, sorted by address;
// 32-bit values (UINT_32, FLOAT) have an entry per word (`*_lo` = the lower address, which holds
// the low 16 bits: Modbus "CDAB" order, proven by the real 14S capture). Reserved addresses
// (16-31, 49, 56-99, 110, 115, 118-199, 298-299, 302, 309, 324-327, 344-399, 510-599) have no
// entry: `find_register()` returns nullptr for them and `is_reserved()` is true. The 98 event
// registers 200-297 (49 slots x 2 words) and the 16 cell channels are generated at compile
// time, so a lookup works for every one of them.
//
// Scaling: engineering value = raw x `scale`, in `unit` (e.g. cells: raw x 0.1 -> mV). Setting
// ranges are in raw units as the BMS stores them (`range`), for the whole value; `u8_pair`
// registers (330) also have `high_range` for the high byte; `allowed_codes` narrows enumerated
// settings to the codes the document lists (bit c = code c allowed).
//
// Bounds: 0-511 is the address space the rest of the core handles (RegisterBank::kSize); every
// catalogued address is below 510. Lookups never allocate. Lookup by address is a binary
// search; by name a linear scan of ~200 entries (use it on configuration paths, not per poll).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace tbgw::tinybms {

enum class RegType : std::uint8_t {
  u16,         // unsigned 16 bit
  i16,         // two's complement 16 bit
  u32_lo,      // low word of a u32; address + 1 holds the high word
  u32_hi,      // high word of the u32 whose low word is at address - 1
  float32_lo,  // low word of an IEEE-754 binary32; address + 1 holds the high word
  float32_hi,  // high word of the float whose low word is at address - 1
  u8_low,      // only the low byte is defined; the high byte must be kept on write (331-343)
  u8_pair,     // two independent u8 fields: low byte, high byte (114, 330, 500, 501, 503)
  i8_pair,     // two independent int8 fields: low byte, high byte (113)
  bits16,      // bit field (51, 52, 329)
  event_lo,    // event slot word 0: timestamp bits 0-15
  event_hi,    // event slot word 1: low byte timestamp bits 16-23, high byte message id
};

enum class Access : std::uint8_t { read_only, read_write };

enum class RegisterGroup : std::uint8_t { live, statistics, events, settings, version, reserved };

// The revision of the Enepaq document that introduced a register. Registers added in Rev D read
// 0 or garbage on older firmware; the UI shows them as unavailable there.
enum class MapRevision : std::uint8_t { original, rev_d };

// How far a setting's range can be trusted.
enum class RangeKind : std::uint8_t {
  none,              // read-only register: no range
  documented,        // the range printed in the document
  sensor_dependent,  // the document's outer bound; the BMS narrows it to its current sensor
                     // (read the live limits with command 0x1D)
  undocumented,      // the document gives no range: the type's full range, the BMS judges
};

// Inclusive raw bounds, signed so that i16 settings (319, 320) fit.
struct RawRange {
  std::int32_t min = 0;
  std::int32_t max = 0;
};

// An inclusive range of register addresses ("0-15" in the spec tables).
struct AddressRange {
  std::uint16_t first = 0;
  std::uint16_t last = 0;
  constexpr std::size_t size() const { return static_cast<std::size_t>(last - first) + 1U; }
  constexpr bool contains(std::uint16_t a) const { return a >= first && a <= last; }
};

struct RegisterInfo {
  std::uint16_t address = 0;
  std::string_view name;  // stable snake_case key (API, MQTT, config): never renamed
  RegType type = RegType::u16;
  Access access = Access::read_only;
  RegisterGroup group = RegisterGroup::reserved;
  std::string_view unit;  // engineering unit after scaling; "" for codes, counts, bit fields
  double scale = 1.0;     // engineering value = raw x scale
  RangeKind range_kind = RangeKind::none;
  RawRange range;       // whole value (u32_lo/u32_hi: the 32-bit value); pairs: low byte
  RawRange high_range;  // u8_pair settings only: the high byte
  std::uint32_t allowed_codes =
      0;  // enumerated settings: bit c set = code c valid; 0 = any in range
  MapRevision since = MapRevision::original;
  MapRevision high_byte_since = MapRevision::original;  // u8_pair: when the high byte appeared
  std::string_view description;

  constexpr bool writable() const { return access == Access::read_write; }
  constexpr bool is_32bit() const {
    return type == RegType::u32_lo || type == RegType::u32_hi || type == RegType::float32_lo ||
           type == RegType::float32_hi;
  }
};

// Why decoding registers failed, and which register it was about (the decoders' error type:
// `r.error().error` is the domain's enum, find_register(r.error().address) names the register).
template <class E>
struct RegisterFault {
  E error{};
  std::uint16_t address = 0;
};

// Address bands of the map.
inline constexpr AddressRange kLiveBand{0, 99};
inline constexpr AddressRange kStatisticsBand{100, 199};
inline constexpr AddressRange kEventsBand{200, 299};
inline constexpr AddressRange kSettingsBand{300, 399};  // the only writable addresses
inline constexpr AddressRange kVersionBand{500, 599};
inline constexpr std::size_t kEventSlots = 49;  // 200-297, two words each

// The entry for `address`, or nullptr when the address is reserved / undefined.
const RegisterInfo* find_register(std::uint16_t address);
// The entry with this exact name, or nullptr.
const RegisterInfo* find_register(std::string_view name);
// Every entry, sorted by address.
std::span<const RegisterInfo> all_registers();

// True for every address without a catalogue entry (the document's reserved registers and the
// gaps it leaves undefined). A client must not rely on what such an address reads.
bool is_reserved(std::uint16_t address);
// True for defined read/write registers (all of them lie in 300-399).
bool is_writable(std::uint16_t address);
// The band an address belongs to; `reserved` when it has no entry.
RegisterGroup group_of(std::uint16_t address);

// raw -> engineering units for single-word registers: u16/bits16 raw x scale, i16 and the
// low byte of u8_low/u8_pair likewise (signed for i16). For 32-bit values use RegisterBank's
// get_u32/get_float and the scale of the `*_lo` entry.
double engineering_value(const RegisterInfo& info, std::uint16_t raw);

constexpr const char* to_string(RegisterGroup g) {
  switch (g) {
    case RegisterGroup::live:
      return "live";
    case RegisterGroup::statistics:
      return "statistics";
    case RegisterGroup::events:
      return "events";
    case RegisterGroup::settings:
      return "settings";
    case RegisterGroup::version:
      return "version";
    case RegisterGroup::reserved:
      return "reserved";
  }
  return "unknown";
}

constexpr const char* to_string(RegType t) {
  switch (t) {
    case RegType::u16:
      return "u16";
    case RegType::i16:
      return "i16";
    case RegType::u32_lo:
      return "u32_lo";
    case RegType::u32_hi:
      return "u32_hi";
    case RegType::float32_lo:
      return "float32_lo";
    case RegType::float32_hi:
      return "float32_hi";
    case RegType::u8_low:
      return "u8_low";
    case RegType::u8_pair:
      return "u8_pair";
    case RegType::i8_pair:
      return "i8_pair";
    case RegType::bits16:
      return "bits16";
    case RegType::event_lo:
      return "event_lo";
    case RegType::event_hi:
      return "event_hi";
  }
  return "unknown";
}

}  // namespace tbgw::tinybms
