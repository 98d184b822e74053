// DecisionLog: one log line when what goes to the chargers changes (validity, phase, or a
// limit's value as it is sent on the wire: 0.1 V / 0.1 A), with the reason of each limit.
// Never a line per poll: a steady battery writes nothing.
#pragma once

#include "core/msg/charge_decision.hpp"

namespace tbgw::app {

class DecisionLog {
 public:
  void on_decision(const msg::ChargeDecision& d);

 private:
  bool have_last_ = false;
  bool last_valid_ = false;
  msg::ChargePhase last_phase_ = msg::ChargePhase::none;
  long last_cvl_dv_ = 0, last_ccl_da_ = 0, last_dcl_da_ = 0;
};

const char* to_string(msg::ChargePhase phase);

}  // namespace tbgw::app
