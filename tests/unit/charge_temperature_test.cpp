// Which sensor stands for the cells' temperature (pack_facts.hpp, issue 17): without an external
// sensor the BMS board's own sensor is used only with a margin on the cold side, so a board
// warmed by its FETs cannot let a cold pack charge; the owner may choose the source.
#include <gtest/gtest.h>

#include "charge_fixtures.hpp"

namespace tbgw::control::test {
namespace {

// A pack with only the board sensor (no external sensors fitted), board at `board_c`.
Pack board_only(float board_c) {
  Pack p;
  p.temp_c = board_c - 3.0F;  // Pack puts the board sensor 3 degC above temp_c
  p.temps_present = true;
  return p;
}

msg::ChargeDecision run(const ChargeParams& params, const Pack& pack, bool externals) {
  ChargeController controller(params);
  Drive drive{controller};
  msg::BatterySnapshot last;
  msg::ChargeDecision d;
  for (int i = 0; i < 60; ++i) {
    drive.now += kSecond;
    msg::BatterySnapshot s = pack.at(drive.now);
    s.temp_present[msg::BatterySnapshot::kTempExternal1] = externals;
    s.temp_present[msg::BatterySnapshot::kTempExternal2] = externals;
    d = controller.update(s, drive.settings, drive.now);
  }
  return d;
}

TEST(ChargeTemperature,
     GIVEN_only_the_board_sensor_WHEN_it_reads_warm_but_the_margin_says_cold_THEN_blocked) {
  // Board at 8 degC: the cells stand at 8 - 5 = 3 degC, below reg 320 (0) + 5 degC.
  const msg::ChargeDecision d = run(ChargeParams{}, board_only(8.0F), false);
  ASSERT_TRUE(d.valid);
  EXPECT_EQ(d.ccl_a, 0.0F);
  EXPECT_EQ(d.phase, msg::ChargePhase::blocked);
  EXPECT_TRUE(contains(d.ccl_reason, "cells too cold (board sensor - 5 = 3.0"));
  EXPECT_LE(d.cvl_v, d.pack_v + 1e-3F) << "CCL 0: CVL at the pack";
}

TEST(ChargeTemperature,
     GIVEN_only_the_board_sensor_WHEN_warm_enough_with_the_margin_THEN_it_charges) {
  const msg::ChargeDecision d = run(ChargeParams{}, board_only(25.0F), false);
  ASSERT_TRUE(d.valid);
  EXPECT_GT(d.ccl_a, 0.0F);
}

TEST(ChargeTemperature, GIVEN_a_larger_margin_WHEN_configured_THEN_the_block_starts_warmer) {
  ChargeParams p;
  p.board_temp_margin_c = 15.0F;
  const msg::ChargeDecision d = run(p, board_only(15.0F), false);  // stands for 0 degC
  EXPECT_EQ(d.ccl_a, 0.0F);
}

TEST(ChargeTemperature, GIVEN_source_external_WHEN_no_external_sensor_THEN_no_cell_reading_blocks) {
  ChargeParams p;
  p.cell_temp_source = CellTempSource::external;
  const msg::ChargeDecision d = run(p, board_only(25.0F), false);
  ASSERT_TRUE(d.valid);
  EXPECT_EQ(d.ccl_a, 0.0F);
  EXPECT_TRUE(contains(d.ccl_reason, "no cell temperature reading"));
}

TEST(ChargeTemperature,
     GIVEN_source_board_WHEN_external_sensors_read_warm_THEN_the_board_estimate_rules) {
  ChargeParams p;
  p.cell_temp_source = CellTempSource::board;
  Pack pack = board_only(8.0F);  // externals at 5 degC would allow charging (>= 0 + 5)
  const msg::ChargeDecision d = run(p, pack, true);
  EXPECT_EQ(d.ccl_a, 0.0F) << "board 8 - 5 = 3 degC stands for the cells";
  const msg::ChargeDecision automatic = run(ChargeParams{}, pack, true);
  EXPECT_GT(automatic.ccl_a, 0.0F) << "auto uses the external sensors when fitted";
}

TEST(ChargeTemperature,
     GIVEN_the_board_sensor_WHEN_hot_THEN_its_own_reading_counts_not_the_estimate) {
  // Board at 57 degC: the estimate (52) is under the hot block (reg 319 60 - 5 = 55), the board
  // itself is over it: the warmer reading decides on the hot side.
  const msg::ChargeDecision d = run(ChargeParams{}, board_only(57.0F), false);
  EXPECT_EQ(d.ccl_a, 0.0F);
  EXPECT_TRUE(contains(d.ccl_reason, "cells too hot")) << text(d.ccl_reason);
}

}  // namespace
}  // namespace tbgw::control::test
