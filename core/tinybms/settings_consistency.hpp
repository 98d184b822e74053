// Settings consistency: a settings write checked against the other settings before anything is
// sent to the TinyBMS.
//
// Theory of operation. validate_setting_write (bms_settings.hpp) judges one register alone: a
// value inside its documented range. That let over-voltage cutoff 1200 mV be written beside an
// under-voltage cutoff of 3500 mV, and the BMS went to fault. check_settings_consistency takes
// the settings the gateway last read (the poller's RegisterBank) and the proposed writes,
// computes what every register would hold afterwards (the written value, else the value read)
// and runs the cross-register rules on that resulting set:
//
//   per cell:  under-voltage cutoff (316) < fully discharged (301) < early balancing (303)
//              < fully charged (300) < over-voltage cutoff (315)       (strictly)
//   temperature: low-temperature charge cutoff (320) < over-heat cutoff (319)
//   charge profile: 315 - 316 > limits.min_cutoff_window_mv: the gateway's own charge profile
//              keeps CVL that far under 315 and DVL that far over 316 (control::
//              min_cutoff_window_mv); a narrower window is one it could not follow
//
// A rule runs only when the write touches one of the registers it reads, and then on the whole
// resulting set of those registers: a write never has to repair a problem it does not touch,
// and a write that touches a rule leaves it satisfied (so an inconsistent set can be repaired
// by writing every register it needs in one go, never step by step through a bad state). A
// value the rule needs that was never read and is not written is not guessed: the write is
// refused with current_unknown.
//
// The answer names one pair of registers (address, label, unit, resulting value) and the
// relation between them; describe() turns it into the sentence shown to people, e.g.
// "fully charged (300) 4300 mV must be below over-voltage cutoff (315) 4200 mV". The rules
// live in one table in settings_consistency.cpp.
//
// Bounds: no allocation; the text is built in a fixed buffer (kMaxConflictText bytes).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>

#include "core/tinybms/frame_bytes.hpp"
#include "core/tinybms/register_bank.hpp"
#include "core/util/result.hpp"

namespace tbgw::tinybms {

enum class ConsistencyError : std::uint8_t {
  conflict = 1,         // the resulting set breaks a rule between `first` and `second`
  current_unknown = 2,  // `first` was never read and is not written; `second` needs it
};

constexpr const char* to_string(ConsistencyError e) {
  switch (e) {
    case ConsistencyError::conflict:
      return "conflict";
    case ConsistencyError::current_unknown:
      return "current_unknown";
  }
  return "unknown";
}

// One register of a conflict and the value it would hold after the write.
struct ConflictSide {
  std::uint16_t address = 0;
  std::string_view name;   // the catalogue's key ("over_voltage_cutoff_per_cell")
  std::string_view label;  // short words for people ("over-voltage cutoff")
  std::string_view unit;   // "mV", "°C"
  std::int32_t value = 0;  // raw, signed for i16; every register a rule compares has scale 1
  bool known = false;      // false: never read and not written (value is meaningless)
  bool written = false;    // the value comes from the proposed writes, not from the BMS
};

// Why the set was refused. Every string_view points at static storage.
struct SettingsConflict {
  ConsistencyError error = ConsistencyError::conflict;
  std::string_view rule;      // the rule's name, e.g. "cell_voltage_order"
  ConflictSide first;         // conflict: reads "<first> <relation> <second>"
  std::string_view relation;  // conflict: "must be below"
  ConflictSide second;        // current_unknown: a written register that needs `first`
};

static_assert(std::is_trivially_copyable_v<SettingsConflict>);

// What the rules need from outside the BMS.
struct ConsistencyLimits {
  // The gateway's charge profile needs the over-voltage cutoff (315) more than this above the
  // under-voltage cutoff (316); 0 = the rule is off.
  std::int32_t min_cutoff_window_mv = 0;
};

// Checks the set that would result from applying `writes` to `current` (the settings last read
// from the BMS). A register written twice counts with its last value. Writes outside the rules'
// registers are not judged here (validate_setting_write does that).
Result<void, SettingsConflict> check_settings_consistency(const RegisterBank& current,
                                                          std::span<const RegisterWrite> writes,
                                                          const ConsistencyLimits& limits = {});

inline constexpr std::size_t kMaxConflictText = 255;

// The conflict as one sentence, built without allocation.
class ConflictText {
 public:
  std::string_view view() const { return {bytes_.data(), size_}; }
  const char* c_str() const { return bytes_.data(); }
  void append(std::string_view s);
  void append(std::int64_t n);

 private:
  std::array<char, kMaxConflictText + 1> bytes_{};  // always NUL-terminated
  std::size_t size_ = 0;
};

// "fully charged (300) 4300 mV must be below over-voltage cutoff (315) 4200 mV", or for an
// unknown value "fully charged (300) 3600 mV cannot be checked: over-voltage cutoff (315) has
// not been read from the BMS yet".
ConflictText describe(const SettingsConflict& c);

}  // namespace tbgw::tinybms
