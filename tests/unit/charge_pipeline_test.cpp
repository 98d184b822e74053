// ChargePipeline (core/control/charge_pipeline.hpp): the one place the encoder's inputs are
// assembled. on_snapshot() encodes each snapshot; tick() applies the stale policy and, while it
// holds the limits, returns frames re-encoded from the copies of the last snapshot, settings and
// energy it keeps, with 0x35A saying the data is not live. Fake clock.
#include "core/control/charge_pipeline.hpp"

#include <gtest/gtest.h>

#include "unit/charge_fixtures.hpp"

namespace tbgw::control::test {
namespace {

ChargeParams hold_safe() {
  ChargeParams p;
  p.stale_policy = StalePolicy::hold_safe;
  return p;
}

// Snapshots once a second for `duration_ms`; returns the last output.
PipelineOutput feed(ChargePipeline& pipeline, const tinybms::BmsSettings* settings, Millis from,
                    Millis duration_ms, const victron::EnergyTotals& energy = {}) {
  PipelineOutput out;
  for (Millis t = from; t <= from + duration_ms; t += kSecond) {
    out = pipeline.on_snapshot(Pack{}.at(t), settings, msg::LinkStatus::up, energy, t);
  }
  return out;
}

const victron::CanFrame* find(const victron::FrameSet& set, std::uint32_t id) {
  return set.find(id);
}

TEST(ChargePipeline, GIVEN_a_snapshot_with_settings_WHEN_fed_THEN_decision_alarms_and_frames) {
  ChargePipeline pipeline(ChargeParams{}, alerts::AlertThresholds{}, victron::EncoderIdentity{});
  const tinybms::BmsSettings settings = factory_settings();
  const PipelineOutput out = feed(pipeline, &settings, kT0, 0);
  ASSERT_TRUE(out.decision.valid);
  EXPECT_FALSE(out.encode_failed);
  ASSERT_GT(out.frames.count, 0U);
  EXPECT_EQ(out.frames.frames[0].id, 0x351U);
  EXPECT_TRUE(out.alarms.online);
}

TEST(ChargePipeline, GIVEN_no_settings_WHEN_fed_THEN_no_frames_and_tick_has_nothing_to_encode) {
  ChargePipeline pipeline(hold_safe(), alerts::AlertThresholds{}, victron::EncoderIdentity{});
  const PipelineOutput out = feed(pipeline, nullptr, kT0, 0);
  EXPECT_FALSE(out.decision.valid);
  EXPECT_EQ(out.frames.count, 0U);
  const PipelineOutput t = pipeline.tick(kT0 + kSecond);
  EXPECT_FALSE(t.from_snapshot);
  EXPECT_EQ(t.frames.count, 0U);
}

TEST(ChargePipeline, GIVEN_fresh_data_WHEN_ticked_THEN_the_same_frames_as_the_snapshot) {
  ChargePipeline pipeline(hold_safe(), alerts::AlertThresholds{}, victron::EncoderIdentity{});
  const tinybms::BmsSettings settings = factory_settings();
  const PipelineOutput snap = feed(pipeline, &settings, kT0, 10 * kMinute, {1234.0, 567.0});
  const Millis last = kT0 + 10 * kMinute;
  const PipelineOutput t = pipeline.tick(last + 500);
  ASSERT_TRUE(t.decision.valid);
  EXPECT_FALSE(t.held);
  EXPECT_TRUE(t.from_snapshot);
  ASSERT_EQ(t.frames.count, snap.frames.count);
  for (std::size_t i = 0; i < t.frames.count; ++i) {
    EXPECT_EQ(t.frames.frames[i].id, snap.frames.frames[i].id) << i;
    EXPECT_EQ(t.frames.frames[i].data, snap.frames.frames[i].data) << i;
  }
}

TEST(ChargePipeline, GIVEN_hold_safe_WHEN_data_goes_stale_THEN_tick_encodes_the_held_limits) {
  ChargePipeline pipeline(hold_safe(), alerts::AlertThresholds{}, victron::EncoderIdentity{});
  const tinybms::BmsSettings settings = factory_settings();
  const PipelineOutput snap = feed(pipeline, &settings, kT0, 10 * kMinute, {1234.0, 567.0});
  ASSERT_EQ(snap.decision.ccl_a, 100.0F);
  const Millis last = kT0 + 10 * kMinute;

  const PipelineOutput held = pipeline.tick(last + 6 * kSecond);
  ASSERT_TRUE(held.decision.valid);
  EXPECT_TRUE(held.held);
  EXPECT_TRUE(held.from_snapshot);
  EXPECT_EQ(held.decision.ccl_a, 0.0F);
  // 0x35A says offline, the BMS-internal item warns; the last snapshot's other frames stay.
  EXPECT_FALSE(held.alarms.online);
  EXPECT_EQ(held.alarms[msg::AlarmItem::bms_internal], msg::AlarmLevel::warning);
  const victron::CanFrame* limits = find(held.frames, 0x351);
  ASSERT_NE(limits, nullptr);
  EXPECT_EQ(limits->data[2], 0U);  // CCL (bytes 2-3, 0.1 A) = 0
  EXPECT_EQ(limits->data[3], 0U);
  const victron::CanFrame* alarms = find(held.frames, 0x35A);
  ASSERT_NE(alarms, nullptr);
  EXPECT_NE(alarms->data, find(snap.frames, 0x35A)->data) << "offline, not the snapshot's all fine";
  EXPECT_EQ(find(held.frames, 0x378)->data, find(snap.frames, 0x378)->data)
      << "energy totals from the last snapshot";
  EXPECT_EQ(find(held.frames, 0x355)->data, find(snap.frames, 0x355)->data);

  // Past the hold time: invalid, nothing to send.
  const PipelineOutput over = pipeline.tick(last + 20 * kMinute);
  EXPECT_FALSE(over.decision.valid);
  EXPECT_EQ(over.frames.count, 0U);
}

}  // namespace
}  // namespace tbgw::control::test
