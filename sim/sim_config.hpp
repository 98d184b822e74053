// SimConfig: every knob of the simulated TinyBMS and its battery, with units and defaults.
//
// The defaults describe a 16S 280 Ah LiFePO4 pack at 60 % SOC in a 25 degC room, behind a
// TinyBMS s516 (high-power model, internal current sensor) on a 115200 baud link. `chemistry`
// picks the OCV curve and the settings defaults (chemistry.hpp); everything else is the same
// for every chemistry. Spreads are 1-sigma values drawn from the seeded Rng. validate_config()
// names the first field out of range; the Simulator clamps such values rather than fail.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "sim/chemistry.hpp"
#include "sim/load_profile.hpp"

namespace tbgw::sim {

// How reads of reserved registers inside a readable window are answered (the real unit's
// behaviour is unverified, spec "Commands").
enum class ReservedReads {
  zeros,  // answer 0 for reserved registers (16-31, 49, 56-99, 110, 115, ...)
  nack,   // NACK (command error) any read that touches a reserved register
};

struct SimConfig {
  // --- pack ---
  // OCV curve and the settings defaults (chemistry.hpp); lfp keeps the original simulator.
  Chemistry chemistry = Chemistry::lfp;

  int cells = 16;                      // series cells, 4-16 (also reg 307 and 53)
  std::uint64_t seed = 1;              // seeds the cell spreads and the link faults
  double capacity_ah = 280.0;          // nominal cell capacity, Ah (reg 306 default)
  double initial_soc_pct = 60.0;       // mean initial cell SOC and the BMS's SOC, %
  double initial_soh_pct = 100.0;      // BMS state of health at start, %
  double capacity_spread_pct = 1.0;    // per-cell capacity, 1 sigma, % of nominal
  double soc_spread_pct = 0.5;         // per-cell initial SOC, 1 sigma, percentage points
  double resistance_spread_pct = 5.0;  // per-cell resistance, 1 sigma, %
  double cell_resistance_mohm = 0.5;   // series resistance per cell at 25 degC, mOhm
  double polarization_mohm = 0.3;      // RC branch resistance per cell, mOhm
  double polarization_tau_s = 60.0;    // RC branch time constant, s
  double balance_resistor_ohm = 22.0;  // bleed resistor per channel, Ohm (~0.15 A at 3.3 V)

  // --- environment and load ---
  double ambient_c = 25.0;   // ambient temperature, degC (profiles may vary it)
  LoadProfile load;          // default: constant 0 A
  bool ext1_present = true;  // external sensor 1 (reg 42) fitted
  bool ext2_present = true;  // external sensor 2 (reg 43); false -> reads -32768

  // --- time ---
  double time_factor = 1.0;              // model seconds per wall second (144 = a day in 10 min)
  int model_step_ms = 100;               // fixed model step, model ms (the BMS samples at 100 ms)
  std::uint32_t initial_lifetime_s = 0;  // BMS lifetime counter at start, s (reg 32-33)

  // --- link ---
  int response_delay_ms = 5;   // request end -> first reply byte, wall ms
  int baud = 115200;           // pacing of reply bytes, 10 bits per byte
  bool sleep_enabled = false;  // sleep after 10 s without UART traffic at low current
  int sleep_after_ms = 10000;  // idle time before sleeping, wall ms
  ReservedReads reserved_reads = ReservedReads::zeros;
  bool cell_reply_all_channels = true;  // 0x1C: all 16 channels (true) or only the N in use

  // --- identity (version registers 500-509, commands 0x1E/0x1F) ---
  bool high_power_model = true;  // reg 501 high byte bit 0; also the sleep current limit
  std::uint8_t hardware_version = 0x02;
  std::uint8_t hardware_changes = 0x01;
  std::uint8_t firmware_public = 0x02;
  std::uint16_t firmware_internal = 242;
  std::uint8_t bootloader_version = 0x01;
  std::uint8_t register_map_version = 0x04;  // reg 503 high byte ("profile version")
  // 96-bit serial number, regs 504-509; all zero = derived from the seed.
  std::array<std::uint16_t, 6> serial_number{};
};

// Empty when every field is in range, else a message naming the first bad field.
std::string validate_config(const SimConfig& config);

// The same config with every field clamped into range (what the Simulator uses).
SimConfig sanitized(const SimConfig& config);

}  // namespace tbgw::sim
