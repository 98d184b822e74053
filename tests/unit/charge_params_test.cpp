// ChargeParams::validate (every bad field reported) and the reason text formatting
// (ReasonWriter: rounding, durations, truncation).
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>

#include "unit/charge_fixtures.hpp"

namespace tbgw::control::test {
namespace {

TEST(ChargeParamsCheck, GIVEN_defaults_WHEN_validated_THEN_no_issue) {
  EXPECT_TRUE(ChargeParams{}.validate().ok());
}

// 0 = from the BMS: no range issue, and no cross-check against a value the profile derives.
TEST(ChargeParamsCheck, GIVEN_auto_cell_voltages_WHEN_validated_THEN_no_cross_issue) {
  ChargeParams p;
  p.float_cell_mv = 3600.0F;  // absorption stays 0 (from the BMS)
  p.dvl_cell_mv = 3000.0F;    // the CVL floor stays 0
  EXPECT_TRUE(p.validate().ok());
  p.float_cell_mv = 0.0F;
  p.absorption_cell_mv = 500.0F;  // neither 0 nor a cell voltage
  ASSERT_EQ(p.validate().count, 1U);
  EXPECT_EQ(p.validate().issues[0].field, "absorption_cell_mv");
}

TEST(ChargeParamsCheck, GIVEN_several_bad_fields_WHEN_validated_THEN_every_one_is_reported) {
  ChargeParams p;
  p.absorption_cell_mv = 3450.0F;                // set by the owner (0 would be "from the BMS")
  p.float_cell_mv = 3600.0F;                     // above absorption
  p.ccl_max_a = 0.0F;                            // out of range
  p.stale_timeout_ms = 0;                        // out of range
  p.dcl_by_min_cell_mv.points[0].factor = 0.0F;  // DCL 0 from a table
  p.ccl_by_temp_c.points[3].x = 1.0F;            // not ascending
  p.cvl_rise_cell_mv_per_min = std::nanf("");
  const ParamCheck c = p.validate();
  std::string fields;
  for (std::size_t i = 0; i < c.count; ++i) fields += std::string(c.issues[i].field) + " ";
  EXPECT_EQ(fields,
            "float_cell_mv cvl_rise_cell_mv_per_min ccl_max_a dcl_by_min_cell_mv ccl_by_temp_c "
            "stale_timeout_ms ");
}

TEST(ChargeParamsCheck, GIVEN_invalid_params_WHEN_updated_THEN_decision_invalid_naming_the_field) {
  ChargeParams p;
  p.ccl_max_a = -5.0F;
  ChargeController controller(p);
  const msg::ChargeDecision d = controller.update(Pack{}.at(kT0), factory_settings(), kT0);
  EXPECT_FALSE(d.valid);
  EXPECT_EQ(text(d.ccl_reason), "charge parameters invalid: ccl_max_a outside 0.1-2000 A");
}

TEST(ChargeReasonText, GIVEN_numbers_and_durations_WHEN_written_THEN_rounded_as_people_read_them) {
  const struct {
    std::function<void(ReasonWriter&)> write;
    const char* expected;
  } cases[] = {
      {[](ReasonWriter& w) { w.number(40.1F, 2); }, "40.10"},
      {[](ReasonWriter& w) { w.number(-0.04F, 1); }, "0.0"},
      {[](ReasonWriter& w) { w.number(-2.25F, 1); }, "-2.3"},
      {[](ReasonWriter& w) { w.cell_volts(3519.96F); }, "3.520 V"},
      {[](ReasonWriter& w) { w.number(std::nanf(""), 1); }, "?"},
      {[](ReasonWriter& w) { w.duration(45 * kSecond); }, "45 s"},
      {[](ReasonWriter& w) { w.duration(12 * kMinute + 59 * kSecond); }, "12 min"},
      {[](ReasonWriter& w) { w.duration(185 * kMinute); }, "3 h 05 min"},
  };
  for (const auto& c : cases) {
    msg::ChargeDecision::Reason r{};
    ReasonWriter w(r);
    c.write(w);
    EXPECT_EQ(text(r), c.expected);
  }
  msg::ChargeDecision::Reason r{};
  ReasonWriter(r).text(std::string(200, 'x'));
  EXPECT_EQ(text(r).size(), r.size() - 1) << "cut at the buffer, NUL kept";
}

}  // namespace
}  // namespace tbgw::control::test
