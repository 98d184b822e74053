// BmsSettings: the TinyBMS settings registers 300-343 decoded into typed fields, and the rules
// for writing them back.
//
// Theory of operation. decode_settings reads the bank after the poller has read 300-343 (one
// 0x03 block, kSettingsRegisters). Every field carries its unit in its name. The voltage limits
// are PER CELL (`*_cell_mv`): a pack-level limit exists only as a `pack_*_v()` helper that
// multiplies by the series cell count, so the public ESP32 gateway's bug (sending reg 315 /
// 1000 = 4.2 V to Victron as the pack charge voltage) cannot be written by accident.
//
// Registers added in Rev D (305, 310, 311, 321, 322, 329, 330 high byte) are decoded only when
// the caller says the firmware has them (`has_rev_d`); otherwise they stay 0 and
// `rev_d_available` is false, so the UI shows them as unavailable instead of garbage.
//
// Writing: validate_setting_write checks one register against the catalogue before anything is
// sent: writable at all, defined (not reserved), inside the documented range (and one of the
// listed codes), and for low-byte-only registers (331-343) that the high byte is carried over
// from the value just read (read, modify the low byte with merge_low_byte, write back). The
// rejection says which bound was broken. The registers against each other (316 < 301 < 303 <
// 300 < 315, 320 < 319) are checked by check_settings_consistency (settings_consistency.hpp)
// on the set a write would leave. SettingChange / describe_change / diff_settings turn
// raw words into "what exactly changed" with names, units and engineering values.
//
// Bounds: pure functions over fixed-size values; no allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>

#include "core/tinybms/register_bank.hpp"
#include "core/tinybms/registers.hpp"
#include "core/util/result.hpp"

namespace tbgw::tinybms {

inline constexpr AddressRange kSettingsRegisters{300, 343};

struct BmsSettings {
  std::uint16_t fully_charged_cell_mv = 0;            // 300
  std::uint16_t fully_discharged_cell_mv = 0;         // 301
  std::uint16_t early_balancing_cell_mv = 0;          // 303
  std::uint16_t charge_finished_current_ma = 0;       // 304
  std::uint16_t peak_discharge_cutoff_a = 0;          // 305 (Rev D)
  float capacity_ah = 0.0F;                           // 306 x 0.01 Ah
  std::uint16_t series_cells = 0;                     // 307, 4..16
  std::uint16_t allowed_disbalance_mv = 0;            // 308
  std::uint16_t charger_startup_delay_s = 0;          // 310 (Rev D)
  std::uint16_t charger_disable_delay_s = 0;          // 311 (Rev D)
  std::uint32_t pulses_per_unit = 0;                  // 312-313
  std::uint8_t distance_unit = 0;                     // 314: 1 m, 2 km, 3 ft, 4 mi, 5 yd
  std::uint16_t over_voltage_cutoff_cell_mv = 0;      // 315
  std::uint16_t under_voltage_cutoff_cell_mv = 0;     // 316
  std::uint16_t discharge_over_current_a = 0;         // 317
  std::uint16_t charge_over_current_a = 0;            // 318
  std::int16_t over_heat_cutoff_c = 0;                // 319
  std::int16_t low_temp_charge_cutoff_c = 0;          // 320
  std::uint16_t charge_restart_level_pct = 0;         // 321 (Rev D)
  std::uint16_t max_cycles = 0;                       // 322 (Rev D)
  bool invert_external_current_sensor = false;        // 329 bit 0 (Rev D)
  bool disable_switch_diagnostics = false;            // 329 bit 1 (Rev D)
  bool charger_restart_level_enabled = false;         // 329 bit 2 (Rev D)
  std::uint8_t charger_type = 0;                      // 330 low byte: 1 CC/CV
  std::uint8_t discharge_over_current_timeout_s = 0;  // 330 high byte (Rev D)
  std::uint8_t load_switch_type = 0;                  // 331 (codes: see the catalogue)
  std::uint8_t automatic_recovery_s = 0;              // 332
  std::uint8_t charger_switch_type = 0;               // 333
  std::uint8_t ignition = 0;                          // 334
  std::uint8_t charger_detection = 0;                 // 335
  std::uint8_t speed_sensor_input = 0;                // 336
  std::uint8_t precharge_pin = 0;                     // 337
  std::uint8_t precharge_duration_code = 0;           // 338, see precharge_duration_ms()
  std::uint8_t temperature_sensor_type = 0;           // 339: 0 dual NTC, 1 multipoint
  std::uint8_t operation_mode = 0;                    // 340: 0 dual port, 1 single port
  std::uint8_t single_port_switch_type = 0;           // 341
  std::uint8_t broadcast_time_code = 0;               // 342, see broadcast_period_ms()
  std::uint8_t broadcast_protocol = 0;                // 343: 0 CA V3, 1 ASCII, 2 SOC BAR
  bool rev_d_available = false;                       // the Rev D fields above hold real values

