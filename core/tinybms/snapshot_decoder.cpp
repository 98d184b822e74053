// decode_snapshot: see snapshot_decoder.hpp for the rules and bounds.
#include "core/tinybms/snapshot_decoder.hpp"

#include <cmath>

namespace tbgw::tinybms {
namespace {

// Register addresses, named once.
constexpr std::uint16_t kRegLifetime = 32;
constexpr std::uint16_t kRegTimeLeft = 34;
constexpr std::uint16_t kRegPackVoltage = 36;
constexpr std::uint16_t kRegPackCurrent = 38;
constexpr std::uint16_t kRegMinCell = 40;
constexpr std::uint16_t kRegMaxCell = 41;
constexpr std::uint16_t kRegExtTemp1 = 42;
constexpr std::uint16_t kRegExtTemp2 = 43;
constexpr std::uint16_t kRegSoh = 45;
constexpr std::uint16_t kRegSoc = 46;
constexpr std::uint16_t kRegIntTemp = 48;
constexpr std::uint16_t kRegStatus = 50;
constexpr std::uint16_t kRegBalanceNeeded = 51;
constexpr std::uint16_t kRegBalanceActive = 52;
constexpr std::uint16_t kRegDetectedCells = 53;

constexpr std::uint16_t kChannels = 16;
constexpr std::uint16_t kLastChannel = kChannels - 1;  // register 15
constexpr std::uint16_t kSohRawMax = 50000;            // 100 % at 0.002 %
constexpr std::uint32_t kSocRawFull = 100'000'000;     // 100 % at 1e-6 %
constexpr double kSocRawPerPct = 1'000'000.0;          // raw units per percent
constexpr auto kSocRawMax = static_cast<std::uint32_t>(kSocRawFull + kSocMarginPct * kSocRawPerPct);
constexpr std::int16_t kTempAbsent = -32768;  // the BMS's "no sensor"

constexpr bool cell_count_ok(std::uint16_t n) {
  return n >= kMinCells && n <= kMaxCells;
}

// Checks that every required register is in the bank and fresh enough; the lowest failing
// address is reported.
struct RequiredCheck {
  const RegisterBank& bank;
  Millis now;
  Millis max_age_ms;

