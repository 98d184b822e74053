// ChargeController: see charge_controller.hpp.
#include "core/control/charge_controller.hpp"

#include "core/control/decision_guard.hpp"
#include "core/control/reason_writer.hpp"

namespace tbgw::control {
namespace {

void fill_all(msg::ChargeDecision& d, const msg::ChargeDecision::Reason& why) {
  d.cvl_reason = d.ccl_reason = d.dcl_reason = d.phase_reason = why;
}

}  // namespace

ChargeController::ChargeController(const ChargeParams& params) {
  ReasonWriter(no_data_reason_).text("no BMS data yet");
  set_params(params);
}

void ChargeController::set_params(const ChargeParams& params) {
  params_ = params;
  check_ = params.validate();
  if (!check_.ok()) {
    ReasonWriter(params_reason_)
        .text("charge parameters invalid: ")
        .text(check_.issues[0].field)
        .text(" ")
        .text(check_.issues[0].problem);
  }
}

msg::ChargeDecision ChargeController::invalid(Millis now,
                                              const msg::ChargeDecision::Reason& why) const {
  msg::ChargeDecision d;
  d.stamp_ms = now;
  d.valid = false;
  d.phase = msg::ChargePhase::none;
  fill_all(d, why);
  return d;
}

bool ChargeController::stale(Millis now) const {
  return link_lost_ || now - last_good_ms_ > params_.stale_timeout_ms;
}

msg::ChargeDecision ChargeController::update(const msg::BatterySnapshot& snapshot,
                                             const tinybms::BmsSettings& settings, Millis now) {
  if (!check_.ok()) return invalid(now, params_reason_);
  const bool too_old = now - snapshot.stamp_ms > params_.stale_timeout_ms;
  const bool out_of_order = have_data_ && snapshot.stamp_ms < last_good_ms_;
  auto facts = make_facts(snapshot, settings, params_);
  if (!facts || too_old || out_of_order) {
    if (!facts && !have_data_) ReasonWriter(no_data_reason_).text(describe(facts.error()));
    return tick(now);
  }
  const PackFacts& f = *facts;
  profile_ = derive_profile(settings, params_);
  profile_.board_margin_c = f.board_margin_c;
  const ChargeParams& p = profile_.effective;
  if (!have_data_ || stale(now)) current_.restart_ramps(now);
  if (!phases_.started()) phases_.start(f, now);

  msg::ChargeDecision d;
  msg::ChargeDecision::Reason block_reason{};
  const CurrentLimiter::Outcome currents = current_.update(f, p, now, d, block_reason);
  const bool blocked = currents.charge_blocked;
  const float cvl_in_force_v =
      voltage_.started() ? voltage_.cvl_v() : f.pack(phases_.target_cell_mv(p));
  phases_.update(f, cvl_in_force_v, blocked, p, now);
  voltage_.update(f, phases_.phase(), blocked, p, now, d);

  d.stamp_ms = now;
  d.valid = true;
  d.pack_v = f.pack_v;
  d.cvl_ceiling_v = f.pack(f.ovp_cell_mv);
  d.ccl_ceiling_a = f.charge_oc_a;
  d.dcl_ceiling_a = f.discharge_oc_a;
  if (blocked) {
    d.phase = msg::ChargePhase::blocked;
    ReasonWriter(d.phase_reason).text("charging blocked: ").text(reason_text(block_reason));
  } else {
    d.phase = phases_.phase();
    phases_.describe(f, p, now, d.phase_reason);
  }
  enforce_invariants(d);

  have_data_ = true;
  link_lost_ = false;
  last_good_ms_ = snapshot.stamp_ms;
  last_facts_ = f;
  last_good_ = d;
  return d;
}

void ChargeController::on_link(const msg::LinkState& link, Millis /*now*/) {
  if (link.status == msg::LinkStatus::lost) {
    link_lost_ = true;
  } else if (link.status == msg::LinkStatus::up) {
    link_lost_ = false;
  }
}

msg::ChargeDecision ChargeController::tick(Millis now) const {
  if (!check_.ok()) return invalid(now, params_reason_);
  if (!have_data_) return invalid(now, no_data_reason_);
  if (!stale(now)) {
    msg::ChargeDecision d = last_good_;
    d.stamp_ms = now;
    return d;
  }
  return stale_decision(now);
}

msg::ChargeDecision ChargeController::stale_decision(Millis now) const {
  const ChargeParams& p = params_;
  const ChargeParams& window = profile_.effective;  // the hold window of the pack's chemistry
  const PackFacts& f = last_facts_;
  const Millis age_ms = now - last_good_ms_;
  msg::ChargeDecision::Reason why{};
  ReasonWriter w(why);
  w.text("BMS data ").duration(age_ms).text(" old");
  if (link_lost_) w.text(" (link lost)");

  if (p.stale_policy == StalePolicy::hold_safe) {
    const bool mid_range =
        f.min_cell_mv >= window.hold_min_cell_mv && f.max_cell_mv <= window.hold_max_cell_mv;
    if (!mid_range) {
      w.text(", cells were not mid-range (").number(f.min_cell_mv / 1000.0F, 3).text("-");
      w.cell_volts(f.max_cell_mv).text("): not transmitting");
      return invalid(now, why);
    }
    if (age_ms >= p.hold_max_ms) {
      w.text(", hold time ").duration(p.hold_max_ms).text(" over: not transmitting");
      return invalid(now, why);
    }
    msg::ChargeDecision d = last_good_;
    d.stamp_ms = now;
    d.phase = msg::ChargePhase::blocked;
    d.ccl_a = 0.0F;
    // CCL 0: the guard holds CVL at min(last CVL, last pack voltage); the reasons say why.
    enforce_invariants(d);
    if (!d.valid) return d;
    ReasonWriter(d.ccl_reason).text("CCL 0: ").text(reason_text(why));
    ReasonWriter(d.cvl_reason).text("CVL held at ").volts(d.cvl_v, 1).text(" (last pack voltage)");
    ReasonWriter(d.dcl_reason)
        .text("DCL kept: cells were ")
        .number(f.min_cell_mv / 1000.0F, 3)
        .text("-")
        .cell_volts(f.max_cell_mv)
        .text(" at the last data");
    ReasonWriter(d.phase_reason)
        .text("charging blocked: ")
        .text(reason_text(why))
        .text("; hold ends in ")
        .duration(p.hold_max_ms - age_ms);
    return d;
  }
  w.text(": not transmitting, the GX stops charging and discharging after 3 s");
  return invalid(now, why);
}

}  // namespace tbgw::control
