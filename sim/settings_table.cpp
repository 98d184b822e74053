// Settings registers 300-399: range table (from the spec's settings table), defaults, atomic
// writes. See settings_table.hpp.
#include "sim/settings_table.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace tbgw::sim {
namespace {

enum class Check : std::uint8_t {
  reserved,        // not defined: reads 0, writes refused
  unsigned_range,  // u16 in [min, max]
  signed_range,    // int16 in [min, max]
  u32_low,         // low word of a u32 pair; the pair's value is checked in [min, max]
  u32_high,        // high word of that pair
  low_byte_codes,  // low byte one of the codes in `codes` (bit n = code n allowed)
  flags,           // only the bits of `codes` may be set
  setter,          // u16 in [min, max], reads 0xFFFF, write handed to the model
};

struct Spec {
  Check check = Check::reserved;
  std::int32_t min = 0;
  std::int32_t max = 0;
  std::uint32_t codes = 0;
};

constexpr std::uint32_t codes_range(int first, int last) {
  std::uint32_t m = 0;
  for (int c = first; c <= last; ++c) m |= 1U << c;
  return m;
}

constexpr std::int32_t kPulsesMin = 1;
constexpr std::int32_t kPulsesMax = 100000;
constexpr std::int32_t kPercentRawMax = 50000;  // 100 % in 0.002 % steps
constexpr int kOcTimeoutMaxS = 30;

Spec spec_of(std::uint16_t address) {
  switch (address) {
    case 300:
      return {Check::unsigned_range, 1200, 4500, 0};  // fully charged, mV per cell
    case 301:
      return {Check::unsigned_range, 1000, 3500, 0};  // fully discharged, mV per cell
    case 303:
      return {Check::unsigned_range, 1000, 4500, 0};  // early balancing, mV per cell
    case 304:
      return {Check::unsigned_range, 100, 5000, 0};  // charge finished current, mA
    // 305: the spec gives the unit (1 A) but no range; the other current cutoffs' 1-750 A is
    // assumed.
    case 305:
      return {Check::unsigned_range, 1, 750, 0};
    case 306:
      return {Check::unsigned_range, 10, 65500, 0};  // capacity, 0.01 Ah
    case 307:
      return {Check::unsigned_range, 4, 16, 0};  // series cells
    case 308:
      return {Check::unsigned_range, 15, 100, 0};  // allowed disbalance, mV
    case 310:
      return {Check::unsigned_range, 5, 60, 0};  // charger startup delay, s
    case 311:
      return {Check::unsigned_range, 0, 60, 0};  // charger disable delay, s
    case 312:
      return {Check::u32_low, kPulsesMin, kPulsesMax, 0};
    case 313:
      return {Check::u32_high, kPulsesMin, kPulsesMax, 0};
    case 314:
      return {Check::unsigned_range, 1, 5, 0};  // distance unit
    case 315:
      return {Check::unsigned_range, 1200, 4500, 0};  // over-voltage cutoff, mV per cell
    case 316:
      return {Check::unsigned_range, 800, 3500, 0};  // under-voltage cutoff, mV per cell
    case 317:
      return {Check::unsigned_range, 1, 750, 0};  // discharge over-current, A
    case 318:
      return {Check::unsigned_range, 1, 750, 0};  // charge over-current, A
    case 319:
      return {Check::signed_range, 20, 90, 0};  // over-heat, degC
    case 320:
      return {Check::signed_range, -40, 10, 0};  // low-temperature charge, degC
    case 321:
      return {Check::unsigned_range, 60, 95, 0};  // charge restart level, %
    case 322:
      return {Check::unsigned_range, 10, 65000, 0};  // maximum cycles
    case 323:
      return {Check::setter, 0, kPercentRawMax, 0};  // SOH set, 0.002 %
    case 328:
      return {Check::setter, 0, kPercentRawMax, 0};  // SOC set, 0.002 %
    case 329:
      return {Check::flags, 0, 0, 0x0007};  // bits 0-2 defined
    // 330 low byte: charger type, only 1 (CC/CV) is defined (0 and 2 are reserved); the high
    // byte (discharge over-current timeout) is checked separately.
    case 330:
      return {Check::low_byte_codes, 0, 0, 1U << 1};
    case 331:
      return {Check::low_byte_codes, 0, 0, codes_range(0, 8)};  // load switch type
    case 332:
      return {Check::low_byte_codes, 0, 0, codes_range(1, 30)};  // auto recovery, s
    case 333:
      return {Check::low_byte_codes, 0, 0, codes_range(1, 9)};  // charger switch type
    case 334:
      return {Check::low_byte_codes, 0, 0, codes_range(0, 6)};  // ignition
    case 335:
      return {Check::low_byte_codes, 0, 0, codes_range(1, 7)};  // charger detection
    case 336:
      return {Check::low_byte_codes, 0, 0, codes_range(0, 2)};  // speed sensor input
    // 337 precharge pin: 0, 2-9 and "0x10" as the document prints it; 10 is accepted too in
    // case the document meant decimal 10.
    case 337:
      return {Check::low_byte_codes, 0, 0, 1U | codes_range(2, 10) | (1U << 0x10)};
    case 338:
      return {Check::low_byte_codes, 0, 0, codes_range(0, 7)};  // precharge duration
    case 339:
      return {Check::low_byte_codes, 0, 0, codes_range(0, 1)};  // temp sensor type
    case 340:
      return {Check::low_byte_codes, 0, 0, codes_range(0, 1)};  // operation mode
    case 341:
      return {Check::low_byte_codes, 0, 0, codes_range(0, 8)};  // single-port switch
    case 342:
      return {Check::low_byte_codes, 0, 0, codes_range(0, 7)};  // broadcast time
    case 343:
      return {Check::low_byte_codes, 0, 0, codes_range(0, 2)};  // broadcast protocol
    default:
      return {};
  }
}

std::uint16_t default_of(std::uint16_t address, const SettingsDefaults& d) {
  const ChemistrySettings& chem = chemistry_profile(d.chemistry).settings;
  switch (address) {
    case 300:
      return chem.fully_charged_mv;
    case 301:
      return chem.fully_discharged_mv;
    case 303:
      return chem.early_balancing_mv;
    case 304:
      return chem.charge_finished_ma;
    case 305:
      return 400;
    case 306: {
      const long centi_ah = std::lround(d.capacity_ah * 100.0);
      return static_cast<std::uint16_t>(std::clamp(centi_ah, 10L, 65500L));
    }
    case 307:
      return static_cast<std::uint16_t>(std::clamp(d.cells, 4, 16));
    case 308:
      return chem.allowed_disbalance_mv;
    case 310:
      return 20;
    case 311:
      return 5;
    case 312:
      return 1000;
    case 313:
      return 0;
    case 314:
      return 2;
    case 315:
      return chem.over_voltage_mv;
    case 316:
      return chem.under_voltage_mv;
    case 317:
      return chem.discharge_over_current_a;
    case 318:
      return chem.charge_over_current_a;
    // 319 and 320 are int16: a negative value is stored in two's complement.
    case 319:
      return static_cast<std::uint16_t>(chem.over_heat_c);
    case 320:
      return static_cast<std::uint16_t>(chem.low_temp_charge_c);
    case 321:
      return 90;
    case 322:
      return 3000;
    case 323:
      return kSetterReadValue;
    case 328:
      return kSetterReadValue;
    case 329:
      return 0;
    case 330:
      return 0x0301;  // CC/CV charger, 3 s discharge over-current timeout
    case 331:
      return 0;  // FET
    case 332:
      return 5;  // automatic recovery after 5 s
    case 333:
      return 1;  // charge FET
    case 335:
      return 1;  // internal charger detection
    case 338:
      return 3;  // 1 s precharge
    default:
      return 0;
  }
}

std::uint16_t as_u16(std::int32_t v) {
  return static_cast<std::uint16_t>(v & 0xFFFF);
}

bool valid(std::uint16_t address, const Spec& s,
           const std::array<std::uint16_t, kSettingsRegisterCount>& values) {
  const std::uint16_t v = values[address - kFirstSettingRegister];
  switch (s.check) {
    case Check::reserved:
      return false;
    case Check::unsigned_range:
    case Check::setter:
      return v >= s.min && v <= s.max;
    case Check::signed_range: {
      const auto sv = static_cast<std::int16_t>(v);
      return sv >= s.min && sv <= s.max;
    }
    case Check::u32_low:
    case Check::u32_high: {
      const std::uint16_t low_addr = s.check == Check::u32_low ? address : address - 1;
      const std::uint32_t pair =
          values[low_addr - kFirstSettingRegister] |
          (static_cast<std::uint32_t>(values[low_addr + 1 - kFirstSettingRegister]) << 16);
      return pair >= static_cast<std::uint32_t>(s.min) && pair <= static_cast<std::uint32_t>(s.max);
    }
    case Check::low_byte_codes: {
      const unsigned low = v & 0xFFU;
      if (low >= 32 || ((s.codes >> low) & 1U) == 0) return false;
      if (address == reg::kChargerTypeAndOcTimeout && (v >> 8) > kOcTimeoutMaxS) return false;
      return true;
    }
    case Check::flags:
      return (v & ~s.codes) == 0;
  }
  return false;
}

}  // namespace