  std::optional<SnapshotFailure> range(std::uint16_t first, std::uint16_t last) const {
    for (std::uint16_t a = first; a <= last; ++a) {
      const auto stamp = bank.stamp(a);
      if (!stamp) return SnapshotFailure{SnapshotError::missing_register, a};
      if (max_age_ms > 0 && now - *stamp > max_age_ms) {
        return SnapshotFailure{SnapshotError::stale_register, a};
      }
    }
    return std::nullopt;
  }
};

// Temperature register -> (value, present). Absent and implausible values read as absent.
void decode_temp(std::int16_t raw, float& temp_c, bool& present) {
  const float t = static_cast<float>(raw) / 10.0F;
  present = raw != kTempAbsent && t >= kMinPlausibleTempC && t <= kMaxPlausibleTempC;
  temp_c = present ? t : 0.0F;
}

}  // namespace

msg::OnlineStatus online_status_from_raw(std::uint16_t raw) {
  using S = msg::OnlineStatus;
  switch (raw) {
    case 0x91:
      return S::charging;
    case 0x92:
      return S::fully_charged;
    case 0x93:
      return S::discharging;
    case 0x96:
      return S::regeneration;
    case 0x97:
      return S::idle;
    case 0x9B:
      return S::fault;
    default:
      return S::unknown;
  }
}

std::uint16_t channel_bits_to_cell_bits(std::uint16_t channel_bits, std::uint16_t cells) {
  if (!cell_count_ok(cells)) return 0;
  const unsigned shift = kChannels - cells;
  const unsigned mask = (1U << cells) - 1U;
  return static_cast<std::uint16_t>((static_cast<unsigned>(channel_bits) >> shift) & mask);
}

Result<msg::BatterySnapshot, SnapshotFailure> decode_snapshot(const RegisterBank& bank,
                                                              std::uint16_t configured_cells,
                                                              Millis now,
                                                              const DecodeOptions& options) {
  const RequiredCheck required{bank, now, options.max_age_ms};
  msg::BatterySnapshot s;
  s.stamp_ms = now;
  s.configured_cells = configured_cells;

  // 1. N: detected (53), cross-checked with configured (307).
  if (auto f = required.range(kRegDetectedCells, kRegDetectedCells)) return Err(*f);
  s.detected_cells = *bank.get(kRegDetectedCells);
  std::uint16_t cells = 0;
  if (cell_count_ok(s.detected_cells)) {
    cells = s.detected_cells;
    s.cell_count_mismatch = configured_cells != 0 && configured_cells != cells;
  } else if (cell_count_ok(configured_cells)) {
    cells = configured_cells;
    s.cell_count_mismatch = true;
  } else {
    return Err(SnapshotFailure{SnapshotError::cell_count_unknown, kRegDetectedCells});
  }
  s.cell_count = static_cast<std::uint8_t>(cells);

  // 2. Every other register this snapshot needs, lowest address first (53 came first: it
  //    decides which cell channels are needed).
  const auto first_channel = static_cast<std::uint16_t>(kChannels - cells);
  for (const AddressRange r :
       {AddressRange{first_channel, kLastChannel}, AddressRange{kRegLifetime, kRegExtTemp2},
        options.has_soh ? AddressRange{kRegSoh, kRegIntTemp} : AddressRange{kRegSoc, kRegIntTemp},
        AddressRange{kRegStatus, kRegBalanceActive}}) {
    if (auto f = required.range(r.first, r.last)) return Err(*f);
  }

  // 3. Values. Every get() below is valid: checked in step 2.
  for (std::uint16_t n = 0; n < cells; ++n) {
    const std::uint16_t raw = *bank.get(static_cast<std::uint16_t>(first_channel + n));
    s.cell_mv[n] = static_cast<float>(raw) / 10.0F;  // 0.1 mV
  }
  s.min_cell_mv = *bank.get(kRegMinCell);
  s.max_cell_mv = *bank.get(kRegMaxCell);

  // With the two counts disagreeing, N may be wrong: bound the voltage by a full 16S pack.
  const std::uint16_t bound_cells = s.cell_count_mismatch ? kMaxCells : cells;
  const float volts = *bank.get_float(kRegPackVoltage);
  if (!std::isfinite(volts) || volts < 0.0F ||
      volts > static_cast<float>(bound_cells) * kMaxPlausibleCellV) {
    return Err(SnapshotFailure{SnapshotError::implausible_pack_voltage, kRegPackVoltage});
  }
  s.pack_voltage_v = volts;

  const float amps = *bank.get_float(kRegPackCurrent);
  if (!std::isfinite(amps) || std::fabs(amps) > kMaxPlausibleCurrentA) {
    return Err(SnapshotFailure{SnapshotError::implausible_pack_current, kRegPackCurrent});
  }
  s.pack_current_a = amps;

  const std::uint32_t soc_raw = *bank.get_u32(kRegSoc);
  if (soc_raw > kSocRawMax) {
    return Err(SnapshotFailure{SnapshotError::implausible_soc, kRegSoc});
  }
  s.soc_pct = soc_raw >= kSocRawFull ? 100.0 : static_cast<double>(soc_raw) / kSocRawPerPct;

  if (options.has_soh) {
    const std::uint16_t soh_raw = *bank.get(kRegSoh);
    s.soh_valid = soh_raw <= kSohRawMax;
    s.soh_pct = s.soh_valid ? static_cast<float>(soh_raw) / 500.0F : 0.0F;  // 0.002 %
  }

  using Snap = msg::BatterySnapshot;
  decode_temp(*bank.get_i16(kRegIntTemp), s.temps_c[Snap::kTempInternal],
              s.temp_present[Snap::kTempInternal]);
  decode_temp(*bank.get_i16(kRegExtTemp1), s.temps_c[Snap::kTempExternal1],
              s.temp_present[Snap::kTempExternal1]);
  decode_temp(*bank.get_i16(kRegExtTemp2), s.temps_c[Snap::kTempExternal2],
              s.temp_present[Snap::kTempExternal2]);

  s.online_status_raw = *bank.get(kRegStatus);
  s.online_status = online_status_from_raw(s.online_status_raw);
  s.balancing_needed_mask = channel_bits_to_cell_bits(*bank.get(kRegBalanceNeeded), cells);
  s.balancing_active_mask = channel_bits_to_cell_bits(*bank.get(kRegBalanceActive), cells);

  s.bms_lifetime_s = *bank.get_u32(kRegLifetime);
  s.time_left_s = *bank.get_u32(kRegTimeLeft);
  return s;
}

}  // namespace tbgw::tinybms
