// AlertLog capacity and overflow, the seq-based edge queue, and no heap allocation in the
// alert engine's per-poll path (global operator new is counted in this binary).
#include "core/alerts/alert_log.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <memory>
#include <new>

#include "core/alerts/alert_engine.hpp"
#include "victron_test_support.hpp"

#include "unit/counting_new.hpp"

namespace tbgw::alerts {
namespace {

msg::AlertChanged entry(Millis at) {
  msg::AlertChanged e;
  e.stamp_ms = at;
  return e;
}

TEST(AlertLog, GIVEN_pushes_WHEN_counted_THEN_size_seq_and_dropped) {
  struct Row {
    std::size_t pushes;
    std::size_t size;
    std::uint64_t dropped;
    std::uint32_t oldest_seq;
  } rows[] = {
      {0, 0, 0, 0},
      {1, 1, 0, 1},
      {AlertLog::kCapacity, AlertLog::kCapacity, 0, 1},
      {AlertLog::kCapacity + 1, AlertLog::kCapacity, 1, 2},
      {3 * AlertLog::kCapacity + 7, AlertLog::kCapacity, 2 * AlertLog::kCapacity + 7,
       2 * AlertLog::kCapacity + 8},
  };
  for (const Row& r : rows) {
    auto log = std::make_unique<AlertLog>();
    for (std::size_t i = 0; i < r.pushes; ++i) log->push(entry(static_cast<Millis>(i)));
    EXPECT_EQ(log->size(), r.size) << r.pushes;
    EXPECT_EQ(log->dropped(), r.dropped) << r.pushes;
    EXPECT_EQ(log->last_seq(), r.pushes);
    if (r.size > 0) {
      EXPECT_EQ(log->at(0).seq, r.oldest_seq) << r.pushes;
    }
  }
}

TEST(AlertLog, GIVEN_reader_seq_WHEN_since_THEN_only_newer_entries_oldest_first) {
  auto log = std::make_unique<AlertLog>();
  for (int i = 0; i < 10; ++i) log->push(entry(i));
  std::array<msg::AlertChanged, 4> out{};
  ASSERT_EQ(log->since(7, out), 3U);
  EXPECT_EQ(out[0].seq, 8U);
  EXPECT_EQ(out[2].seq, 10U);
  EXPECT_EQ(log->since(0, out), 4U) << "as many as fit";
  EXPECT_EQ(out[0].seq, 1U);
  EXPECT_EQ(log->since(10, out), 0U);
}

TEST(AlertEngineAllocation, GIVEN_running_engine_WHEN_ten_thousand_cycles_THEN_no_heap) {
  auto engine = std::make_unique<AlertEngine>();
  engine->set_listener(AlertEngine::Listener([](const msg::AlertChanged&) {}));
  const tinybms::BmsSettings settings = victron::test::lfp_settings();
  msg::BatterySnapshot s = victron::test::healthy_snapshot();
  g_counting = true;
  for (int i = 0; i < 10'000; ++i) {
    const Millis now = static_cast<Millis>(i) * 1'000;
    s.cell_mv[3] = (i / 10) % 2 == 0 ? 3300.0F : 3660.0F;  // raise and clear over and over
    s.soc_pct = (i / 20) % 2 == 0 ? 50.0 : 5.0;
    (void)engine->on_snapshot(s, &settings, msg::LinkStatus::up, now);
    engine->tick({now, msg::LinkStatus::up, msg::LinkLossReason::none},
                 {(i / 40) % 2 == 0, true, true}, now);
    if (i % 7 == 0) (void)engine->acknowledge_all(now);
    if (i % 100 == 0) engine->add_bms_event({0, 0x05, "text"}, now);
  }
  g_counting = false;
  EXPECT_EQ(g_allocations, 0U);
  EXPECT_EQ(engine->log().size(), AlertLog::kCapacity);
  EXPECT_GT(engine->log().dropped(), 0U);
}

}  // namespace
}  // namespace tbgw::alerts
