// Settings consistency rules: see settings_consistency.hpp.
#include "core/tinybms/settings_consistency.hpp"

#include <bit>
#include <optional>

#include "core/tinybms/registers.hpp"

namespace tbgw::tinybms {
namespace {

// The settings as the TinyBMS manual names them, for sentences; an address not listed here
// falls back to the catalogue's key.
struct Label {
  std::uint16_t address;
  std::string_view text;
};
constexpr std::array kLabels{
    Label{300, "fully charged"},
    Label{301, "fully discharged"},
    Label{303, "early balancing"},
    Label{315, "over-voltage cutoff"},
    Label{316, "under-voltage cutoff"},
    Label{319, "over-heat cutoff"},
    Label{320, "low-temperature charge cutoff"},
};

std::string_view label_of(std::uint16_t address, std::string_view fallback) {
  for (const Label& l : kLabels) {
    if (l.address == address) return l.text;
  }
  return fallback;
}

// A raw word as the register's range sees it (signed for i16, the byte for byte fields).
std::int32_t as_value(const RegisterInfo* info, std::uint16_t raw) {
  if (info == nullptr) return raw;
  switch (info->type) {
    case RegType::i16:
      return std::bit_cast<std::int16_t>(raw);
    case RegType::u8_low:
    case RegType::u8_pair:
      return static_cast<std::uint8_t>(raw & 0xFFU);
    case RegType::i8_pair:
      return static_cast<std::int8_t>(raw & 0xFFU);
    default:
      return raw;
  }
}

// What each register would hold once the writes are applied to the settings last read.
class ProposedSettings {
 public:
  ProposedSettings(const RegisterBank& current, std::span<const RegisterWrite> writes,
                   const ConsistencyLimits& limits)
      : current_(current), writes_(writes), limits_(limits) {}

  const ConsistencyLimits& limits() const { return limits_; }

  bool written(std::uint16_t address) const { return last_write(address).has_value(); }

  ConflictSide side(std::uint16_t address) const {
    ConflictSide s;
    s.address = address;
    const RegisterInfo* info = find_register(address);
    if (info != nullptr) {
      s.name = info->name;
      s.unit = info->unit;
    }
    s.label = label_of(address, s.name);
    std::optional<std::uint16_t> raw = last_write(address);
    s.written = raw.has_value();
    if (!raw) raw = current_.get(address);
    if (!raw) return s;
    s.known = true;
    s.value = as_value(info, *raw);
    return s;
  }

 private:
  std::optional<std::uint16_t> last_write(std::uint16_t address) const {
    std::optional<std::uint16_t> v;
    for (const RegisterWrite& w : writes_) {
      if (w.address == address) v = w.value;
    }
    return v;
  }

