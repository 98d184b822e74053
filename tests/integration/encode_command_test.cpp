// `tinybms-gw encode`: a battery state as JSON in, the CAN frames out in candump format with a
// decoded comment line each; bad input gets a clear error and exit 2.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "integration/process.hpp"

namespace tbgw::test {
namespace {

using namespace std::chrono_literals;

std::string run_encode(const std::string& input, int& exit_code, std::string& err) {
  Process p({TBGW_GW_BIN, "encode"});
  p.write_line(input);
  p.close_stdin();
  std::string out;
  while (auto line = p.read_line(20s)) out += *line + "\n";
  exit_code = p.wait();
  err = p.stderr_text();
  return out;
}

TEST(EncodeCommand, GivenSixteenCellState_WhenEncoded_ThenPackLimitsAndDecodedComments) {
  const std::string state =
      R"({"cell_mv":[3300,3301,3302,3303,3304,3305,3306,3307,3308,3309,3310,3311,3312,3313,3314,3315],)"
      R"("pack_current_a":-12.5,"soc_pct":61.5,"temp_internal_c":25,"temp_external1_c":24})";
  int code = -1;
  std::string err;
  const std::string out = run_encode(state, code, err);
  EXPECT_EQ(code, 0) << err;
  // Absorption 3.45 V/cell x 16 = 55.2 V = 0x0228; DVL 2.9 V x 16 = 46.4 V = 0x01D0.
  EXPECT_NE(out.find("can0 351#2802"), std::string::npos) << out;
  EXPECT_NE(out.find("# 0x351 CVL 55.20 V"), std::string::npos) << out;
  EXPECT_NE(out.find("DVL 46.40 V"), std::string::npos) << out;
  EXPECT_NE(out.find("# 0x356 voltage 52.92 V current -12.5 A"), std::string::npos) << out;
  EXPECT_NE(out.find("# 0x355 SOC 62 %"), std::string::npos) << out;
  EXPECT_NE(out.find("# CVL:"), std::string::npos) << "the reason of each limit is printed";
}

// Issue 17, measured on 7a0cc31: the real 14S Li-ion unit got CVL 48.3 V (LiFePO4's 3.45 V x 14)
// and CCL 0. The profile follows the BMS: absorption 4.100 V x 14 = 57.40 V.
TEST(EncodeCommand, GivenTheReal14sLiIonUnit_WhenEncoded_ThenLimitsFollowItsOwnSettings) {
  const std::string state =
      R"({"cell_mv":[3984,3984,3984,3984,3984,3984,3984,3984,3984,3984,3984,3984,3984,3984],)"
      R"("pack_current_a":0,"soc_pct":83.55,"temp_internal_c":25,"temp_external1_c":null,)"
      R"("temp_external2_c":null,"settings":{"series_cells":14,"fully_charged_cell_mv":4150,)"
      R"("fully_discharged_cell_mv":3000,"early_balancing_cell_mv":3200,)"
      R"("over_voltage_cutoff_cell_mv":4200,"under_voltage_cutoff_cell_mv":2900,)"
      R"("capacity_ah":66,"charge_over_current_a":20,"discharge_over_current_a":60,)"
      R"("over_heat_cutoff_c":60,"low_temp_charge_cutoff_c":1}})";
  int code = -1;
  std::string err;
  const std::string out = run_encode(state, code, err);
  ASSERT_EQ(code, 0) << out << err;
  EXPECT_NE(out.find("# charge profile: Li-ion from the BMS (fully charged 4.150 V/cell): "
                     "absorption 4.100 V/cell x 14 = 57.40 V"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("no cell sensor: the BMS board temperature with a 5"), std::string::npos)
      << out;
  const auto at = out.find("# 0x351 CVL ");
  ASSERT_NE(at, std::string::npos) << out;
  float cvl = 0.0F;
  float ccl = 0.0F;
  ASSERT_EQ(std::sscanf(out.c_str() + at, "# 0x351 CVL %f V CCL %f A", &cvl, &ccl), 2) << out;
  EXPECT_GE(cvl, 14 * 3.95F) << out;
  EXPECT_LE(cvl, 14 * 4.20F) << out;
  EXPECT_GT(ccl, 0.0F) << out;
  EXPECT_LE(ccl, 20.0F) << out;
}

// 16S LTO, cutoffs 2.800 / 1.800 V: the encoder refused the decision (dvl_above_cvl) on 7a0cc31.
TEST(EncodeCommand, GivenAnLtoPack_WhenEncoded_ThenFramesWithDvlBelowCvl) {
  const std::string state =
      R"({"cell_mv":[2400,2400,2400,2400,2400,2400,2400,2400,2400,2400,2400,2400,2400,2400,2400,)"
      R"(2400],"pack_current_a":0,"soc_pct":50,"temp_internal_c":20,"temp_external1_c":18,)"
      R"("settings":{"fully_charged_cell_mv":2700,"fully_discharged_cell_mv":2000,)"
      R"("early_balancing_cell_mv":2500,"over_voltage_cutoff_cell_mv":2800,)"
      R"("under_voltage_cutoff_cell_mv":1800,"low_temp_charge_cutoff_c":-20}})";
  int code = -1;
  std::string err;
  const std::string out = run_encode(state, code, err);
  ASSERT_EQ(code, 0) << out << err;
  EXPECT_NE(out.find("# charge profile: LTO from the BMS"), std::string::npos) << out;
  // Absorption 2.650 V x 16 = 42.4 V; DVL 2.000 V x 16 = 32.0 V.
  EXPECT_NE(out.find("# 0x351 CVL 42.40 V"), std::string::npos) << out;
  EXPECT_NE(out.find("DVL 32.00 V"), std::string::npos) << out;
}

// Reg 320 at -10 degC, cells at -3 degC: the temperature table zeroes CCL; CVL must not stay at
// absorption (an MPPT feeding in PV would go on charging a frozen pack).
TEST(EncodeCommand, GivenColdCellsAboveTheBmsCutoff_WhenEncoded_ThenCclZeroAndCvlAtThePack) {
  const std::string state =
      R"({"cell_mv":[3325,3325,3325,3325,3325,3325,3325,3325,3325,3325,3325,3325,3325,3325,3325,)"
      R"(3325],"pack_current_a":0,"soc_pct":50,"temp_internal_c":-1,"temp_external1_c":-3,)"
      R"("settings":{"low_temp_charge_cutoff_c":-10}})";
  int code = -1;
  std::string err;
  const std::string out = run_encode(state, code, err);
  ASSERT_EQ(code, 0) << out << err;
  const auto at = out.find("# 0x351 CVL ");
  ASSERT_NE(at, std::string::npos) << out;
  float cvl = 0.0F;
  float ccl = 0.0F;
  ASSERT_EQ(std::sscanf(out.c_str() + at, "# 0x351 CVL %f V CCL %f A", &cvl, &ccl), 2) << out;
  EXPECT_EQ(ccl, 0.0F) << out;
  EXPECT_LE(cvl, 53.2F + 1e-3F) << out;
}

TEST(EncodeCommand, GivenBadInput_WhenEncoded_ThenExit2WithTheProblem) {
  struct Case {
    const char* input;
    const char* expected;
  };
  const Case cases[] = {
      {"not json", "not a JSON object"},
      {R"({"pack_current_a": 1})", "cell_mv"},
      {R"({"cell_mv":[3300,3300,3300]})", "4 to 16"},
      {R"({"cell_mv":[3300,3300,3300,3300],"soc_pct":140})", "soc_pct"},
  };
  for (const auto& c : cases) {
    int code = -1;
    std::string err;
    (void)run_encode(c.input, code, err);
    EXPECT_EQ(code, 2) << c.input;
    EXPECT_NE(err.find(c.expected), std::string::npos) << c.input << " -> " << err;
  }
}

}  // namespace
}  // namespace tbgw::test
