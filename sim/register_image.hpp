// RegisterImage: the simulated BMS's register map, encoded from the spec's tables.
//
// This file is deliberately written from docs (../shared/spec/tinybms-protocol.md) and not
// from core/tinybms's register catalogue or decoders (style-anchors rule 10): the gateway's
// decoding and this encoding meet only on the wire, so a misreading in one shows up as a
// mismatch against the truth instead of cancelling out. Encoding rules used here:
//   0-15     cell voltages, u16 0.1 mV, per CHANNEL: pack cell n (1 = most negative) sits on
//            channel 16 - N + n, i.e. register 16 - N + n - 1; lower channels read 0
//   32-35    lifetime, time left: u32, lower address = low 16 bits ("CDAB")
//   36-39    pack voltage V, current A: IEEE float32, lower address = low 16 bits
//   40, 41   min, max cell: u16 1 mV (round to nearest)
//   42, 43   external temps, 48 internal: int16 0.1 degC, -32768 when the sensor is absent
//   45       SOH u16 0.002 %;  46-47 SOC u32 1e-6 %
//   50       online status; 51/52 balancing bits per channel (bit 0 = channel 1); 53 cells
//   100-117  statistics; 200-297 events; 300-399 settings; 500-509 version
// Every value is rounded to nearest and clamped to its field's range.
//
// Register classes: `value` (defined), `reserved` (an address up to 509 with no defined
// content: 16-31, 49, 56-99, 110, 115, 118-199, 298-299, reserved settings, 400-499; the
// responder answers 0 or NACKs according to SimConfig::reserved_reads), and `unmapped`
// (510 and above: always NACKed).
#pragma once

#include <array>
#include <cstdint>

#include "sim/bms_statistics.hpp"
#include "sim/event_log.hpp"
#include "sim/settings_table.hpp"
#include "sim/sim_config.hpp"
#include "sim/truth_state.hpp"

namespace tbgw::sim {

struct VersionInfo {
  std::uint8_t hardware_version = 0;
  std::uint8_t hardware_changes = 0;
  std::uint8_t firmware_public = 0;
  std::uint16_t firmware_internal = 0;
  std::uint8_t bootloader_version = 0;
  std::uint8_t register_map_version = 0;
  bool high_power = true;
  std::uint8_t current_sensor = 0;  // 0 internal resistor, 1 internal Hall, 2 external
  std::array<std::uint16_t, 6> serial_number{};
};

// From the config; an all-zero serial number is derived from the seed.
VersionInfo version_info(const SimConfig& config);

struct RegisterRead {
  enum class Kind { value, reserved, unmapped } kind = Kind::unmapped;
  std::uint16_t value = 0;  // 0 unless kind == value
};

class RegisterImage {
 public:
  static constexpr std::uint16_t kLastMappedRegister = 509;

  RegisterImage(const TruthState& truth, const SettingsTable& settings, const BmsStatistics& stats,
                const EventLog& events, const VersionInfo& version)
      : truth_(truth), settings_(settings), stats_(stats), events_(events), version_(version) {}

  RegisterRead read(std::uint16_t address) const;

 private:
  std::uint16_t cell_channel(std::uint16_t address) const;
  std::uint16_t balancing_channels(std::uint16_t pack_mask) const;
  RegisterRead live(std::uint16_t address) const;
  RegisterRead statistics(std::uint16_t address) const;
  RegisterRead version(std::uint16_t address) const;

  const TruthState& truth_;
  const SettingsTable& settings_;
  const BmsStatistics& stats_;
  const EventLog& events_;
  const VersionInfo& version_;
};

// Scalings shared by the registers and the quick-read commands (0x14-0x20), so both paths
// encode a value the same way.
namespace encode {
std::uint16_t cell_decimv(double cell_mv);              // 0.1 mV
std::uint16_t millivolts(double mv);                    // 1 mV
std::int16_t decicelsius(double temp_c, bool present);  // 0.1 degC or -32768
std::uint32_t soc_micro_pct(double soc_pct);            // 1e-6 %
std::uint16_t soh_raw(double soh_pct);                  // 0.002 %
std::uint32_t float_bits(double value);                 // IEEE float32 bit pattern
}  // namespace encode

}  // namespace tbgw::sim
