// The HTTP face's transport against the real binary over real sockets: size limits, path
// checks, the slow-loris deadline, the connection cap, HTTPS with a `tls selfsigned` pair,
// a bad certificate and a busy port (the gateway keeps running without HTTP), WebSocket
// streams and refusals, and a slow WebSocket client being dropped.
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <fstream>

#include "http/http_harness.hpp"

namespace tbgw::test {
namespace {

const std::string kWsClient =
    std::string("/usr/bin/python3 ") + TBGW_SOURCE_DIR + "/tests/http/ws_client.py ";

std::string get(int port, const std::string& target, const std::string& extra = "") {
  return raw_exchange(port, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra +
                                "Connection: close\r\n\r\n");
}

std::string make_token(GatewayUnderTest& gw, const std::string& name) {
  std::string t = gw.cli("token create --name " + name);
  while (!t.empty() && t.back() == '\n') t.pop_back();
  return t;
}

TEST(HttpTransport, GIVEN_a_body_above_64_KiB_WHEN_posted_THEN_413) {
  GatewayUnderTest gw;
  const std::string body(70 * 1024, 'x');
  const std::string r =
      raw_exchange(gw.port(),
                   "POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                   "Content-Length: " +
                       std::to_string(body.size()) + "\r\n\r\n" + body);
  EXPECT_EQ(status_of(r), 413) << r.substr(0, 200);
  EXPECT_NE(r.find("body_too_large"), std::string::npos);
}

TEST(HttpTransport, GIVEN_headers_above_8_KiB_WHEN_sent_THEN_431) {
  GatewayUnderTest gw;
  const std::string r = get(gw.port(), "/api/status", "X-Big: " + std::string(9000, 'a') + "\r\n");
  EXPECT_EQ(status_of(r), 431) << r.substr(0, 200);
}

TEST(HttpTransport, GIVEN_bad_paths_WHEN_requested_THEN_400_before_any_auth) {
  GatewayUnderTest gw;
  for (const char* target :
       {"/api/../etc/passwd", "/%2e%2e/etc/passwd", "/api/%2E%2E/status", "/static/./x",
        "/api/status%00", "/api/%ff%fe", "/api/%zz", "/api/%c0%af", "/a\\..\\b"}) {
    const std::string r = get(gw.port(), target);
    EXPECT_EQ(status_of(r), 400) << target << "\n" << r.substr(0, 300);
    EXPECT_NE(r.find("\"error\""), std::string::npos) << target;
  }
  // Outside /api: the web UI's files (no login needed to load the login page), else 404 JSON.
  const std::string page = get(gw.port(), "/index.html");
  EXPECT_EQ(status_of(page), 200) << page.substr(0, 300);
  EXPECT_NE(page.find("<!doctype html>"), std::string::npos);
  const std::string unknown = get(gw.port(), "/no-such-file.js");
  EXPECT_EQ(status_of(unknown), 404) << unknown;
  EXPECT_NE(unknown.find("not_found"), std::string::npos);
  EXPECT_EQ(status_of(get(gw.port(), "/api/status?x=%00")), 401) << "the query is the router's";
}

// Issue 18 item 7: HEAD is GET without a body. A body after HEAD's headers broke the next
// response on a keep-alive connection, and HEAD / was 404 while GET / was 200.
TEST(HttpTransport, GIVEN_head_requests_WHEN_pipelined_with_a_get_THEN_headers_only_then_the_get) {
  GatewayUnderTest gw;
  for (const char* target : {"/", "/api/status"}) {
    const std::string r = raw_exchange(gw.port(), std::string("HEAD ") + target +
                                                      " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                                                      "GET /index.html HTTP/1.1\r\nHost: "
                                                      "127.0.0.1\r\nConnection: close\r\n\r\n");
    const auto end_of_head = r.find("\r\n\r\n");
    ASSERT_NE(end_of_head, std::string::npos) << target << "\n" << r.substr(0, 300);
    const std::string head = r.substr(0, end_of_head);
    EXPECT_EQ(status_of(r), std::string(target) == "/" ? 200 : 401) << head;
    EXPECT_NE(head.find("Content-Length: "), std::string::npos) << head;
    EXPECT_EQ(r.compare(end_of_head + 4, 9, "HTTP/1.1 "), 0)
        << target << ": the next response must follow the HEAD headers at once\n"
        << r.substr(end_of_head, 200);
    EXPECT_EQ(status_of(r.substr(end_of_head + 4)), 200) << r.substr(end_of_head + 4, 200);
  }
}

TEST(HttpTransport, GIVEN_a_slow_loris_client_WHEN_headers_trickle_in_THEN_it_is_closed) {
  GatewayUnderTest gw;
  const int fd = connect_to(gw.port());
  ASSERT_GE(fd, 0);
  send_all(fd, "GET /api/status HTTP/1.1\r\nHost: x\r\n");
  bool closed = false;
  std::string got;
  // One header line a second: each byte is "progress", but the request deadline is whole.
  for (int i = 0; i < 40 && !closed; ++i) {
    got += read_until_close(fd, 1s, &closed);
    if (!closed) closed = !send_all(fd, "X-Slow-" + std::to_string(i) + ": 1\r\n");
  }
  ::close(fd);
  EXPECT_TRUE(closed) << "the server must close a request that never completes";
  EXPECT_EQ(got.find("HTTP/1.1 200"), std::string::npos);
}

TEST(HttpTransport,
     GIVEN_the_connection_cap_WHEN_idle_keep_alives_hold_it_THEN_the_longest_idle_gives_way) {
  GatewayUnderTest gw(R"({"http.max_connections": 4})");
  // 4 slots, 3 of them for connections that have not authenticated.
  std::vector<int> held;
  for (int i = 0; i < 3; ++i) {
    const int fd = connect_from(gw.port(), "127.0.0." + std::to_string(10 + i));
    ASSERT_GE(fd, 0);
    send_all(fd, "GET /api/status HTTP/1.1\r\nHost: x\r\n\r\n");  // keep-alive
    const std::string r = read_until_close(fd, 300ms);
    ASSERT_EQ(status_of(r), 401) << r;
    held.push_back(fd);
  }
  const int extra = connect_from(gw.port(), "127.0.0.20");
  ASSERT_GE(extra, 0);
  send_all(extra, "GET /api/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const std::string r = read_until_close(extra, 5s);
  ::close(extra);
  EXPECT_EQ(status_of(r), 401) << "served at once: " << r;
  bool closed = false;
  read_until_close(held.front(), 5s, &closed);
  EXPECT_TRUE(closed) << "the connection idle the longest made room";
  for (std::size_t i = 1; i < held.size(); ++i) {
    read_until_close(held[i], 200ms, &closed);
    EXPECT_FALSE(closed) << "only one connection gives way, not " << i + 1;
  }
  for (int fd : held) ::close(fd);
}

TEST(HttpTransport, GIVEN_every_slot_busy_WHEN_a_client_comes_THEN_it_waits_until_one_closes) {
  // One slot, held by a WebSocket (never closed to make room).
  GatewayUnderTest gw(R"({"http.max_connections": 1})");
  const std::string token = make_token(gw, "screen");
  const int ws = connect_to(gw.port());
  ASSERT_GE(ws, 0);
  send_all(ws,
           "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
           "Authorization: Bearer " +
               token + "\r\n\r\n");
  const std::string upgraded = read_until_close(ws, 1500ms);
  ASSERT_EQ(status_of(upgraded), 101) << upgraded;
  // From another address (one address may hold only one of the one slot).
  const int extra = connect_from(gw.port(), "127.0.0.2");
  ASSERT_GE(extra, 0);
  send_all(extra, "GET /api/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(read_until_close(extra, 1500ms), "") << "not served while every slot is busy";
  ::close(ws);
  const std::string r = read_until_close(extra, 15s);
  EXPECT_EQ(status_of(r), 401) << "served once the slot is free: " << r;
  ::close(extra);
}

TEST(HttpTransport,
     GIVEN_a_selfsigned_pair_WHEN_serving_https_THEN_curl_and_openssl_verify_it_and_hsts_is_sent) {
  TempDir certs;
  int rc = -1;
  shell(std::string(TBGW_GW_BIN) + " tls selfsigned --host localhost --out-dir " +
            certs.path().string() + " 2>/dev/null",
        &rc);
  ASSERT_EQ(rc, 0);
  EXPECT_EQ(file_mode(certs.path() / "key.pem"), 0600U);
  EXPECT_EQ(file_mode(certs.path() / "cert.pem"), 0644U);
  const std::string cert = (certs.path() / "cert.pem").string();
  GatewayUnderTest gw(R"({"http.tls_cert": ")" + cert + R"(", "http.tls_key": ")" +
                      (certs.path() / "key.pem").string() + R"("})");
  ASSERT_GT(gw.port(), 0);
  const std::string port = std::to_string(gw.port());
  const std::string r = gw.curl("--cacert " + cert + " https://localhost:" + port + "/api/status");
  EXPECT_NE(r.find("HTTP/1.1 401"), std::string::npos) << r;
  EXPECT_NE(r.find("Strict-Transport-Security: max-age="), std::string::npos) << r;
  const std::string body = R"({"username":"admin","password":")" + gw.password() + R"("})";
  const std::string login =
      gw.curl("--cacert " + cert + " -X POST https://localhost:" + port +
              "/api/login -H 'Content-Type: application/json' -d '" + body + "'");
  EXPECT_NE(login.find("; Secure"), std::string::npos) << login;
  const std::string s_client = "echo | openssl s_client -connect 127.0.0.1:" + port +
                               " -servername localhost -verify_return_error -CAfile " + cert;
  const std::string ok = shell(s_client + " -tls1_2 2>&1");
  EXPECT_NE(ok.find("Verify return code: 0 (ok)"), std::string::npos) << ok;
  shell(s_client + " -tls1_1 >/dev/null 2>&1", &rc);
  EXPECT_NE(rc, 0) << "TLS 1.1 must be refused";
  // Plain HTTP on the HTTPS port gets no answer in clear text.
  EXPECT_EQ(status_of(get(gw.port(), "/api/status")), 0);
}

TEST(HttpTransport,
     GIVEN_a_bad_certificate_or_a_busy_port_WHEN_starting_THEN_logged_and_the_gateway_runs_on) {
  TempDir dir;
  {
    std::ofstream(dir.path() / "bad.pem") << "not a certificate\n";
    std::ofstream(dir.path() / "config.json")
        << R"({"schema_version":1,"settings":{"http.tls_cert":")"
        << (dir.path() / "bad.pem").string() << R"(","http.tls_key":")"
        << (dir.path() / "bad.pem").string() << R"("}})";
  }
  {
    Process gw({TBGW_GW_BIN, "--simulate", "--http", "127.0.0.1:0", "--state-dir",
                dir.path().string(), "--poll-interval-ms", "300", "--print-snapshots"});
    EXPECT_TRUE(gw.wait_for_stderr("cannot load the TLS certificate", 20s).has_value());
    EXPECT_TRUE(gw.read_line(10s).has_value()) << "snapshots keep coming";
  }
  // A port in use.
  const int blocker = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(blocker, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ::listen(blocker, 1);
  socklen_t len = sizeof a;
  ::getsockname(blocker, reinterpret_cast<sockaddr*>(&a), &len);
  const std::string addr = "127.0.0.1:" + std::to_string(ntohs(a.sin_port));
  std::filesystem::remove(dir.path() / "config.json");
  Process gw({TBGW_GW_BIN, "--simulate", "--http", addr, "--state-dir", dir.path().string(),
              "--poll-interval-ms", "300", "--print-snapshots"});
  const auto line = gw.wait_for_stderr("cannot listen on " + addr, 20s);
  EXPECT_TRUE(line.has_value());
  EXPECT_TRUE(gw.read_line(10s).has_value()) << "snapshots keep coming";
  ::close(blocker);
}