SettingsTable::SettingsTable(const SettingsDefaults& defaults) : defaults_(defaults) {
  reset_to_defaults();
}

bool SettingsTable::is_defined(std::uint16_t address) {
  return address >= kFirstSettingRegister && address <= kLastSettingRegister &&
         spec_of(address).check != Check::reserved;
}

void SettingsTable::reset_to_defaults() {
  for (std::uint16_t a = kFirstSettingRegister; a <= kLastSettingRegister; ++a) {
    values_[index(a)] = default_of(a, defaults_);
  }
}

std::uint16_t SettingsTable::read(std::uint16_t address) const {
  if (address < kFirstSettingRegister || address > kLastSettingRegister) return 0;
  const Spec s = spec_of(address);
  if (s.check == Check::reserved) return 0;
  if (s.check == Check::setter) return kSetterReadValue;
  return values_[index(address)];
}

std::uint16_t SettingsTable::value_of_kind(SettingValueKind kind, std::uint16_t address) const {
  if (address < kFirstSettingRegister || address > kLastSettingRegister) return 0;
  const Spec s = spec_of(address);
  if (s.check == Check::reserved) return 0;
  switch (kind) {
    case SettingValueKind::current:
      return read(address);
    case SettingValueKind::default_value:
      return default_of(address, defaults_);
    case SettingValueKind::min:
    case SettingValueKind::max: {
      const bool is_min = kind == SettingValueKind::min;
      switch (s.check) {
        case Check::low_byte_codes:
          return static_cast<std::uint16_t>(is_min ? std::countr_zero(s.codes)
                                                   : 31 - std::countl_zero(s.codes));
        case Check::flags:
          return is_min ? 0 : static_cast<std::uint16_t>(s.codes);
        case Check::u32_low:
          return as_u16(is_min ? s.min : s.max);
        case Check::u32_high:
          return as_u16((is_min ? s.min : s.max) >> 16);
        default:
          return as_u16(is_min ? s.min : s.max);
      }
    }
  }
  return 0;
}

std::optional<WriteRejection> SettingsTable::apply(std::span<const tinybms::RegisterWrite> writes,
                                                   WriteEffects& effects) {
  auto staged = values_;
  for (const auto& w : writes) {
    if (w.address < kFirstSettingRegister || w.address > kLastSettingRegister) {
      return WriteRejection{w.address, WriteRejection::Reason::not_writable};
    }
    if (spec_of(w.address).check == Check::reserved) {
      return WriteRejection{w.address, WriteRejection::Reason::reserved};
    }
    staged[index(w.address)] = w.value;
  }
  for (const auto& w : writes) {
    if (!valid(w.address, spec_of(w.address), staged)) {
      return WriteRejection{w.address, WriteRejection::Reason::out_of_range};
    }
  }
  WriteEffects out;
  for (const auto& w : writes) {
    if (w.address == reg::kSetSoh) out.set_soh_raw = w.value;
    if (w.address == reg::kSetSoc) out.set_soc_raw = w.value;
  }
  values_ = staged;
  effects = out;
  return std::nullopt;
}

}  // namespace tbgw::sim
