// Protection: the simulated BMS's cutoffs, as its settings registers define them.
//
// Each cutoff opens the charge path, the discharge path or both (the current in that direction
// is forced to 0), logs its event id (event_log.hpp) stamped with the lifetime counter, bumps
// its statistics counter, and recovers with the event the spec lists for it:
//
//   cutoff                 trips when (registers)                    opens   recovers when
//   over-voltage   0x03    max cell >= 315                           charge  max cell <= 315-100 mV
//   (0x79) under-voltage  0x02    min cell <= 316                           disch.  min cell >=
//   316+100 mV (0x7B) fully dischg.  0x31    min cell <= 301 (only if 301 > 316)       disch.  min
//   cell >= 301+100 mV (0x7A) disch. OC      0x05    demand > 317 for longer than 330 high disch.
//   after 332 s (0x77), then
//                          byte (s), or demand > 305 at once                 trips again if still
//                          too high
//   charge OC 0x06/0x07    demand > 318 (0x07 while regenerating)    charge  after 332 s
//   (0x76/0x78) over-heat      0x04    any present sensor >= 319                 both    all <=
//   319-5 degC (0x73) low-temp chg.  0x37    a cell sensor < 320 (external sensors,    charge  all
//   >= 320+2 degC (0x74)
//                          or the internal one if none is present)
//   charge done    0x63    charging and max cell >= 300, or charging charge  (flag 329 bit 2) SOC <
//   321,
//                          below 304 mA with max cell >= 300-50 mV           else the next
//                          discharge
//
// The hysteresis values are the simulator's choice (the document gives none). Over-voltage,
// under-voltage, over-current and over-heat are faults (online status 0x9B); fully discharged
// and low-temperature charging are warnings and charge done is normal operation (status from
// the current). Over-current is judged on the load's demand while the path is closed, so a load
// that keeps asking too much trips again after every recovery, as on a real BMS.
#pragma once

#include <array>
#include <cstdint>

#include "sim/bms_statistics.hpp"
#include "sim/event_log.hpp"
#include "sim/settings_table.hpp"

namespace tbgw::sim {

struct ProtectionFlags {
  bool over_voltage = false;
  bool under_voltage = false;
  bool fully_discharged = false;
  bool discharge_over_current = false;
  bool charge_over_current = false;
  bool over_temperature = false;
  bool low_temp_charge = false;
  bool charge_done = false;

  bool charge_allowed() const {
    return !(over_voltage || charge_over_current || over_temperature || low_temp_charge ||
             charge_done);
  }
  bool discharge_allowed() const {
    return !(under_voltage || fully_discharged || discharge_over_current || over_temperature);
  }
  bool fault() const {
    return over_voltage || under_voltage || discharge_over_current || charge_over_current ||
           over_temperature;
  }
  friend bool operator==(const ProtectionFlags&, const ProtectionFlags&) = default;
};

// What the BMS measured at the end of a step.
struct Measurements {
  double min_cell_mv = 0.0;
  double max_cell_mv = 0.0;
  std::array<double, 3> temps_c{};  // internal, external 1, external 2
  std::array<bool, 3> present{};
  double current_a = 0.0;  // the current that flowed (after the switches)
  double soc_pct = 0.0;    // the BMS's estimate
};

struct ProtectionContext {
  const SettingsTable& settings;
  EventLog& events;
  BmsStatistics& stats;
  std::uint32_t lifetime_s;
};

class Protection {
 public:
  static constexpr double kVoltageHysteresisMv = 100.0;
  static constexpr double kOverHeatHysteresisC = 5.0;
  static constexpr double kLowTempHysteresisC = 2.0;
  static constexpr double kTaperWindowMv = 50.0;
  static constexpr double kIdleCurrentA = 0.1;

  // Before the cells step: over-current on the demand, recovery timers; returns the current the
  // switches let through.
  double gate(double demand_a, double dt_s, bool regenerating, const ProtectionContext& ctx);

  struct Outcome {
    bool charge_done_now = false;       // calibrate SOC to 100 %
    bool fully_discharged_now = false;  // calibrate SOC to 0 %
  };
  // After the step: voltage and temperature cutoffs, recoveries, charge termination.
  Outcome evaluate(const Measurements& m, const ProtectionContext& ctx);

  const ProtectionFlags& flags() const { return flags_; }
  // A BMS reset clears every cutoff; the next evaluate() trips again what still applies.
  void reset() { *this = Protection{}; }

 private:
  void raise(bool& flag, std::uint8_t event_id, const ProtectionContext& ctx);
  void recover(bool& flag, std::uint8_t event_id, const ProtectionContext& ctx);

  ProtectionFlags flags_;
  double discharge_over_limit_s_ = 0.0;
  double discharge_oc_recovery_s_ = 0.0;
  double charge_oc_recovery_s_ = 0.0;
  bool charge_oc_was_regen_ = false;
};

}  // namespace tbgw::sim
