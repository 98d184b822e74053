// `tinybms-gw encode`: a battery state as JSON in, the CAN frames out in candump format with a
// decoded comment line each; bad input gets a clear error and exit 2.
#include <gtest/gtest.h>

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
