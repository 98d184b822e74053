#include "app/service/decision_log.hpp"

#include <spdlog/spdlog.h>

#include <cmath>

namespace tbgw::app {

const char* to_string(msg::ChargePhase phase) {
  switch (phase) {
    case msg::ChargePhase::none:
      return "none";
    case msg::ChargePhase::bulk:
      return "bulk";
    case msg::ChargePhase::absorption:
      return "absorption";
    case msg::ChargePhase::float_:
      return "float";
    case msg::ChargePhase::blocked:
      return "blocked";
  }
  return "invalid";
}

void DecisionLog::on_decision(const msg::ChargeDecision& d) {
  const long cvl = std::lround(static_cast<double>(d.cvl_v) * 10.0);
  const long ccl = std::lround(static_cast<double>(d.ccl_a) * 10.0);
  const long dcl = std::lround(static_cast<double>(d.dcl_a) * 10.0);
  if (!d.valid) {
    if (!have_last_ || last_valid_) {
      spdlog::warn(
          "CAN limits withdrawn (nothing is sent; the GX stops charging and "
          "discharging after 3 s): {}",
          d.cvl_reason.data());
    }
  } else {
    if (!have_last_ || !last_valid_ || d.phase != last_phase_) {
      spdlog::info("charge phase {}: {}", to_string(d.phase), d.phase_reason.data());
    }
    if (!have_last_ || !last_valid_ || cvl != last_cvl_dv_ || ccl != last_ccl_da_ ||
        dcl != last_dcl_da_) {
      spdlog::info("limits {:.1f} V / charge {:.1f} A / discharge {:.1f} A ({}; {}; {})",
                   static_cast<double>(cvl) / 10.0, static_cast<double>(ccl) / 10.0,
                   static_cast<double>(dcl) / 10.0, d.cvl_reason.data(), d.ccl_reason.data(),
                   d.dcl_reason.data());
    }
  }
  have_last_ = true;
  last_valid_ = d.valid;
  last_phase_ = d.phase;
  last_cvl_dv_ = cvl;
  last_ccl_da_ = ccl;
  last_dcl_da_ = dcl;
}

}  // namespace tbgw::app