TEST(HttpTransport,
     GIVEN_a_token_WHEN_subscribing_to_status_over_websocket_THEN_changing_messages) {
  GatewayUnderTest gw;
  const std::string token = make_token(gw, "ws");
  const std::string url = "ws://127.0.0.1:" + std::to_string(gw.port()) + "/ws";
  const std::string out = shell(kWsClient + "status " + url + " --token " + token + " 2>&1");
  std::vector<std::string> lines;
  std::stringstream ss(out);
  for (std::string l; std::getline(ss, l);) lines.push_back(l);
  ASSERT_EQ(lines.size(), 3U) << out;
  EXPECT_EQ(lines[0].front(), '{') << out;
  EXPECT_TRUE(lines[0] != lines[1] || lines[1] != lines[2]) << "the data changes:\n" << out;
}

TEST(HttpTransport, GIVEN_no_login_or_a_foreign_origin_WHEN_upgrading_THEN_refused) {
  GatewayUnderTest gw;
  const std::string url = "ws://127.0.0.1:" + std::to_string(gw.port()) + "/ws";
  EXPECT_NE(shell(kWsClient + "refused " + url + " 2>&1").find("refused 401"), std::string::npos);
  const std::string csrf = gw.login();
  ASSERT_FALSE(csrf.empty());
  // The session cookie from the jar (Netscape format: the value is the last field).
  std::string cookie;
  std::stringstream jar(read_file(gw.jar()));
  for (std::string l; std::getline(jar, l);) {
    if (l.find("tbgw_session") != std::string::npos) cookie = l.substr(l.rfind('\t') + 1);
  }
  ASSERT_EQ(cookie.size(), 64U);
  const std::string with_cookie = url + " --cookie tbgw_session=" + cookie;
  EXPECT_NE(shell(kWsClient + "refused " + with_cookie + " --origin http://evil.example 2>&1")
                .find("refused 403"),
            std::string::npos);
  const std::string same = " --origin http://127.0.0.1:" + std::to_string(gw.port());
  const std::string ok = shell(kWsClient + "status " + with_cookie + same + " 2>&1");
  EXPECT_EQ(std::count(ok.begin(), ok.end(), '\n'), 3) << ok;
}

