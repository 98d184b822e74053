// Open WebSockets end with the credentials that opened them (issue 18, finding 4): a revoked
// token, a logout, a password change, and anonymous readers once http.read_without_login is
// turned off. Each case opens a real WebSocket (python3-websockets) subscribed to status, log
// and can, ends the credentials with the real CLI or API, and checks that the socket was closed
// with 1008 and received nothing after the credentials ended. Before the fix the socket went on
// receiving status, can and log messages (15 in the next 5 s).
#include <gtest/gtest.h>

#include "http/http_harness.hpp"

namespace tbgw::test {
namespace {

const std::string kWsClient =
    std::string("/usr/bin/python3 ") + TBGW_SOURCE_DIR + "/tests/http/ws_client.py ";

std::string ws_url(const GatewayUnderTest& gw) {
  return "ws://127.0.0.1:" + std::to_string(gw.port()) + "/ws";
}

// One shell word holding `s` (single quotes inside closed, escaped and reopened).
std::string quoted(const std::string& s) {
  std::string out = "'";
  for (const char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// "closed 1008 after_ms=N messages_after=K": closed with policy violation, nothing after.
void expect_closed_at_once(const std::string& out) {
  EXPECT_NE(out.find("closed 1008 "), std::string::npos) << out;
  EXPECT_NE(out.find("messages_after=0"), std::string::npos) << out;
}

// Opens a WebSocket on the admin session kept in the gateway's cookie jar (the harness's
// login()), runs `then` and returns what the client saw.
std::string revoke_session_socket(GatewayUnderTest& gw, const std::string& then) {
  const std::string jar = read_file(gw.jar());
  const auto k = jar.find("tbgw_session\t");
  EXPECT_NE(k, std::string::npos) << jar;
  if (k == std::string::npos) return {};
  const std::string sid = jar.substr(k + 13, 64);
  return shell(kWsClient + "revoke " + ws_url(gw) + " --cookie tbgw_session=" + sid +
               " --origin http://127.0.0.1:" + std::to_string(gw.port()) + " --then " +
               quoted(then) + " 2>&1");
}

TEST(HttpRevocation, GIVEN_a_websocket_on_a_token_WHEN_the_token_is_revoked_THEN_it_is_closed) {
  GatewayUnderTest gw;
  std::string token = gw.cli("token create --name kiosk");
  while (!token.empty() && token.back() == '\n') token.pop_back();
  ASSERT_FALSE(token.empty());
  const std::string revoke =
      std::string(TBGW_GW_BIN) + " token revoke --name kiosk --state-dir " + gw.dir().string();
  const std::string out = shell(kWsClient + "revoke " + ws_url(gw) + " --token " + token +
                                " --then " + quoted(revoke) + " 2>&1");
  expect_closed_at_once(out);
  EXPECT_NE(gw.curl(gw.url("/metrics") + " -H 'Authorization: Bearer " + token + "'")
                .find("HTTP/1.1 401"),
            std::string::npos);
}

TEST(HttpRevocation, GIVEN_a_websocket_on_a_session_WHEN_the_admin_logs_out_THEN_it_is_closed) {
  GatewayUnderTest gw;
  const std::string csrf = gw.login();
  ASSERT_EQ(csrf.size(), 64U);
  const std::string logout = "curl -s --max-time 10 -b " + gw.jar() + " -X POST " +
                             gw.url("/api/logout") + " -H 'X-CSRF-Token: " + csrf + "'";
  const std::string out = revoke_session_socket(gw, logout);
  expect_closed_at_once(out);
}

TEST(HttpRevocation,
     GIVEN_a_websocket_on_a_session_WHEN_the_password_is_changed_THEN_it_is_closed) {
  GatewayUnderTest gw;
  ASSERT_EQ(gw.login().size(), 64U);
  const std::string passwd = "echo new-password-123 | " + std::string(TBGW_GW_BIN) +
                             " passwd --state-dir " + gw.dir().string();
  const std::string out = revoke_session_socket(gw, passwd);
  expect_closed_at_once(out);
}

TEST(HttpRevocation,
     GIVEN_an_anonymous_websocket_WHEN_read_without_login_is_turned_off_THEN_it_is_closed) {
  GatewayUnderTest gw(R"({"http.read_without_login":true})");
  const std::string csrf = gw.login();
  ASSERT_EQ(csrf.size(), 64U);
  const std::string patch = "curl -s --max-time 10 -b " + gw.jar() + " -X PATCH " +
                            gw.url("/api/config") + " -H 'X-CSRF-Token: " + csrf +
                            "' -H 'Content-Type: application/json' -d " +
                            quoted(R"({"http.read_without_login":false})");
  // The anonymous socket may only read status and alerts: the client's request for log and
  // can is answered with an error message first, which is read before the command runs.
  const std::string out =
      shell(kWsClient + "revoke " + ws_url(gw) + " --then " + quoted(patch) + " 2>&1");
  expect_closed_at_once(out);
}

}  // namespace
}  // namespace tbgw::test
