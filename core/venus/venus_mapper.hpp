// VenusMapper: the pure mapping from the gateway's messages (snapshot, charge decision, alerts,
// energy counters, link state) to the values of com.victronenergy.battery.* (spec §2, §7).
//
// Theory of operation. update() is called once per publish cycle (1 s) with the latest messages
// and the current time, and writes every measurement path into a VenusTable (which keeps only the
// changes). Rules:
//   - unknown = invalid, never 0 (the GUI hides invalid items; 0 would be a reading);
//   - measurements are rounded to their path's resolution so noise below it is not a change;
//   - stale: no snapshot newer than stale_timeout_ms, or the link is lost. Then every measurement
//     is invalidated (systemcalc would otherwise use the last value forever), /Alarms/BmsCable =
//     2, /State = 10 (error), NrOfModulesOnline 0 / Offline 1, and the /Info limits follow the
//     VenusLimits stale policy. The service stays on the bus; fresh data restores everything.
//   - /Alarms/* come from the alert engine's current severities (0 ok, 1 warning, 2 alarm), so
//     D-Bus, CAN 0x35A and MQTT never disagree.
//   - /Io/AllowTo* mirror the published limits (the GUI shows them; DVCC does not read them).
// Identity paths (/Mgmt/*, /DeviceInstance, /ProductId, ...) are set by the adapter once.
//
// Bounds: no allocation; a constant amount of work per call (16 cells at most).
#pragma once

#include <array>
#include <cstdint>

#include "core/msg/alert_changed.hpp"
#include "core/msg/battery_snapshot.hpp"
#include "core/msg/charge_decision.hpp"
#include "core/msg/energy_counters.hpp"
#include "core/msg/link_state.hpp"
#include "core/util/time.hpp"
#include "core/venus/venus_limits.hpp"
#include "core/venus/venus_table.hpp"

namespace tbgw::venus {

struct VenusInputs {
  const msg::BatterySnapshot* snapshot = nullptr;  // the latest, or nullptr
  const msg::ChargeDecision* decision = nullptr;
  const msg::EnergyCounters* energy = nullptr;
  msg::LinkStatus link = msg::LinkStatus::connecting;
  std::array<msg::AlertSeverity, msg::kAlertRules> alerts{};  // current severity per rule
  float capacity_ah = 0.0F;                                   // BMS register 306; 0: not read yet
};

struct MapperOptions {
  Millis stale_timeout_ms = 5'000;
  LimitOptions limits;
};

class VenusMapper {
 public:
  explicit VenusMapper(const MapperOptions& options = {})
      : options_(options), limits_(options.limits) {}
  void set_options(const MapperOptions& options) {
    options_ = options;
    limits_.set_options(options.limits);
  }

  void update(const VenusInputs& in, Millis now_ms, VenusTable& table);

  bool stale() const { return stale_; }
  const PublishedLimits& limits() const { return limits_.published(); }

 private:
  void put_measurements(const msg::BatterySnapshot& s, const VenusInputs& in, VenusTable& t);
  void clear_measurements(VenusTable& t);

  MapperOptions options_;
  VenusLimits limits_;
  bool stale_ = false;
};

// Rounds v to `decimals` decimal places (the path's display resolution).
double round_to(double v, int decimals);

}  // namespace tbgw::venus
