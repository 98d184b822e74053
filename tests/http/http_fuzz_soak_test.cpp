// Robustness of the HTTP face against the real binary: thousands of random and mutated
// requests (fixed seed, printed) where every answer is a non-500 HTTP response or a closed
// connection while the gateway keeps producing snapshots; and a soak of many connections
// opening and dropping for ~20 s while the CAN log keeps its cadence (the measured jitter is
// printed; the test asserts frames keep coming, no timing thresholds).
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <random>

#include "http/http_harness.hpp"

namespace tbgw::test {
namespace {

std::string mutate(std::string s, std::mt19937& rng) {
  // Pieces are appended one by one (GCC 12 warns falsely on operator+ chains at -O3).
  static const char kSpecial[] = "%./\r\n:A";
  static const char kEscape[] = "0f8Cc%Zg";
  const int rounds = 1 + static_cast<int>(rng() % 4);
  for (int r = 0; r < rounds && !s.empty(); ++r) {
    const std::size_t at = rng() % s.size();
    std::string piece;
    switch (rng() % 8) {
      case 0:  // flip a byte
        s[at] = static_cast<char>(rng() & 0xFF);
        continue;
      case 1:  // insert a random byte
        piece.push_back(static_cast<char>(rng() & 0xFF));
        break;
      case 2:  // delete a few bytes
        s.erase(at, 1 + rng() % 8);
        continue;
      case 3:  // truncate
        s.resize(at);
        continue;
      case 4:  // a run of one special character
        piece.assign(1 + rng() % 300, kSpecial[rng() % (sizeof kSpecial - 1)]);
        break;
      case 5:  // duplicate a slice
        piece = s.substr(at, rng() % 64);
        break;
      case 6:  // a (possibly negative or huge) Content-Length
        piece = "Content-Length: ";
        piece.append(std::to_string(static_cast<int>(rng() % 200000) - 10));
        piece.append("\r\n");
        break;
      default:  // a bad percent-escape or a lone UTF-8 lead byte
        piece.push_back('%');
        piece.push_back(kEscape[rng() % (sizeof kEscape - 1)]);
        piece.push_back('\xc3');
        break;
    }
    s.insert(at, piece);
  }
  return s;
}

std::string random_bytes(std::mt19937& rng) {
  std::string s(rng() % 600, '\0');
  for (auto& c : s) c = static_cast<char>(rng() & 0xFF);
  return s;
}

TEST(
    HttpFuzz,
    GIVEN_thousands_of_random_and_mutated_requests_WHEN_sent_THEN_4xx_or_close_and_the_gateway_runs_on) {
  GatewayUnderTest gw("{}", {}, /*print_snapshots=*/true);
  ASSERT_GT(gw.port(), 0);
  const std::string token = [&] {
    std::string t = gw.cli("token create --name fuzz");
    while (!t.empty() && t.back() == '\n') t.pop_back();
    return t;
  }();
  // A fixed seed (every run sends the same requests); TBGW_FUZZ_SEED explores others.
  const char* env_seed = std::getenv("TBGW_FUZZ_SEED");
  const unsigned seed =
      env_seed != nullptr ? static_cast<unsigned>(std::atol(env_seed)) : 20261128U;
  std::printf("fuzz seed %u (set TBGW_FUZZ_SEED to change it)\n", seed);
  std::mt19937 rng(seed);
  const std::vector<std::string> seeds = {
      "GET /api/status HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /api/status HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + "\r\n\r\n",
      "POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
      "40\r\n\r\n{\"username\":\"admin\",\"password\":\"x\"}  ",
      "PATCH /api/config HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
          "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
      "GET /api/history?from=2026-01-01T00:00:00Z&tier=1m HTTP/1.1\r\nHost: x\r\n"
      "Authorization: Bearer " +
          token + "\r\n\r\n",
      "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
      "GET /api/session HTTP/1.1\r\nHost: x\r\nCookie: tbgw_session=abc; x=y\r\n\r\n",
      "POST /api/logout HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
      "chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
      "GET /metrics HTTP/1.0\r\n\r\n",
  };
  constexpr int kRequests = 3000;
  int answered = 0, closed = 0;
  long snapshots = 0;
  for (int i = 0; i < kRequests; ++i) {
    const std::string req =
        (i % 10 == 0) ? random_bytes(rng) : mutate(seeds[rng() % seeds.size()], rng);
    const std::string r = raw_exchange(gw.port(), req, true, 20s);
    if (r.empty()) {
      ++closed;
    } else {
      const int status = status_of(r);
      ASSERT_TRUE(status >= 100 && status != 500 && status < 600)
          << "seed " << seed << " request " << i << " got: " << r.substr(0, 200);
      ++answered;
    }
    while (gw.process().read_line(0ms)) ++snapshots;
    if (i % 500 == 0) gw.process().stderr_text();  // keep the log pipe drained
  }
  // The gateway still works: it answers and its snapshots keep coming.
  const long before = snapshots;
  for (int i = 0; i < 3 && gw.process().read_line(10s); ++i) ++snapshots;
  EXPECT_GT(snapshots, before);
  EXPECT_EQ(status_of(raw_exchange(gw.port(), "GET /api/status HTTP/1.1\r\nHost: x\r\n\r\n")), 401);
  std::printf("fuzz: %d requests, %d answered, %d closed, %ld snapshots meanwhile\n", kRequests,
              answered, closed, snapshots);
}

// candump -L: "(1700000000.123456) can0 351#...". The times of each 0x351 frame, in ms.
std::vector<double> can_times_ms(const std::filesystem::path& log, double after_s) {
  std::vector<double> out;
  std::stringstream ss(read_file(log));
  for (std::string l; std::getline(ss, l);) {
    if (l.find(" 351#") == std::string::npos || l.size() < 3) continue;
    const double t = std::atof(l.c_str() + 1);
    if (t >= after_s) out.push_back(t * 1000.0);
  }
  return out;
}

TEST(
    HttpSoak,
    GIVEN_connections_opening_and_dropping_for_20_s_WHEN_the_gateway_runs_THEN_can_frames_keep_coming) {
  GatewayUnderTest gw;
  ASSERT_GT(gw.port(), 0);
  const double start_s =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::atomic<bool> stop{false};
  std::atomic<long> ops{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&, t] {
      std::mt19937 rng(static_cast<unsigned>(t));
      while (!stop) {
        const int fd = connect_to(gw.port());
        if (fd < 0) continue;
        switch (rng() % 3) {
          case 0:  // a full request, read the answer
            send_all(fd, "GET /api/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            read_until_close(fd, 5s);
            break;
          case 1:  // half a request, then drop
            send_all(fd, "GET /api/sta");
            break;
          default:  // connect and drop
            break;
        }
        ::close(fd);
        ++ops;
      }
    });
  }
  for (int i = 0; i < 20; ++i) {
    std::this_thread::sleep_for(1s);
    gw.process().stderr_text();
  }
  stop = true;
  for (auto& c : clients) c.join();
  const auto times = can_times_ms(gw.dir() / "can.log", start_s);
  ASSERT_GE(times.size(), 5U) << "CAN frames must keep coming under connection churn";
  std::vector<double> jitter;
  for (std::size_t i = 1; i < times.size(); ++i)
    jitter.push_back(std::fabs(times[i] - times[i - 1] - 1000.0));
  std::sort(jitter.begin(), jitter.end());
  std::printf("soak: %ld connections in 20 s; 0x351 frames %zu; jitter p50 %.1f ms, max %.1f ms\n",
              ops.load(), times.size(), jitter[jitter.size() / 2], jitter.back());
}

}  // namespace
}  // namespace tbgw::test
