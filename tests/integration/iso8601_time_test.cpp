// parse_iso8601_utc (platform/linux/iso8601_time.hpp): the ?from= / ?to= times of the history
// API and of `history export`. Regression of a finding of fuzz/http_target_fuzz.cpp: sscanf's
// %d took a sign or a blank inside a field, so "12: 0" and "12:-1" were read as minutes.
#include <gtest/gtest.h>

#include <string>

#include "platform/linux/iso8601_time.hpp"

namespace tbgw::platform {
namespace {

TEST(Iso8601Time, GivenASignOrBlankInsideAField_WhenParsed_ThenRefused) {
  for (const char* bad : {"2424-05-01 12: 0", "2024-05-01T12:-1", "2024-05-01T12:00:-5",
                          "2024-05-01T12:00:01.-12", "-999-01-01", "+2024-05-01", "2024- 5-01",
                          "2024-05-+1", "2024-05-01T 5:00", "2024-05-01T05:00:0 ", " 2024-05-01",
                          "2024-05-01T12:00:01.25", "2024-05-01T12:00:01.2500"}) {
    EXPECT_FALSE(parse_iso8601_utc(bad)) << bad;
  }
}

TEST(Iso8601Time, GivenEveryDocumentedForm_WhenParsed_ThenTheSameInstantAsBefore) {
  EXPECT_EQ(parse_iso8601_utc("2024-05-01"), 1'714'521'600'000);
  EXPECT_EQ(parse_iso8601_utc("2024-05-01Z"), 1'714'521'600'000);
  EXPECT_EQ(parse_iso8601_utc("2024-05-01t12:00z"), 1'714'564'800'000);
  EXPECT_EQ(parse_iso8601_utc("2024-05-01 12:00:01"), 1'714'564'801'000);
  EXPECT_EQ(parse_iso8601_utc("2024-05-01T12:00:01.250Z"), 1'714'564'801'250);
  EXPECT_EQ(parse_iso8601_utc("2024-05-01T12:00:60"), 1'714'564'860'000);  // leap second
  EXPECT_FALSE(parse_iso8601_utc("2024-02-30"));
}

TEST(Iso8601Time, GivenAFormattedTime_WhenParsedBack_ThenTheSameInstant) {
  for (const std::int64_t ms : {0LL, 1'714'564'801'250LL, 253'402'300'799'999LL, -1LL}) {
    EXPECT_EQ(parse_iso8601_utc(format_iso8601_utc(ms)), ms) << format_iso8601_utc(ms);
  }
}

}  // namespace
}  // namespace tbgw::platform
