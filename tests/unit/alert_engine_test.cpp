// AlertEngine: hysteresis, minimum duration, clearing, acknowledge (an alarm stays visible),
// messages with units, gateway rules and BMS events, driven by scripted values and a fake clock.
#include "core/alerts/alert_engine.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "victron_test_support.hpp"

namespace tbgw::alerts {
namespace {

using Id = msg::AlertId;
using Sev = msg::AlertSeverity;
using Edge = msg::AlertEdge;
using Snap = msg::BatterySnapshot;

constexpr Millis kSecond = 1'000;

struct Harness {
  tinybms::BmsSettings settings = victron::test::lfp_settings();
  AlertEngine engine;
  Millis now = 0;

  explicit Harness(const AlertThresholds& t = {}) : engine(t) {}

  void step(const Snap& s, Millis dt = kSecond) {
    now += dt;
    (void)engine.on_snapshot(s, &settings, msg::LinkStatus::up, now);
  }
  void tick(const GatewayHealth& h, msg::LinkStatus link = msg::LinkStatus::up,
            Millis dt = kSecond) {
    now += dt;
    engine.tick({now, link, msg::LinkLossReason::timeout}, h, now);
  }
  Sev sev(Id id) const { return engine.alert(id).severity; }
  std::string text(Id id) const { return std::string(msg::message_text(engine.alert(id).message)); }
};

Snap max_cell(float mv) {
  Snap s = victron::test::healthy_snapshot();
  s.cell_mv[6] = mv;
  return s;
}

Snap soc(double pct) {
  Snap s = victron::test::healthy_snapshot();
  s.soc_pct = pct;
  return s;
}

// lfp_settings: over-voltage cutoff 3650 mV -> cell_high warning 3600, alarm 3650, band 20 mV.
TEST(AlertEngine, GIVEN_cell_values_WHEN_stepped_THEN_severity_follows_thresholds_and_band) {
  struct Row {
    std::vector<float> cell_mv;
    Sev expected;
  } rows[] = {
      {{3300}, Sev::none},
      {{3599}, Sev::none},
      {{3600}, Sev::warning},
      {{3652}, Sev::alarm},
      {{3652, 3640}, Sev::alarm},              // back below alarm but inside its 20 mV band
      {{3652, 3635, 3635, 3635}, Sev::alarm},  // inside the band keeps the alarm forever
      {{3652, 3625, 3625, 3625}, Sev::alarm},  // out of the band: held for the clear delay
      {{3652, 3625, 3625, 3625, 3625, 3625, 3625}, Sev::warning},  // eased after 5 s
  };
  for (const Row& r : rows) {
    Harness h;
    for (const float mv : r.cell_mv) h.step(max_cell(mv));
    EXPECT_EQ(h.sev(Id::cell_high), r.expected) << "last " << r.cell_mv.back();
  }
}

TEST(AlertEngine, GIVEN_value_hovering_at_threshold_WHEN_stepped_THEN_one_raise_and_no_flap) {
  Harness h;
  for (int i = 0; i < 60; ++i) h.step(max_cell(i % 2 == 0 ? 3601.0F : 3595.0F));
  std::size_t raised = 0;
  std::size_t cleared = 0;
  for (std::size_t i = 0; i < h.engine.log().size(); ++i) {
    const msg::AlertChanged& e = h.engine.log().at(i);
    if (e.id != Id::cell_high) continue;  // the spread moves too (imbalance)
    raised += e.edge == Edge::raised ? 1U : 0U;
    cleared += e.edge == Edge::cleared ? 1U : 0U;
  }
  EXPECT_EQ(raised, 1U);
  EXPECT_EQ(cleared, 0U);
}

TEST(AlertEngine, GIVEN_condition_gone_WHEN_clear_delay_passes_THEN_alert_clears_itself) {
  Harness h;  // clear delay 5 s
  h.step(max_cell(3610));
  ASSERT_EQ(h.sev(Id::cell_high), Sev::warning);
  const Millis raised = h.now;
  for (int i = 0; i < 4; ++i) h.step(max_cell(3300));
  EXPECT_EQ(h.sev(Id::cell_high), Sev::warning) << "held for the clear delay";
  h.step(max_cell(3300));
  h.step(max_cell(3300));
  const Alert& a = h.engine.alert(Id::cell_high);
  EXPECT_FALSE(a.active);
  EXPECT_EQ(a.raised_ms, raised);
  EXPECT_EQ(a.cleared_ms, h.now);
}

TEST(AlertEngine, GIVEN_raise_delay_WHEN_spike_shorter_THEN_nothing_raised_else_raised) {
  AlertThresholds t;
  t.battery.raise_delay_ms = 3 * kSecond;
  struct Row {
    int seconds_high;
    Sev expected;
  } rows[] = {{1, Sev::none}, {3, Sev::none}, {4, Sev::warning}};
  for (const Row& r : rows) {
    Harness h(t);
    for (int i = 0; i < r.seconds_high; ++i) h.step(max_cell(3610));
    EXPECT_EQ(h.sev(Id::cell_high), r.expected) << r.seconds_high << " s high";
  }
}

TEST(AlertEngine, GIVEN_active_alarm_WHEN_acknowledged_THEN_stays_active_listed_and_on_can) {
  Harness h;
  h.step(max_cell(3660));
  ASSERT_TRUE(h.engine.acknowledge(Id::cell_high, h.now));
  h.step(max_cell(3660));
  const Alert& a = h.engine.alert(Id::cell_high);
  EXPECT_TRUE(a.active);
  EXPECT_TRUE(a.acknowledged);
  EXPECT_EQ(a.severity, Sev::alarm);
  EXPECT_GE(h.engine.active_count(), 1U);
  EXPECT_EQ(h.engine.last_alarms()[msg::AlarmItem::high_voltage], msg::AlarmLevel::alarm);
  EXPECT_FALSE(h.engine.acknowledge(Id::cell_high, h.now)) << "already acknowledged";
  EXPECT_FALSE(h.engine.acknowledge(Id::soc_low, h.now)) << "not active";
}

TEST(AlertEngine, GIVEN_acknowledged_alert_WHEN_cleared_and_raised_again_THEN_ack_reset) {
  Harness h;
  h.step(max_cell(3610));
  ASSERT_TRUE(h.engine.acknowledge(Id::cell_high, h.now));
  for (int i = 0; i < 7; ++i) h.step(max_cell(3300));
  ASSERT_FALSE(h.engine.alert(Id::cell_high).active);
  h.step(max_cell(3610));
  EXPECT_TRUE(h.engine.alert(Id::cell_high).active);
  EXPECT_FALSE(h.engine.alert(Id::cell_high).acknowledged);
}

TEST(AlertEngine, GIVEN_acknowledged_warning_WHEN_escalated_to_alarm_THEN_ack_reset) {
  Harness h;
  h.step(max_cell(3610));
  ASSERT_TRUE(h.engine.acknowledge(Id::cell_high, h.now));
  h.step(max_cell(3660));
  EXPECT_EQ(h.sev(Id::cell_high), Sev::alarm);
  EXPECT_FALSE(h.engine.alert(Id::cell_high).acknowledged);
  EXPECT_EQ(h.engine.log().at(h.engine.log().size() - 1).edge, Edge::changed);
}

TEST(AlertEngine, GIVEN_rule_values_WHEN_raised_THEN_message_names_value_threshold_and_unit) {
  struct Row {
    Id id;
    Snap snap;
    const char* expected;
  } rows[] = {
      {Id::cell_high, max_cell(3652), "cell 7 at 3.652 V above 3.650 V"},
      {Id::soc_low, soc(9.5), "SOC 9.5 % below 10 %"},
      {Id::imbalance, max_cell(3420), "cell spread 120 mV above 100 mV"},
  };
  for (const Row& r : rows) {
    Harness h;
    h.step(r.snap);
    EXPECT_EQ(h.text(r.id), r.expected);
    EXPECT_EQ(msg::message_text(h.engine.log().at(0).message).empty(), false);
  }
}

TEST(AlertEngine, GIVEN_cell_high_WHEN_raised_THEN_log_entry_has_value_threshold_and_key) {
  Harness h;
  h.step(max_cell(3652));
  const msg::AlertChanged& e = h.engine.log().at(0);
  EXPECT_EQ(msg::key(e.id), "cell_high");
  EXPECT_EQ(e.edge, Edge::raised);
  EXPECT_EQ(e.severity, Sev::alarm);
  EXPECT_FLOAT_EQ(e.value, 3652.0F);
  EXPECT_FLOAT_EQ(e.threshold, 3650.0F);
  EXPECT_EQ(e.raised_ms, h.now);
  EXPECT_EQ(e.seq, 1U);
}

TEST(AlertEngine, GIVEN_soc_values_WHEN_stepped_THEN_low_soc_with_band) {
  struct Row {
    std::vector<double> soc;
    Sev expected;
  } rows[] = {
      {{50}, Sev::none},     {{20}, Sev::warning},    {{9}, Sev::alarm},
      {{9, 11}, Sev::alarm}, {{9, 12.5}, Sev::alarm},  // cleared only after the delay
  };
  for (const Row& r : rows) {
    Harness h;
    for (const double v : r.soc) h.step(soc(v));
    EXPECT_EQ(h.sev(Id::soc_low), r.expected) << r.soc.back();
  }
}

TEST(AlertEngine, GIVEN_gateway_faults_WHEN_they_last_THEN_warning_then_alarm) {
  struct Row {
    Id id;
    GatewayHealth health;
    msg::LinkStatus link;
    int seconds;
    Sev expected;
  } rows[] = {
      {Id::can_bus_off, {false, true, true}, msg::LinkStatus::up, 1, Sev::none},
      {Id::can_bus_off, {false, true, true}, msg::LinkStatus::up, 2, Sev::warning},
      {Id::can_bus_off, {false, true, true}, msg::LinkStatus::up, 31, Sev::alarm},
      {Id::gx_not_seen, {true, false, true}, msg::LinkStatus::up, 61, Sev::warning},
      {Id::gx_not_seen, {true, false, true}, msg::LinkStatus::up, 3600, Sev::warning},
      {Id::storage, {true, true, false}, msg::LinkStatus::up, 1, Sev::warning},
      {Id::bms_link_lost, {}, msg::LinkStatus::lost, 1, Sev::warning},
      {Id::bms_link_lost, {}, msg::LinkStatus::lost, 61, Sev::alarm},
      {Id::bms_link_lost, {}, msg::LinkStatus::connecting, 10, Sev::none},
      {Id::bms_link_lost, {}, msg::LinkStatus::connecting, 20, Sev::warning},
  };
  for (const Row& r : rows) {
    Harness h;
    h.tick({}, msg::LinkStatus::up);  // the bad state starts at the next tick
    for (int i = 0; i < r.seconds + 1; ++i) h.tick(r.health, r.link);
    EXPECT_EQ(h.sev(r.id), r.expected) << msg::key(r.id) << " " << r.seconds << " s";
  }
}

TEST(AlertEngine, GIVEN_can_down_WHEN_alarm_THEN_message_has_duration) {
  Harness h;
  for (int i = 0; i < 32; ++i) h.tick({false, true, true});
  EXPECT_EQ(h.text(Id::can_bus_off), "CAN bus down for 31 s");
  h.tick({true, true, true});
  EXPECT_TRUE(h.engine.alert(Id::can_bus_off).active) << "clear delay";
  for (int i = 0; i < 6; ++i) h.tick({true, true, true});
  EXPECT_FALSE(h.engine.alert(Id::can_bus_off).active);
}

TEST(AlertEngine, GIVEN_bms_event_WHEN_added_THEN_logged_with_id_time_and_text) {
  Harness h;
  std::vector<msg::AlertChanged> seen;
  h.engine.set_listener(
      AlertEngine::Listener([&seen](const msg::AlertChanged& e) { seen.push_back(e); }));
  h.engine.add_bms_event({1'700'000'000, 0x02, "over-voltage cutoff"}, 5 * kSecond);
  ASSERT_EQ(h.engine.log().size(), 1U);
  const msg::AlertChanged& e = h.engine.log().at(0);
  EXPECT_EQ(e.edge, Edge::bms_event);
  EXPECT_EQ(e.id, Id::bms_event);
  EXPECT_EQ(e.bms_event_id, 0x02);
  EXPECT_EQ(e.bms_event_unix_s, 1'700'000'000);
  EXPECT_EQ(msg::message_text(e.message), "BMS event 0x02: over-voltage cutoff");
  EXPECT_EQ(h.engine.active_count(), 0U) << "events are history, not active alerts";
  ASSERT_EQ(seen.size(), 1U);
  EXPECT_EQ(seen[0].seq, e.seq);
}

TEST(AlertEngine, GIVEN_default_thresholds_WHEN_validated_THEN_ok_and_bad_order_refused) {
  EXPECT_TRUE(validate(AlertThresholds{}).ok());
  AlertThresholds t;
  t.soc_low_alarm_pct = 30.0F;
  EXPECT_FALSE(validate(t).ok());
  t = {};
  t.battery.raise_delay_ms = -1;
  EXPECT_FALSE(validate(t).ok());
}

}  // namespace
}  // namespace tbgw::alerts
