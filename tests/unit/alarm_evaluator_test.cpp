// AlarmEvaluator: every rule's thresholds against the BMS settings, hysteresis and the clear
// delay (no flapping around a threshold), supported vs unsupported items, BMS fault status,
// link state, and the charging gate of the charge-temperature alarms.
#include "core/victron/alarm_evaluator.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>

#include "victron_test_support.hpp"

namespace tbgw::victron {
namespace {

using Item = msg::AlarmItem;
using Level = msg::AlarmLevel;
using Snap = msg::BatterySnapshot;

constexpr Millis kSecond = 1'000;

const char* name(Level l) {
  switch (l) {
    case Level::unsupported:
      return "unsupported";
    case Level::ok:
      return "ok";
    case Level::warning:
      return "warning";
    case Level::alarm:
      return "alarm";
  }
  return "?";
}

struct Harness {
  tinybms::BmsSettings settings = test::lfp_settings();
  AlarmEvaluator eval;
  Millis now = 0;

  msg::BatteryAlarms step(const Snap& s, msg::LinkStatus link = msg::LinkStatus::up) {
    now += kSecond;
    return eval.evaluate(s, &settings, link, now);
  }
};

Snap with_max_cell(float mv) {
  Snap s = test::healthy_snapshot();
  s.cell_mv[5] = mv;
  return s;
}

Snap with_min_cell(float mv) {
  Snap s = test::healthy_snapshot();
  s.cell_mv[2] = mv;
  return s;
}

TEST(AlarmEvaluator, GivenDefaultThresholds_WhenValidated_ThenAccepted) {
  EXPECT_TRUE(validate(AlarmThresholds{}).ok());
}

TEST(AlarmEvaluator, GivenInconsistentThresholds_WhenValidated_ThenRefusedWithTheReason) {
  struct Case {
    const char* name;
    std::function<void(AlarmThresholds&)> change;
    ThresholdError error;
  };
  const Case cases[] = {
      {"NaN margin", [](auto& t) { t.cell_high_warning_margin_mv = NAN; },
       ThresholdError::not_finite},
      {"inf low temperature", [](auto& t) { t.temp_low_alarm_c = -INFINITY; },
       ThresholdError::not_finite},
      {"negative hysteresis", [](auto& t) { t.cell_hysteresis_mv = -1.0F; },
       ThresholdError::negative},
      {"negative delay", [](auto& t) { t.clear_delay_ms = -1; }, ThresholdError::negative},
      {"alarm margin wider than warning", [](auto& t) { t.cell_high_alarm_margin_mv = 60.0F; },
       ThresholdError::warning_past_alarm},
      {"low temperature warning below alarm", [](auto& t) { t.temp_low_warning_c = -25.0F; },
       ThresholdError::warning_past_alarm},
      {"current warning above alarm", [](auto& t) { t.current_warning_pct = 110.0F; },
       ThresholdError::warning_past_alarm},
      {"imbalance warning above alarm", [](auto& t) { t.imbalance_warning_mv = 300.0F; },
       ThresholdError::warning_past_alarm},
  };
  for (const auto& c : cases) {
    AlarmThresholds t;
    c.change(t);
    const auto r = validate(t);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(r.error(), c.error) << c.name << ": " << to_string(r.error());
  }
}

TEST(AlarmEvaluator, GivenAHealthyPack_WhenEvaluated_ThenSupportedItemsOkOthersUnsupported) {
  Harness h;
  const auto a = h.step(test::healthy_snapshot());
  for (std::size_t i = 0; i < msg::BatteryAlarms::kItems; ++i) {
    const auto item = static_cast<Item>(i);
    const bool cannot_judge =
        item == Item::general || item == Item::contactor || item == Item::short_circuit;
    EXPECT_EQ(a[item], cannot_judge ? Level::unsupported : Level::ok) << i;
  }
  EXPECT_TRUE(a.online);
}

TEST(AlarmEvaluator, GivenNoSettingsYet_WhenEvaluated_ThenOnlyItemsThatNeedThemAreUnsupported) {
  AlarmEvaluator eval;
  const auto a = eval.evaluate(test::healthy_snapshot(), nullptr, msg::LinkStatus::up, 0);
  struct Case {
    Item item;
    Level level;
  };
  const Case cases[] = {{Item::high_voltage, Level::unsupported},
                        {Item::low_voltage, Level::unsupported},
                        {Item::high_temperature, Level::unsupported},
                        {Item::low_temperature, Level::ok},
                        {Item::high_charge_temperature, Level::ok},
                        {Item::low_charge_temperature, Level::unsupported},
                        {Item::high_discharge_current, Level::unsupported},
                        {Item::high_charge_current, Level::unsupported},
                        {Item::cell_imbalance, Level::ok},
                        {Item::bms_internal, Level::ok}};
  for (const auto& c : cases) {
    EXPECT_EQ(a[c.item], c.level) << static_cast<int>(c.item) << " got " << name(a[c.item]);
  }
}

TEST(AlarmEvaluator, GivenNoTemperatureSensor_WhenEvaluated_ThenTemperatureItemsUnsupported) {
  Harness h;
  Snap s = test::healthy_snapshot();
  s.temp_present = {false, false, false};
  const auto a = h.step(s);
  for (const Item i : {Item::high_temperature, Item::low_temperature, Item::high_charge_temperature,
                       Item::low_charge_temperature}) {
    EXPECT_EQ(a[i], Level::unsupported) << static_cast<int>(i);
  }
}

TEST(AlarmEvaluator, GivenValuesAroundEachThreshold_WhenEvaluated_ThenTheLevelOfTheRightItem) {
  // 16S LiFePO4: OV 3650 / UV 2800 mV, OC 200 A discharge / 100 A charge (reg 318 set below:
  // the shared pack allows 150 A), over-heat 60 degC, charge cutoff 0 degC.
  struct Case {
    const char* name;
    std::function<Snap()> snap;
    Item item;
    Level level;
  };
  const auto temps = [](float internal, float ext1, float current_a) {
    Snap s = test::healthy_snapshot();
    s.temps_c = {internal, ext1, 0.0F};
    s.pack_current_a = current_a;
    return s;
  };
  const auto current = [](float a) {
    Snap s = test::healthy_snapshot();
    s.pack_current_a = a;
    return s;
  };
  const auto pack = [](float v) {
    Snap s = test::healthy_snapshot();
    s.pack_voltage_v = v;
    return s;
  };
  const auto status = [](msg::OnlineStatus st, bool mismatch) {
    Snap s = test::healthy_snapshot();
    s.online_status = st;
    s.cell_count_mismatch = mismatch;
    return s;
  };
  const Case cases[] = {
      {"cell 3599 mV", [] { return with_max_cell(3599.0F); }, Item::high_voltage, Level::ok},
      {"cell 3600 mV", [] { return with_max_cell(3600.0F); }, Item::high_voltage, Level::warning},
      {"cell 3650 mV", [] { return with_max_cell(3650.0F); }, Item::high_voltage, Level::alarm},
      {"cell 2901 mV", [] { return with_min_cell(2901.0F); }, Item::low_voltage, Level::ok},
      {"cell 2900 mV", [] { return with_min_cell(2900.0F); }, Item::low_voltage, Level::warning},
      {"cell 2800 mV", [] { return with_min_cell(2800.0F); }, Item::low_voltage, Level::alarm},
      {"pack 57.5 V", [=] { return pack(57.5F); }, Item::high_voltage, Level::ok},
      {"pack 57.7 V", [=] { return pack(57.7F); }, Item::high_voltage, Level::warning},
      {"pack 58.4 V", [=] { return pack(58.4F); }, Item::high_voltage, Level::alarm},
      {"pack 46.5 V", [=] { return pack(46.5F); }, Item::low_voltage, Level::ok},
      {"pack 46.3 V", [=] { return pack(46.3F); }, Item::low_voltage, Level::warning},
      {"pack 44.8 V", [=] { return pack(44.8F); }, Item::low_voltage, Level::alarm},
      {"board 49 degC", [=] { return temps(49.0F, 25.0F, 0.0F); }, Item::high_temperature,
       Level::ok},
      {"board 50 degC", [=] { return temps(50.0F, 25.0F, 0.0F); }, Item::high_temperature,
       Level::warning},
      {"cells 60 degC", [=] { return temps(30.0F, 60.0F, 0.0F); }, Item::high_temperature,
       Level::alarm},
      {"cells -9 degC", [=] { return temps(30.0F, -9.0F, 0.0F); }, Item::low_temperature,
       Level::ok},
      {"cells -10 degC", [=] { return temps(30.0F, -10.0F, 0.0F); }, Item::low_temperature,
       Level::warning},
      {"cells -20 degC", [=] { return temps(30.0F, -20.0F, 0.0F); }, Item::low_temperature,
       Level::alarm},
      {"board -30 degC is not a cell", [=] { return temps(-30.0F, 20.0F, 0.0F); },
       Item::low_temperature, Level::ok},
      {"charging at 44 degC", [=] { return temps(30.0F, 44.0F, 10.0F); },
       Item::high_charge_temperature, Level::ok},
      {"charging at 45 degC", [=] { return temps(30.0F, 45.0F, 10.0F); },
       Item::high_charge_temperature, Level::warning},
      {"charging at 50 degC", [=] { return temps(30.0F, 50.0F, 10.0F); },
       Item::high_charge_temperature, Level::alarm},
      {"discharging at 50 degC", [=] { return temps(30.0F, 50.0F, -10.0F); },
       Item::high_charge_temperature, Level::warning},
      {"cells 3.5 degC", [=] { return temps(30.0F, 3.5F, 10.0F); }, Item::low_charge_temperature,
       Level::ok},
      {"cells 3 degC", [=] { return temps(30.0F, 3.0F, 10.0F); }, Item::low_charge_temperature,
       Level::warning},
      {"idle at -1 degC", [=] { return temps(30.0F, -1.0F, 0.0F); }, Item::low_charge_temperature,
       Level::warning},
      {"charging at -1 degC", [=] { return temps(30.0F, -1.0F, 5.0F); },
       Item::low_charge_temperature, Level::alarm},
      {"discharge 159 A", [=] { return current(-159.0F); }, Item::high_discharge_current,
       Level::ok},
      {"discharge 160 A", [=] { return current(-160.0F); }, Item::high_discharge_current,
       Level::warning},
      {"discharge 200 A", [=] { return current(-200.0F); }, Item::high_discharge_current,
       Level::alarm},
      {"charge 160 A is no discharge", [=] { return current(160.0F); },
       Item::high_discharge_current, Level::ok},
      {"charge 79 A", [=] { return current(79.0F); }, Item::high_charge_current, Level::ok},
      {"charge 80 A", [=] { return current(80.0F); }, Item::high_charge_current, Level::warning},
      {"charge 100 A", [=] { return current(100.0F); }, Item::high_charge_current, Level::alarm},
      {"spread 99 mV", [] { return with_max_cell(3399.0F); }, Item::cell_imbalance, Level::ok},
      {"spread 100 mV", [] { return with_max_cell(3400.0F); }, Item::cell_imbalance,
       Level::warning},
      {"spread 200 mV", [] { return with_min_cell(3100.0F); }, Item::cell_imbalance, Level::alarm},
      {"status fault", [=] { return status(msg::OnlineStatus::fault, false); }, Item::bms_internal,
       Level::alarm},
      {"status unknown", [=] { return status(msg::OnlineStatus::unknown, false); },
       Item::bms_internal, Level::warning},
      {"cell count mismatch", [=] { return status(msg::OnlineStatus::idle, true); },
       Item::bms_internal, Level::warning},
      {"status idle", [=] { return status(msg::OnlineStatus::idle, false); }, Item::bms_internal,
       Level::ok},
  };
  for (const auto& c : cases) {
    Harness h;
    h.settings.charge_over_current_a = 100;
    const auto a = h.step(c.snap());
    EXPECT_EQ(a[c.item], c.level) << c.name << ": got " << name(a[c.item]);
  }
}

TEST(AlarmEvaluator, GivenPackVoltageAndPerCellCutoff_WhenEvaluated_ThenComparedAtPackLevel) {
  // §7 item 2: the ESP32 gateway compared a 53 V pack with the 3.65 V cell cutoff and raised a
  // permanent high-voltage alarm. Pack limits are series cells x the cell cutoff.
  Harness h;
  Snap s = test::healthy_snapshot();
  s.pack_voltage_v = 53.0F;
  EXPECT_EQ(h.step(s)[Item::high_voltage], Level::ok);
  const auto& pack = h.eval.rule_status()[static_cast<std::size_t>(AlarmRuleId::pack_high)];
  EXPECT_EQ(pack.name, "pack_high");
  EXPECT_TRUE(pack.judged);
  EXPECT_NEAR(static_cast<double>(pack.warning), 57.6, 1e-4);
  EXPECT_NEAR(static_cast<double>(pack.alarm), 58.4, 1e-4);
}

TEST(AlarmEvaluator, GivenAValueHoveringAtTheWarningThreshold_WhenEvaluated_ThenNoFlapping) {
  Harness h;
  int changes = 0;
  Level last = Level::ok;
  for (int i = 0; i < 300; ++i) {
    const float mv = (i % 2 == 0) ? 3605.0F : 3595.0F;  // +-5 mV around 3600
    const Level l = h.step(with_max_cell(mv))[Item::high_voltage];
    changes += l != last ? 1 : 0;
    last = l;
  }
  EXPECT_EQ(changes, 1);  // ok -> warning once, then held
  EXPECT_EQ(last, Level::warning);
}

TEST(AlarmEvaluator, GivenNoiseWiderThanTheBand_WhenItReturnsWithinTheDelay_ThenNoFlapping) {
  Harness h;
  int changes = 0;
  Level last = Level::ok;
  for (int i = 0; i < 300; ++i) {
    const float mv = (i % 4 == 0) ? 3602.0F : 3500.0F;  // back above every 4 s (delay 5 s)
    const Level l = h.step(with_max_cell(mv))[Item::high_voltage];
    changes += l != last ? 1 : 0;
    last = l;
  }
  EXPECT_EQ(changes, 1);
}

TEST(AlarmEvaluator, GivenARaisedWarning_WhenTheValueLeavesTheBand_ThenClearsAfterTheDelayExactly) {
  Harness h;
  ASSERT_EQ(h.step(with_max_cell(3600.0F))[Item::high_voltage], Level::warning);
  // Inside the band (>= 3580 mV): held however long.
  for (int i = 0; i < 60; ++i) {
    ASSERT_EQ(h.step(with_max_cell(3581.0F))[Item::high_voltage], Level::warning) << i;
  }
  const Snap below = with_max_cell(3570.0F);
  const Millis left = h.now + kSecond;
  ASSERT_EQ(h.step(below)[Item::high_voltage], Level::warning);
  EXPECT_EQ(
      h.eval.evaluate(below, &h.settings, msg::LinkStatus::up, left + 4'999)[Item::high_voltage],
      Level::warning);
  EXPECT_EQ(
      h.eval.evaluate(below, &h.settings, msg::LinkStatus::up, left + 5'000)[Item::high_voltage],
      Level::ok);
}

TEST(AlarmEvaluator, GivenAnAlarm_WhenTheValueFallsIntoTheWarningBand_ThenStepsDownOneLevel) {
  Harness h;
  ASSERT_EQ(h.step(with_max_cell(3660.0F))[Item::high_voltage], Level::alarm);
  Level l = Level::alarm;
  for (int i = 0; i < 10; ++i) l = h.step(with_max_cell(3610.0F))[Item::high_voltage];
  EXPECT_EQ(l, Level::warning);
  for (int i = 0; i < 10; ++i) l = h.step(with_max_cell(3300.0F))[Item::high_voltage];
  EXPECT_EQ(l, Level::ok);
}

TEST(AlarmEvaluator, GivenALowValueHoveringAtItsThreshold_WhenEvaluated_ThenNoFlapping) {
  Harness h;
  int changes = 0;
  Level last = Level::ok;
  for (int i = 0; i < 300; ++i) {
    const float mv = (i % 2 == 0) ? 2895.0F : 2905.0F;
    const Level l = h.step(with_min_cell(mv))[Item::low_voltage];
    changes += l != last ? 1 : 0;
    last = l;
  }
  EXPECT_EQ(changes, 1);
  EXPECT_EQ(last, Level::warning);
}

TEST(AlarmEvaluator, GivenColdCellsAndACurrentHoveringAtTheChargingGate_WhenEvaluated_ThenStable) {
  Harness h;
  Snap s = test::healthy_snapshot();
  s.temps_c = {30.0F, -1.0F, 0.0F};
  s.pack_current_a = 1.2F;
  ASSERT_EQ(h.step(s)[Item::low_charge_temperature], Level::alarm);
  EXPECT_TRUE(h.eval.charging());
  for (int i = 0; i < 100; ++i) {
    s.pack_current_a = (i % 2 == 0) ? 0.8F : 1.2F;  // never below 1.0 - 0.5 A
    ASSERT_EQ(h.step(s)[Item::low_charge_temperature], Level::alarm) << i;
  }
  s.pack_current_a = 0.0F;  // charging stopped: the alarm steps down to a warning
  Level l = Level::alarm;
  for (int i = 0; i < 10; ++i) l = h.step(s)[Item::low_charge_temperature];
  EXPECT_FALSE(h.eval.charging());
  EXPECT_EQ(l, Level::warning);
}

TEST(AlarmEvaluator, GivenABmsFault_WhenItGoesAway_ThenAlarmThenOkAfterTheDelay) {
  Harness h;
  Snap s = test::healthy_snapshot();
  s.online_status = msg::OnlineStatus::fault;
  EXPECT_EQ(h.step(s)[Item::bms_internal], Level::alarm);
  s.online_status = msg::OnlineStatus::idle;
  EXPECT_EQ(h.step(s)[Item::bms_internal], Level::alarm);
  Level l = Level::alarm;
  for (int i = 0; i < 5; ++i) l = h.step(s)[Item::bms_internal];
  EXPECT_EQ(l, Level::ok);
}

TEST(AlarmEvaluator, GivenTheLinkState_WhenEvaluated_ThenOnlineFlagAndLostLinkWarning) {
  struct Case {
    msg::LinkStatus link;
    bool online;
    Level bms_internal;
  };
  const Case cases[] = {{msg::LinkStatus::up, true, Level::ok},
                        {msg::LinkStatus::connecting, false, Level::ok},
                        {msg::LinkStatus::lost, false, Level::warning}};
  for (const auto& c : cases) {
    Harness h;
    const auto a = h.step(test::healthy_snapshot(), c.link);
    EXPECT_EQ(a.online, c.online) << msg::to_string(c.link);
    EXPECT_EQ(a[Item::bms_internal], c.bms_internal) << msg::to_string(c.link);
  }
}

TEST(AlarmEvaluator, GivenRaisedLevels_WhenReset_ThenEverythingStartsOk) {
  Harness h;
  ASSERT_EQ(h.step(with_max_cell(3660.0F))[Item::high_voltage], Level::alarm);
  h.eval.reset();
  EXPECT_EQ(h.step(test::healthy_snapshot())[Item::high_voltage], Level::ok);
}

TEST(AlarmEvaluator, GivenAnEvaluation_WhenRuleStatusRead_ThenEveryRuleNamedWithItsValues) {
  Harness h;
  (void)h.step(with_max_cell(3610.0F));
  const auto& rules = h.eval.rule_status();
  const auto& cell = rules[static_cast<std::size_t>(AlarmRuleId::cell_high)];
  EXPECT_EQ(cell.name, "cell_high");
  EXPECT_EQ(cell.item, Item::high_voltage);
  EXPECT_EQ(cell.level, Level::warning);
  EXPECT_FLOAT_EQ(cell.value, 3610.0F);
  EXPECT_FLOAT_EQ(cell.warning, 3600.0F);
  EXPECT_FLOAT_EQ(cell.alarm, 3650.0F);
  for (const auto& r : rules) EXPECT_FALSE(r.name.empty());
}

}  // namespace
}  // namespace tbgw::victron
