// BmsSettings decoding and write validation: see bms_settings.hpp.
#include "core/tinybms/bms_settings.hpp"

#include <array>
#include <bit>

namespace tbgw::tinybms {
namespace {

constexpr std::uint8_t low_byte(std::uint16_t w) {
  return static_cast<std::uint8_t>(w & 0xFFU);
}
constexpr std::uint8_t high_byte(std::uint16_t w) {
  return static_cast<std::uint8_t>(w >> 8);
}

// Registers decode_settings needs: every defined one in 300-343 except the two setters.
bool needed(const RegisterInfo& r, bool has_rev_d) {
  if (!kSettingsRegisters.contains(r.address)) return false;
  if (r.address == 323 || r.address == 328) return false;  // write-only setters (read 0xFFFF)
  return has_rev_d || r.since == MapRevision::original;
}

constexpr std::array<std::uint32_t, 8> kPrechargeMs{100, 200, 500, 1000, 2000, 3000, 4000, 5000};
constexpr std::array<std::uint32_t, 8> kBroadcastMs{0, 100, 200, 500, 1000, 2000, 5000, 10000};

Err<SettingRejection> reject(SettingError e, std::uint16_t address, std::int64_t value,
                             RawRange range) {
  return Err(SettingRejection{e, address, value, range});
}

// Range and code checks of one value against an entry.
Result<void, SettingRejection> check_value(const RegisterInfo& r, std::int64_t value) {
  if (value < r.range.min || value > r.range.max) {
    return reject(SettingError::out_of_range, r.address, value, r.range);
  }
  if (r.allowed_codes != 0 && (value > 31 || ((r.allowed_codes >> value) & 1U) == 0)) {
    return reject(SettingError::code_not_allowed, r.address, value, r.range);
  }
  return {};
}

}  // namespace

std::optional<std::uint32_t> BmsSettings::precharge_duration_ms() const {
  if (precharge_duration_code >= kPrechargeMs.size()) return std::nullopt;
  return kPrechargeMs[precharge_duration_code];
}

std::optional<std::uint32_t> BmsSettings::broadcast_period_ms() const {
  if (broadcast_time_code >= kBroadcastMs.size()) return std::nullopt;
  return kBroadcastMs[broadcast_time_code];
}

Result<BmsSettings, SettingsFailure> decode_settings(const RegisterBank& bank, bool has_rev_d) {
  for (const RegisterInfo& r : all_registers()) {
    if (needed(r, has_rev_d) && !bank.valid(r.address)) {
      return Err(SettingsFailure{SettingsError::missing_register, r.address});
    }
  }
  // Every register read below was checked above (or is Rev D and guarded by has_rev_d).
  const auto w = [&bank](std::uint16_t a) { return bank.get(a).value_or(0); };
  const auto i16 = [&w](std::uint16_t a) { return std::bit_cast<std::int16_t>(w(a)); };

  BmsSettings s;
  s.series_cells = w(307);
  if (s.series_cells < 4 || s.series_cells > 16) {
    return Err(SettingsFailure{SettingsError::series_cells_out_of_range, 307});
  }
  s.fully_charged_cell_mv = w(300);
  s.fully_discharged_cell_mv = w(301);
  s.early_balancing_cell_mv = w(303);
  s.charge_finished_current_ma = w(304);
  s.capacity_ah = static_cast<float>(w(306)) / 100.0F;
  s.allowed_disbalance_mv = w(308);
  s.pulses_per_unit = bank.get_u32(312).value_or(0);
  s.distance_unit = low_byte(w(314));
  s.over_voltage_cutoff_cell_mv = w(315);
  s.under_voltage_cutoff_cell_mv = w(316);
  s.discharge_over_current_a = w(317);
  s.charge_over_current_a = w(318);
  s.over_heat_cutoff_c = i16(319);
  s.low_temp_charge_cutoff_c = i16(320);
  s.charger_type = low_byte(w(330));
  s.load_switch_type = low_byte(w(331));
  s.automatic_recovery_s = low_byte(w(332));
  s.charger_switch_type = low_byte(w(333));
  s.ignition = low_byte(w(334));
  s.charger_detection = low_byte(w(335));
  s.speed_sensor_input = low_byte(w(336));
  s.precharge_pin = low_byte(w(337));
  s.precharge_duration_code = low_byte(w(338));
  s.temperature_sensor_type = low_byte(w(339));
  s.operation_mode = low_byte(w(340));
  s.single_port_switch_type = low_byte(w(341));
  s.broadcast_time_code = low_byte(w(342));
  s.broadcast_protocol = low_byte(w(343));

  if (has_rev_d) {
    s.rev_d_available = true;
    s.peak_discharge_cutoff_a = w(305);
    s.charger_startup_delay_s = w(310);
    s.charger_disable_delay_s = w(311);
    s.charge_restart_level_pct = w(321);
    s.max_cycles = w(322);
    const std::uint16_t flags = w(329);
    s.invert_external_current_sensor = (flags & 0x1U) != 0;
    s.disable_switch_diagnostics = (flags & 0x2U) != 0;
    s.charger_restart_level_enabled = (flags & 0x4U) != 0;
    s.discharge_over_current_timeout_s = high_byte(w(330));
  }
  return s;
}

Result<void, SettingRejection> validate_setting_write(std::uint16_t address, std::uint16_t new_raw,
                                                      std::optional<std::uint16_t> current_raw) {
  if (!kSettingsBand.contains(address)) {
    return reject(SettingError::not_writable, address, new_raw, {});
  }
  const RegisterInfo* r = find_register(address);
  if (r == nullptr) return reject(SettingError::reserved, address, new_raw, {});
  if (!r->writable()) return reject(SettingError::not_writable, address, new_raw, {});

  switch (r->type) {
    case RegType::u32_lo:
    case RegType::u32_hi:
    case RegType::float32_lo:
    case RegType::float32_hi:
      return reject(SettingError::part_of_32bit_pair, address, new_raw, r->range);
    case RegType::i16:
      return check_value(*r, std::bit_cast<std::int16_t>(new_raw));
    case RegType::u8_low:
      if (!current_raw) {
        return reject(SettingError::current_value_unknown, address, new_raw, r->range);
      }
      if (high_byte(*current_raw) != high_byte(new_raw)) {
        return reject(SettingError::high_byte_changed, address, high_byte(new_raw),
                      {high_byte(*current_raw), high_byte(*current_raw)});
      }
      return check_value(*r, low_byte(new_raw));
    case RegType::u8_pair: {
      const std::uint8_t hi = high_byte(new_raw);
      if (hi < r->high_range.min || hi > r->high_range.max) {
        return reject(SettingError::high_byte_out_of_range, address, hi, r->high_range);
      }
      return check_value(*r, low_byte(new_raw));
    }
    default:
      return check_value(*r, new_raw);
  }
}

Result<void, SettingRejection> validate_setting_write_u32(std::uint16_t lo_address,
                                                          std::uint32_t value) {
  if (!kSettingsBand.contains(lo_address)) {
    return reject(SettingError::not_writable, lo_address, value, {});
  }
  const RegisterInfo* r = find_register(lo_address);
  if (r == nullptr) return reject(SettingError::reserved, lo_address, value, {});
  if (!r->writable()) return reject(SettingError::not_writable, lo_address, value, {});
  if (r->type != RegType::u32_lo) {
    return reject(SettingError::part_of_32bit_pair, lo_address, value, r->range);
  }
  return check_value(*r, value);
}

SettingChange describe_change(std::uint16_t address, std::uint16_t old_raw, std::uint16_t new_raw) {
  SettingChange c;
  c.address = address;
  c.old_raw = old_raw;
  c.new_raw = new_raw;
  if (const RegisterInfo* r = find_register(address)) {
    c.name = r->name;
    c.unit = r->unit;
    c.old_value = engineering_value(*r, old_raw);
    c.new_value = engineering_value(*r, new_raw);
  } else {
    c.old_value = old_raw;
    c.new_value = new_raw;
  }
  return c;
}

std::size_t diff_settings(const RegisterBank& before, const RegisterBank& after,
                          std::span<SettingChange> out) {
  std::size_t found = 0;
  for (const RegisterInfo& r : all_registers()) {
    if (r.group != RegisterGroup::settings) continue;
    const auto a = before.get(r.address);
    const auto b = after.get(r.address);
    if (!a || !b || *a == *b) continue;
    if (found < out.size()) out[found] = describe_change(r.address, *a, *b);
    ++found;
  }
  return found;
}

}  // namespace tbgw::tinybms
