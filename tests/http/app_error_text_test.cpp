// The error texts of app/ (each domain's to_string): what the owner reads when the HTTP face,
// auth.json, the simulator, `tinybms-gw encode`, the configuration or a request target fails.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "app/commands/snapshot_input.hpp"
#include "app/http/auth_file.hpp"
#include "app/http/http_listener.hpp"
#include "app/http/request_path.hpp"
#include "app/service/config_loader.hpp"
#include "app/service/sim_setup.hpp"
#include "integration/distinct_texts.hpp"

namespace tbgw::app {
namespace {

using test::expect_distinct_texts;

TEST(AppErrorText, GivenEveryDomain_ThenEachEnumeratorHasItsOwnText) {
  expect_distinct_texts({http::TargetError::not_a_path, http::TargetError::bad_escape,
                         http::TargetError::control_character, http::TargetError::backslash,
                         http::TargetError::not_utf8, http::TargetError::dot_segment});
  expect_distinct_texts({http::AuthFileErrc::read_failed, http::AuthFileErrc::unknown_version,
                         http::AuthFileErrc::unknown_algorithm, http::AuthFileErrc::bad_content,
                         http::AuthFileErrc::write_failed});
  expect_distinct_texts({http::ListenErrc::bad_address, http::ListenErrc::not_an_ip,
                         http::ListenErrc::tls_incomplete, http::ListenErrc::tls_load,
                         http::ListenErrc::key_mismatch, http::ListenErrc::listen});
  expect_distinct_texts({SimStartErrc::unknown_chemistry, SimStartErrc::scenario_unreadable,
                         SimStartErrc::scenario_invalid, SimStartErrc::invalid_config,
                         SimStartErrc::no_pty});
  expect_distinct_texts({InputErrc::not_object, InputErrc::bad_cells, InputErrc::bad_value,
                         InputErrc::out_of_range, InputErrc::bad_settings});
  expect_distinct_texts({ConfigLoadErrc::unreadable_file, ConfigLoadErrc::bad_file,
                         ConfigLoadErrc::bad_flags, ConfigLoadErrc::two_bms_services});
}

TEST(AppErrorText, GivenAnInputOutOfRange_ThenTheTextNamesTheKeyAndTheRange) {
  const auto r = parse_battery_input(R"({"cell_mv":[3300,3300,3300,3300],"soc_pct":140})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().what, InputErrc::out_of_range);
  const std::string text = platform::to_string(r.error());
  EXPECT_NE(text.find("soc_pct: 140"), std::string::npos) << text;
  EXPECT_NE(text.find("is outside 0"), std::string::npos) << text;
}

TEST(AppErrorText, GivenAPortInUse_ThenTheTextNamesTheAddressAndTheSystemReason) {
  const auto e = platform::make_error(http::ListenErrc::listen, EADDRINUSE, "127.0.0.1:80").error;
  EXPECT_EQ(platform::to_string(e),
            std::string("cannot listen on 127.0.0.1:80: ") + std::strerror(EADDRINUSE));
}

}  // namespace
}  // namespace tbgw::app
