// The 0x35A image of the alert engine is exactly the old AlarmEvaluator's (the engine owns that
// table): scripted snapshot sequences through both, compared item by item at every step.
#include <gtest/gtest.h>

#include <random>

#include "core/alerts/alert_engine.hpp"
#include "core/victron/alarm_evaluator.hpp"
#include "victron_test_support.hpp"

namespace tbgw::alerts {
namespace {

TEST(AlertCanMapping, GIVEN_random_walk_WHEN_evaluated_by_both_THEN_same_0x35A_every_step) {
  constexpr unsigned kSeed = 20240611;
  SCOPED_TRACE(::testing::Message() << "seed " << kSeed);
  std::mt19937 rng(kSeed);
  std::uniform_real_distribution<float> cell(2700.0F, 3750.0F);
  std::uniform_real_distribution<float> temp(-30.0F, 70.0F);
  std::uniform_real_distribution<float> current(-250.0F, 250.0F);
  std::uniform_int_distribution<int> pick(0, 9);
  const tinybms::BmsSettings settings = victron::test::lfp_settings();
  victron::AlarmEvaluator evaluator;
  AlertEngine engine;
  msg::BatterySnapshot s = victron::test::healthy_snapshot();
  for (int step = 0; step < 5'000; ++step) {
    const Millis now = static_cast<Millis>(step) * 700;
    switch (pick(rng)) {
      case 0:
        s.cell_mv[static_cast<std::size_t>(step % 16)] = cell(rng);
        break;
      case 1:
        s.temps_c[1] = temp(rng);
        break;
      case 2:
        s.pack_current_a = current(rng);
        break;
      case 3:
        s.pack_voltage_v = cell(rng) * 16.0F / 1000.0F;
        break;
      case 4:
        s.online_status = step % 3 == 0 ? msg::OnlineStatus::fault : msg::OnlineStatus::idle;
        break;
      case 5:
        s = victron::test::healthy_snapshot();
        break;
      default:
        break;
    }
    const msg::LinkStatus link = step % 97 == 0 ? msg::LinkStatus::lost : msg::LinkStatus::up;
    const tinybms::BmsSettings* st = step % 211 == 0 ? nullptr : &settings;
    const msg::BatteryAlarms a = evaluator.evaluate(s, st, link, now);
    const msg::BatteryAlarms b = engine.on_snapshot(s, st, link, now);
    ASSERT_EQ(a.level, b.level) << "step " << step;
    ASSERT_EQ(a.online, b.online) << "step " << step;
    // Every active battery alert is the level of its rule.
    for (std::size_t i = 0; i < victron::AlarmEvaluator::kRules; ++i) {
      const msg::AlarmLevel l = evaluator.rule_status()[i].level;
      const msg::AlertSeverity sev = engine.alerts()[i].severity;
      const msg::AlertSeverity want = l == msg::AlarmLevel::alarm     ? msg::AlertSeverity::alarm
                                      : l == msg::AlarmLevel::warning ? msg::AlertSeverity::warning
                                                                      : msg::AlertSeverity::none;
      ASSERT_EQ(sev, want) << "step " << step << " rule " << i;
    }
  }
}

}  // namespace
}  // namespace tbgw::alerts