  // Pack-level limits: per-cell value x series cells. The only way to get a pack voltage.
  float pack_fully_charged_v() const { return pack_v(fully_charged_cell_mv); }
  float pack_fully_discharged_v() const { return pack_v(fully_discharged_cell_mv); }
  float pack_over_voltage_v() const { return pack_v(over_voltage_cutoff_cell_mv); }
  float pack_under_voltage_v() const { return pack_v(under_voltage_cutoff_cell_mv); }

  // 338 / 342 codes in milliseconds; nullopt for codes the document does not list.
  // broadcast_period_ms() is 0 when broadcasting is off.
  std::optional<std::uint32_t> precharge_duration_ms() const;
  std::optional<std::uint32_t> broadcast_period_ms() const;

 private:
  float pack_v(std::uint16_t cell_mv) const {
    return static_cast<float>(cell_mv) * static_cast<float>(series_cells) / 1000.0F;
  }
};

static_assert(std::is_trivially_copyable_v<BmsSettings>);

enum class SettingsError : std::uint8_t {
  missing_register = 1,           // a settings register is not valid in the bank
  series_cells_out_of_range = 2,  // reg 307 outside 4..16: no pack-level limit can be derived
};

constexpr const char* to_string(SettingsError e) {
  switch (e) {
    case SettingsError::missing_register:
      return "missing_register";
    case SettingsError::series_cells_out_of_range:
      return "series_cells_out_of_range";
  }
  return "unknown";
}

using SettingsFailure = RegisterFault<SettingsError>;

// Decodes 300-343. Registers 323 and 328 (setters that read 0xFFFF) are not needed; the Rev D
// registers are needed only when `has_rev_d`.
Result<BmsSettings, SettingsFailure> decode_settings(const RegisterBank& bank,
                                                     bool has_rev_d = false);

enum class SettingError : std::uint8_t {
  not_writable = 1,            // outside 300-399, or a read-only register
  reserved = 2,                // in 300-399 but not defined (302, 309, 324-327, 344-399)
  out_of_range = 3,            // value (low byte for u8 registers) outside [range.min, range.max]
  code_not_allowed = 4,        // inside the range, but not a code the document lists
  high_byte_out_of_range = 5,  // 330: the high byte outside [range.min, range.max]
  high_byte_changed = 6,       // low-byte-only register: the high byte differs from the current
  current_value_unknown = 7,   // low-byte-only register: its current value was not read first
  part_of_32bit_pair = 8,      // 312/313: write both words (validate_setting_write_u32)
};

constexpr const char* to_string(SettingError e) {
  switch (e) {
    case SettingError::not_writable:
      return "not_writable";
    case SettingError::reserved:
      return "reserved";
    case SettingError::out_of_range:
      return "out_of_range";
    case SettingError::code_not_allowed:
      return "code_not_allowed";
    case SettingError::high_byte_out_of_range:
      return "high_byte_out_of_range";
    case SettingError::high_byte_changed:
      return "high_byte_changed";
    case SettingError::current_value_unknown:
      return "current_value_unknown";
    case SettingError::part_of_32bit_pair:
      return "part_of_32bit_pair";
  }
  return "unknown";
}

// Why a write was refused, with the numbers to show: `value` is the offending value as the
// range sees it (signed for i16, the byte for u8 fields), `range` the bound it broke (raw units;
// engineering = raw x the register's scale).
struct SettingRejection {
  SettingError error = SettingError::not_writable;
  std::uint16_t address = 0;
  std::int64_t value = 0;
  RawRange range;
};

// `current_raw` is the value just read from the BMS; required for low-byte-only registers.
Result<void, SettingRejection> validate_setting_write(
    std::uint16_t address, std::uint16_t new_raw,
    std::optional<std::uint16_t> current_raw = std::nullopt);
// A 32-bit setting (312-313) written as one value: lo_address must be its low word.
Result<void, SettingRejection> validate_setting_write_u32(std::uint16_t lo_address,
                                                          std::uint32_t value);

// Read-modify-write for 330-343: the new low byte, the high byte as it was.
constexpr std::uint16_t merge_low_byte(std::uint16_t current_raw, std::uint8_t new_low) {
  return static_cast<std::uint16_t>((current_raw & 0xFF00U) | new_low);
}

// One register that changed, in raw words and in engineering units.
struct SettingChange {
  std::uint16_t address = 0;
  std::string_view name;  // from the catalogue; "" for an address it does not define
  std::string_view unit;
  std::uint16_t old_raw = 0;
  std::uint16_t new_raw = 0;
  double old_value = 0.0;  // engineering_value(); for 32-bit words the word x scale
  double new_value = 0.0;
};

SettingChange describe_change(std::uint16_t address, std::uint16_t old_raw, std::uint16_t new_raw);

// Every settings register valid in both banks whose raw value differs, in address order.
// Writes at most out.size() changes; returns how many differ (may exceed out.size()).
std::size_t diff_settings(const RegisterBank& before, const RegisterBank& after,
                          std::span<SettingChange> out);

}  // namespace tbgw::tinybms