// A raw WebSocket client that subscribes and then never reads: the server must drop it
// (counted in /metrics) instead of queueing for it without bound.
TEST(HttpTransport,
     GIVEN_a_websocket_client_that_never_reads_WHEN_streams_flow_THEN_it_is_dropped) {
  GatewayUnderTest gw("{}", {"TBGW_HTTP_WS_INTERVAL_MS=10"});
  const std::string token = make_token(gw, "slow");
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int small = 4096;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(gw.port()));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  send_all(fd,
           "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
           "Authorization: Bearer " +
               token + "\r\n\r\n");
  std::string handshake;
  while (handshake.find("\r\n\r\n") == std::string::npos) {
    char c;
    if (::recv(fd, &c, 1, 0) != 1) break;
    handshake += c;
  }
  ASSERT_NE(handshake.find("101"), std::string::npos) << handshake;
  const std::string sub = R"({"subscribe":["status","can","log"]})";
  std::string frame = {'\x81', static_cast<char>(0x80 | sub.size()), 0, 0, 0, 0};  // mask 0
  send_all(fd, frame + sub);
  const std::string bearer = "-H 'Authorization: Bearer " + token + "' ";
  bool dropped = false;
  for (int i = 0; i < 120 && !dropped; ++i) {
    std::this_thread::sleep_for(500ms);
    const std::string m = shell("curl -s --max-time 10 " + bearer + gw.url("/metrics"));
    const std::string key = "\ntbgw_http_slow_clients_dropped_total ";
    const auto k = m.find(key);
    dropped = k != std::string::npos && std::atof(m.c_str() + k + key.size()) >= 1.0;
  }
  EXPECT_TRUE(dropped);
  ::close(fd);
  EXPECT_EQ(status_of(get(gw.port(), "/api/status")), 401) << "the server still answers";
}

}  // namespace
}  // namespace tbgw::test
