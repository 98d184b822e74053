// SettingsTable: the simulated BMS's settings registers 300-399, with the real unit's range
// checks, written from the spec's settings table (independently of core/tinybms, so a shared
// misreading of the spec cannot hide; style-anchors rule 10).
//
// Storage is one u16 per register 300-399. Reads of reserved registers (302, 309, 324-327,
// 344-399) answer 0. Writes are all-or-nothing: apply() checks every register a request
// touches (a u32 pair 312-313 is checked as one value after the whole request is applied) and
// either commits all of them or changes nothing and reports the first bad address. Writes to a
// reserved register are refused (the spec warns against writing them; what a real unit does is
// unverified).
//
// 323 (SOH) and 328 (SOC) are setters: they always read 0xFFFF, and an accepted write is handed
// back to the caller (WriteEffects) to set the model's SOH/SOC. In 330-343 only the low byte is
// defined; its value is checked against the listed codes and the high byte is stored as written
// (330's high byte is the discharge over-current timeout, 0-30 s).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>

#include "core/tinybms/frame_bytes.hpp"
#include "sim/chemistry.hpp"

namespace tbgw::sim {

inline constexpr std::uint16_t kFirstSettingRegister = 300;
inline constexpr std::uint16_t kLastSettingRegister = 399;
inline constexpr std::uint16_t kSettingsRegisterCount = 100;
inline constexpr std::uint16_t kSetterReadValue = 0xFFFF;

// Register addresses the model uses (spec "Settings").
namespace reg {
inline constexpr std::uint16_t kFullyChargedMv = 300;
inline constexpr std::uint16_t kFullyDischargedMv = 301;
inline constexpr std::uint16_t kEarlyBalancingMv = 303;
inline constexpr std::uint16_t kChargeFinishedMa = 304;
inline constexpr std::uint16_t kPeakDischargeA = 305;
inline constexpr std::uint16_t kCapacityCentiAh = 306;
inline constexpr std::uint16_t kSeriesCells = 307;
inline constexpr std::uint16_t kAllowedDisbalanceMv = 308;
inline constexpr std::uint16_t kChargerStartupDelayS = 310;
inline constexpr std::uint16_t kChargerDisableDelayS = 311;
inline constexpr std::uint16_t kPulsesPerUnitLow = 312;
inline constexpr std::uint16_t kOverVoltageMv = 315;
inline constexpr std::uint16_t kUnderVoltageMv = 316;
inline constexpr std::uint16_t kDischargeOverCurrentA = 317;
inline constexpr std::uint16_t kChargeOverCurrentA = 318;
inline constexpr std::uint16_t kOverHeatC = 319;
inline constexpr std::uint16_t kLowTempChargeC = 320;
inline constexpr std::uint16_t kChargeRestartPct = 321;
inline constexpr std::uint16_t kMaxCycles = 322;
inline constexpr std::uint16_t kSetSoh = 323;
inline constexpr std::uint16_t kSetSoc = 328;
inline constexpr std::uint16_t kFlags = 329;
inline constexpr std::uint16_t kChargerTypeAndOcTimeout = 330;
inline constexpr std::uint16_t kAutoRecoveryS = 332;
inline constexpr std::uint16_t kBroadcastTime = 342;
inline constexpr std::uint16_t kBroadcastProtocol = 343;
}  // namespace reg

// Which of the four 0x1D value sets.
enum class SettingValueKind { min, max, default_value, current };

// Model-side consequences of an accepted write.
struct WriteEffects {
  std::optional<std::uint16_t> set_soh_raw;  // 323 written: SOH = raw x 0.002 %
  std::optional<std::uint16_t> set_soc_raw;  // 328 written: SOC = raw x 0.002 %
};

// Why a write was refused; `address` is the first register at fault.
struct WriteRejection {
  std::uint16_t address = 0;
  enum class Reason { not_writable, reserved, out_of_range } reason = Reason::out_of_range;
};

// What the defaults depend on: the pack (306, 307) and the chemistry, whose typical settings
// (chemistry.hpp) are the defaults of 300, 301, 303, 304, 308 and 315-320.
struct SettingsDefaults {
  int cells = 16;
  double capacity_ah = 280.0;
  Chemistry chemistry = Chemistry::lfp;
};

class SettingsTable {
 public:
  explicit SettingsTable(const SettingsDefaults& defaults = {});

  // True for the defined settings (not reserved, inside 300-399).
  static bool is_defined(std::uint16_t address);

  // Restores every register to its default (what a factory reset would do).
  void reset_to_defaults();

  // Current value as the BMS reads it back (0 for reserved, 0xFFFF for the setters, 0 outside
  // 300-399).
  std::uint16_t read(std::uint16_t address) const;

  // 0x1D: min, max, default or current value of one register (reserved registers: 0).
  std::uint16_t value_of_kind(SettingValueKind kind, std::uint16_t address) const;

  // Applies a whole request atomically; see the top comment.
  std::optional<WriteRejection> apply(std::span<const tinybms::RegisterWrite> writes,
                                      WriteEffects& effects);

  // Typed views the model uses.
  std::uint16_t u16(std::uint16_t address) const { return read(address); }
  std::int16_t i16(std::uint16_t address) const { return static_cast<std::int16_t>(read(address)); }
  std::uint8_t low_byte(std::uint16_t address) const { return read(address) & 0xFFU; }
  std::uint8_t high_byte(std::uint16_t address) const {
    return static_cast<std::uint8_t>(read(address) >> 8);
  }

 private:
  static std::size_t index(std::uint16_t address) { return address - kFirstSettingRegister; }

  SettingsDefaults defaults_;
  std::array<std::uint16_t, kSettingsRegisterCount> values_{};
};

}  // namespace tbgw::sim
