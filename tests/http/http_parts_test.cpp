// Unit tests of the HTTP face's pure pieces: request-target checks, the login limiter, the
// session table, cookie parsing and the route rules, auth.json round trip, password hashing.
#include <gtest/gtest.h>

#include <fstream>

#include "app/http/auth_crypto.hpp"
#include "app/http/auth_file.hpp"
#include "app/http/auth_gate.hpp"
#include "app/http/login_limiter.hpp"
#include "app/http/request_path.hpp"
#include "app/http/session_table.hpp"
#include "integration/error_text.hpp"
#include "integration/temp_dir.hpp"

namespace tbgw::app::http {
namespace {

TEST(RequestPath, GIVEN_targets_WHEN_decoded_THEN_good_ones_pass_and_bad_ones_are_named) {
  struct Row {
    const char* target;
    bool ok;
    const char* path;
  };
  const Row rows[] = {
      {"/api/status", true, "/api/status"},
      {"/api/status?from=a%20b", true, "/api/status"},
      {"/a%20b", true, "/a b"},
      {"/caf%C3%A9", true, "/caf\xC3\xA9"},
      {"/api/..", false, ""},
      {"/api/%2e%2E/x", false, ""},
      {"/./x", false, ""},
      {"/x%00", false, ""},
      {"/x%0a", false, ""},
      {"/x%ff", false, ""},
      {"/x%C0%AF", false, ""},     // overlong '/'
      {"/x%ED%A0%80", false, ""},  // surrogate
      {"/x%2", false, ""},
      {"/x%g0", false, ""},
      {"x", false, ""},
      {"/a\\b", false, ""},
  };
  for (const auto& r : rows) {
    DecodedTarget t;
    std::string error;
    const auto decoded = decode_target(r.target);
    if (decoded) {
      t = *decoded;
    } else {
      error = to_string(decoded.error());
    }
    EXPECT_EQ(decoded.ok(), r.ok) << r.target;
    if (r.ok) {
      EXPECT_EQ(t.path, r.path);
    } else {
      EXPECT_FALSE(error.empty()) << r.target;
    }
  }
}

TEST(LoginLimiter, GIVEN_five_failures_within_a_minute_WHEN_counting_THEN_locked_60_s_doubling) {
  LoginLimiter l;
  const std::string a = "10.0.0.1";
  std::int64_t t = 1'000'000;
  for (int i = 0; i < 4; ++i) EXPECT_EQ(l.on_failure(a, t += 1000), 0);
  EXPECT_EQ(l.on_failure(a, t += 1000), 60);
  EXPECT_EQ(l.retry_after_s(a, t), 60);
  EXPECT_EQ(l.retry_after_s("10.0.0.2", t), 0) << "per address";
  t += 60'000;
  EXPECT_EQ(l.retry_after_s(a, t), 0);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(l.on_failure(a, t += 1000), 0);
  EXPECT_EQ(l.on_failure(a, t += 1000), 120) << "the second lockout doubles";
  l.on_success(a);
  EXPECT_EQ(l.retry_after_s(a, t), 0);
}

TEST(LoginLimiter, GIVEN_failures_spread_over_more_than_a_minute_WHEN_counting_THEN_no_lockout) {
  LoginLimiter l;
  std::int64_t t = 0;
  for (int i = 0; i < 20; ++i) EXPECT_EQ(l.on_failure("a", t += 20'000), 0) << i;
}

TEST(LoginLimiter, GIVEN_many_addresses_WHEN_the_table_is_full_THEN_it_stays_bounded) {
  LoginLimiter l;
  for (std::size_t i = 0; i < LoginLimiter::kMaxAddresses * 3; ++i) {
    l.on_failure("10.0." + std::to_string(i), static_cast<std::int64_t>(i));
  }
  EXPECT_LE(l.size(), LoginLimiter::kMaxAddresses);
}

TEST(SessionTable, GIVEN_sessions_WHEN_idle_too_long_or_too_many_THEN_expired_or_oldest_evicted) {
  SessionTable s;
  const std::string first = s.create(0).id;
  EXPECT_EQ(first.size(), 64U);
  EXPECT_NE(s.find(first, 500, 1000), nullptr);
  EXPECT_EQ(s.find(first, 1600, 1000), nullptr) << "idle 1100 ms > 1000 ms";
  for (std::size_t i = 0; i < SessionTable::kMaxSessions + 5; ++i) {
    s.create(static_cast<std::int64_t>(i));
  }
  EXPECT_EQ(s.size(), SessionTable::kMaxSessions);
}

TEST(AuthGate, GIVEN_policies_WHEN_authorizing_THEN_the_documented_rules_hold) {
  const HttpPolicy locked{};
  HttpPolicy open;
  open.read_without_login = true;
  open.metrics_without_login = true;
  AuthStore store(std::filesystem::temp_directory_path() / "tbgw-no-such-dir");
  SessionTable sessions;
  AuthGate gate(store, sessions);
  Identity anon;
  EXPECT_TRUE(gate.authorize(anon, "GET", "/api/status", "", locked).has_value());
  EXPECT_FALSE(gate.authorize(anon, "GET", "/api/status", "", open).has_value());
  EXPECT_FALSE(gate.authorize(anon, "GET", "/api/history.csv", "", open).has_value());
  EXPECT_FALSE(gate.authorize(anon, "GET", "/metrics", "", open).has_value());
  EXPECT_TRUE(gate.authorize(anon, "GET", "/api/config", "", open).has_value());
  EXPECT_TRUE(gate.authorize(anon, "POST", "/api/alerts/1/ack", "", open).has_value());
  Identity admin{api::Principal::admin, "admin", "sid", std::string(64, 'c'), ""};
  EXPECT_FALSE(gate.authorize(admin, "GET", "/api/config", "", locked).has_value());
  EXPECT_EQ(gate.authorize(admin, "PATCH", "/api/config", "", locked)->status, 403);
  EXPECT_EQ(gate.authorize(admin, "PATCH", "/api/config", std::string(64, 'd'), locked)->status,
            403);
  EXPECT_FALSE(gate.authorize(admin, "PATCH", "/api/config", std::string(64, 'c'), locked));
  Identity ro{api::Principal::read_only_token, "kiosk", "", "", "d1"};
  EXPECT_FALSE(gate.authorize(ro, "GET", "/api/config", "", locked).has_value());
  EXPECT_EQ(gate.authorize(ro, "DELETE", "/api/x", "", locked)->status, 403);
  Identity rw{api::Principal::token, "script", "", "", "d2"};
  EXPECT_FALSE(gate.authorize(rw, "PATCH", "/api/config", "", locked).has_value());
}

TEST(AuthGate, GIVEN_cookie_headers_WHEN_parsed_THEN_the_named_value) {
  EXPECT_EQ(AuthGate::cookie_value("a=1; tbgw_session=xyz; b=2", "tbgw_session"), "xyz");
  EXPECT_EQ(AuthGate::cookie_value("tbgw_sessionx=1", "tbgw_session"), "");
  EXPECT_EQ(AuthGate::cookie_value("", "tbgw_session"), "");
}

TEST(AuthFile, GIVEN_a_password_and_tokens_WHEN_saved_and_loaded_THEN_they_verify) {
  tbgw::test::TempDir dir;
  AuthData d;
  d.admin = hash_password("correct horse");
  const std::string secret = new_token_secret();
  d.tokens.push_back({"grafana", sha256_hex(secret), true, "2026-11-28T12:00:00Z"});
  std::string error;
  const auto saved = save_auth_file(dir.path() / "auth.json", d);
  ASSERT_TRUE(saved) << tbgw::test::error_text(saved);
  AuthData back;
  auto loaded = load_auth_file(dir.path() / "auth.json");
  ASSERT_TRUE(loaded) << tbgw::test::error_text(loaded);
  back = *loaded;
  EXPECT_TRUE(verify_password(back.admin, "correct horse"));
  EXPECT_FALSE(verify_password(back.admin, "correct horsE"));
  EXPECT_EQ(back.admin.iterations, kPbkdf2Iterations);
  ASSERT_EQ(back.tokens.size(), 1U);
  EXPECT_TRUE(back.tokens[0].read_only);
  AuthStore store(dir.path());
  EXPECT_NE(store.find_token(secret), nullptr);
  EXPECT_EQ(store.find_token(secret + "x"), nullptr);
  std::ofstream(dir.path() / "auth.json") << "{\"version\":1,\"tokens\":[{\"name\":1}]}";
  const auto corrupt = load_auth_file(dir.path() / "auth.json");
  if (!corrupt) error = platform::to_string(corrupt.error());
  EXPECT_FALSE(corrupt);
  EXPECT_FALSE(error.empty());
}

}  // namespace
}  // namespace tbgw::app::http