  const RegisterBank& current_;
  std::span<const RegisterWrite> writes_;
  ConsistencyLimits limits_;
};

using RuleCheck = Result<void, SettingsConflict> (*)(const ProposedSettings&);

// Every neighbour pair of `chain` strictly ascending. Neighbours suffice: a strict order is
// transitive, and the pair named is one a person can fix by moving one of the two values.
Result<void, SettingsConflict> strictly_ascending(const ProposedSettings& s,
                                                  std::span<const std::uint16_t> chain) {
  for (std::size_t i = 1; i < chain.size(); ++i) {
    const ConflictSide lower = s.side(chain[i - 1]);
    const ConflictSide upper = s.side(chain[i]);
    if (lower.value >= upper.value) {
      return Err(SettingsConflict{ConsistencyError::conflict, {}, lower, "must be below", upper});
    }
  }
  return {};
}

// Per cell, lowest first: the BMS cuts off below 316, calls the pack empty at 301, starts
// balancing at 303, calls it full at 300 and cuts off above 315.
constexpr std::array<std::uint16_t, 5> kCellVoltageOrder{316, 301, 303, 300, 315};
// Charging stops below 320 °C and everything stops above 319 °C.
constexpr std::array<std::uint16_t, 2> kTemperatureOrder{320, 319};

Result<void, SettingsConflict> cell_voltage_order(const ProposedSettings& s) {
  return strictly_ascending(s, kCellVoltageOrder);
}

Result<void, SettingsConflict> temperature_order(const ProposedSettings& s) {
  return strictly_ascending(s, kTemperatureOrder);
}

// The window the gateway's charge profile needs between the two cutoffs.
constexpr std::array<std::uint16_t, 2> kCutoffWindow{316, 315};

Result<void, SettingsConflict> charge_profile_window(const ProposedSettings& s) {
  const ConflictSide uv = s.side(316);
  const ConflictSide ov = s.side(315);
  if (ov.value - uv.value <= s.limits().min_cutoff_window_mv) {
    return Err(SettingsConflict{ConsistencyError::conflict,
                                {},
                                uv,
                                "leaves too little room for the gateway's charge profile under",
                                ov});
  }
  return {};
}

struct Rule {
  std::string_view name;                     // the conflict's `rule`
  std::span<const std::uint16_t> registers;  // every register `check` reads
  RuleCheck check;
};

// THE RULES, checked in this order; the first conflict is the answer. A rule runs when the write
// touches one of its registers, and only once every one of them is known (written or read).
// To add a rule (e.g. "the gateway's own charge profile could not follow this set", a window
// between 315 and 316): write its check above, returning a SettingsConflict whose `first` and
// `second` come from ProposedSettings::side() and whose `relation` completes the sentence
// "<first> <relation> <second>"; then add its row here. The API and the CLI show any conflict
// without change. (A rule that needs figures from outside the BMS, such as the charge
// profile's margins below 315 and above 316, gets them through ProposedSettings: one more
// parameter of check_settings_consistency, given by its two callers.)
constexpr std::array kRules{
    Rule{"cell_voltage_order", kCellVoltageOrder, cell_voltage_order},
    Rule{"temperature_order", kTemperatureOrder, temperature_order},
    Rule{"charge_profile_window", kCutoffWindow, charge_profile_window},
};

}  // namespace

Result<void, SettingsConflict> check_settings_consistency(const RegisterBank& current,
                                                          std::span<const RegisterWrite> writes,
                                                          const ConsistencyLimits& limits) {
  const ProposedSettings proposed(current, writes, limits);
  for (const Rule& rule : kRules) {
    const std::uint16_t* touched = nullptr;
    for (const std::uint16_t& a : rule.registers) {
      if (proposed.written(a)) {
        touched = &a;
        break;
      }
    }
    if (touched == nullptr) continue;
    for (const std::uint16_t a : rule.registers) {
      const ConflictSide side = proposed.side(a);
      if (!side.known) {
        return Err(SettingsConflict{
            ConsistencyError::current_unknown, rule.name, side, {}, proposed.side(*touched)});
      }
    }
    const auto checked = rule.check(proposed);
    if (!checked.ok()) {
      SettingsConflict c = checked.error();
      c.rule = rule.name;
      return Err(c);
    }
  }
  return {};
}

void ConflictText::append(std::string_view s) {
  for (const char ch : s) {
    if (size_ == kMaxConflictText) return;  // cut, never overrun: the sentence is advisory
    bytes_[size_++] = ch;
  }
}

void ConflictText::append(std::int64_t n) {
  std::array<char, 24> digits{};
  std::size_t count = 0;
  // Work on the negative side so the most negative value does not overflow.
  std::int64_t rest = n < 0 ? n : -n;
  do {
    digits[count++] = static_cast<char>('0' - rest % 10);
    rest /= 10;
  } while (rest != 0);
  if (n < 0) append("-");
  while (count > 0) append(std::string_view(&digits[--count], 1));
}

namespace {

// "fully charged (300)", then " 4300 mV" when the value is known.
void append_side(ConflictText& t, const ConflictSide& s, bool with_value) {
  t.append(s.label);
  t.append(" (");
  t.append(static_cast<std::int64_t>(s.address));
  t.append(")");
  if (!with_value) return;
  t.append(" ");
  t.append(static_cast<std::int64_t>(s.value));
  if (!s.unit.empty()) {
    t.append(" ");
    t.append(s.unit);
  }
}

}  // namespace

ConflictText describe(const SettingsConflict& c) {
  ConflictText t;
  switch (c.error) {
    case ConsistencyError::conflict:
      append_side(t, c.first, true);
      t.append(" ");
      t.append(c.relation);
      t.append(" ");
      append_side(t, c.second, true);
      break;
    case ConsistencyError::current_unknown:
      append_side(t, c.second, c.second.known);
      t.append(" cannot be checked: ");
      append_side(t, c.first, false);
      t.append(" has not been read from the BMS yet");
      break;
  }
  return t;
}

}  // namespace tbgw::tinybms
