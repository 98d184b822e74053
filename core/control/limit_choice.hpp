// LimitChoice: "each limit is the minimum of its limiters, and the reason names the binding one".
//
// Limiters are offered in priority order; the lowest value wins and only the winner writes its
// reason (the writer runs only when its value is the new minimum, so losing limiters cost no
// formatting). On a tie the first offered wins, so hard blocks are offered before derating
// tables and a "CCL 0" names the block ("cells too cold") rather than a table that also reads 0.
#pragma once

#include "core/control/reason_writer.hpp"
#include "core/msg/charge_decision.hpp"

namespace tbgw::control {

class LimitChoice {
 public:
  explicit LimitChoice(msg::ChargeDecision::Reason& reason) : reason_(reason) {}

  template <class WriteReason>
  void offer(float value, WriteReason&& write_reason) {
    if (chosen_ && !(value < value_)) return;
    chosen_ = true;
    value_ = value;
    ReasonWriter w(reason_);
    write_reason(w);
  }

  bool chosen() const { return chosen_; }
  float value() const { return value_; }

 private:
  msg::ChargeDecision::Reason& reason_;
  bool chosen_ = false;
  float value_ = 0.0F;
};

}  // namespace tbgw::control
