// Test harness for the HTTP face: starts the real `tinybms-gw --simulate --http 127.0.0.1:0`
// in a temporary state directory, finds its port in the log line "HTTP API listening on
// http://127.0.0.1:PORT", and talks to it with raw sockets (full control over bytes, for the
// limit and fuzz tests) and with real clients (curl, python3 websockets, openssl) through the
// shell. Deadlines are failure guards, never timing assertions.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "integration/process.hpp"
#include "integration/temp_dir.hpp"

namespace tbgw::test {

using namespace std::chrono_literals;

// Runs a shell command, returns its stdout; `status` gets the exit code.
inline std::string shell(const std::string& cmd, int* status = nullptr) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int rc = ::pclose(p);
  if (status != nullptr) *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  return out;
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream f(p);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline unsigned file_mode(const std::filesystem::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return 0;
  return st.st_mode & 0777;
}

inline int connect_to(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// A TCP connection to the gateway from `source` (a 127.x.y.z address); -1 on failure.
inline int connect_from(int port, const std::string& source) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  ::inet_pton(AF_INET, source.c_str(), &local.sin_addr);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

inline bool send_all(int fd, const std::string& s) {
  std::size_t off = 0;
  while (off < s.size()) {
    const ssize_t n = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<std::size_t>(n);
  }
  return true;
}

// Reads until the peer closes or `timeout` passes; `closed` tells which.
inline std::string read_until_close(int fd, std::chrono::milliseconds timeout,
                                    bool* closed = nullptr) {
  std::string out;
  const auto end = std::chrono::steady_clock::now() + timeout;
  if (closed != nullptr) *closed = false;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now());
    if (left.count() <= 0) return out;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return out;
    char buf[8192];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      if (closed != nullptr) *closed = true;
      return out;
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
}

// One request on a fresh connection ("Connection: close" is the caller's business); the
// sending side is shut down after the request so a truncated request ends at once.
inline std::string raw_exchange(int port, const std::string& request, bool half_close = true,
                                std::chrono::milliseconds timeout = 15s) {
  const int fd = connect_to(port);
  if (fd < 0) return "connect failed";
  send_all(fd, request);
  if (half_close) ::shutdown(fd, SHUT_WR);
  std::string out = read_until_close(fd, timeout);
  ::close(fd);
  return out;
}

inline int status_of(const std::string& response) {
  if (response.rfind("HTTP/1.", 0) != 0 || response.size() < 12) return 0;
  return std::atoi(response.substr(9, 3).c_str());
}

class GatewayUnderTest {
 public:
  // `config_json`: the "settings" object written to STATE_DIR/config.json first.
  // `print_snapshots`: the caller must then read stdout (a full pipe would block the loop).
  // `prepare`: fills the state directory before the gateway starts (stored history...).
  explicit GatewayUnderTest(const std::string& settings_json = "{}",
                            std::vector<std::string> env = {}, bool print_snapshots = false,
                            const std::function<void(const std::filesystem::path&)>& prepare = {}) {
    {
      std::ofstream f(dir_.path() / "config.json");
      f << R"({"schema_version":1,"settings":)" << settings_json << "}\n";
    }
    if (prepare) prepare(dir_.path());
    std::vector<std::string> argv = {TBGW_GW_BIN,          "--simulate",  "--http",
                                     "127.0.0.1:0",        "--state-dir", dir_.path().string(),
                                     "--poll-interval-ms", "300"};
    if (print_snapshots) argv.push_back("--print-snapshots");
    if (!env.empty()) {
      std::vector<std::string> wrapped = {"/usr/bin/env"};
      for (auto& e : env) wrapped.push_back(e);
      for (auto& a : argv) wrapped.push_back(a);
      argv = wrapped;
    }
    proc_ = std::make_unique<Process>(argv);
    const auto line = proc_->wait_for_stderr("HTTP API listening on ", 20s);
    if (line) {
      const auto colon = line->rfind(':');
      port_ = std::atoi(line->c_str() + colon + 1);
      https_ = line->find("https://") != std::string::npos;
    }
  }
  // Every test also checks that the gateway stops cleanly: exit 0 on SIGTERM. Under the asan
  // preset that is where a leak or a use-after-free at shutdown shows (LeakSanitizer's exit
  // status), so a test that ends with the gateway still running checks its shutdown too.
  ~GatewayUnderTest() {
    if (proc_->running()) proc_->signal(SIGTERM);
    // Read stderr while waiting: a gateway blocked on a full pipe would never exit.
    int status = -1;
    for (int i = 0; i < 100 && status == -1; ++i) {
      proc_->stderr_text();
      status = proc_->wait(100ms);
    }
    if (expect_clean_exit_) {
      EXPECT_EQ(status, 0) << "the gateway did not exit cleanly:\n" << proc_->stderr_text();
    }
  }
  // For a test that stops or breaks the gateway on purpose.
  void allow_any_exit() { expect_clean_exit_ = false; }

  int port() const { return port_; }
  const std::filesystem::path& dir() const { return dir_.path(); }
  Process& process() { return *proc_; }
  std::string url(const std::string& path) const {
    return std::string(https_ ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_) + path;
  }

  // The generated password (waits for the file: it is written after the hash is computed).
  std::string password() {
    const auto file = dir_.path() / "initial-password";
    for (int i = 0; i < 200 && !std::filesystem::exists(file); ++i)
      std::this_thread::sleep_for(50ms);
    std::string pw = read_file(file);
    while (!pw.empty() && pw.back() == '\n') pw.pop_back();
    return pw;
  }

  // curl with the given arguments; returns "STATUS\nheaders+body" via -i and -w.
  std::string curl(const std::string& args) const {
    return shell("curl -s -i --max-time 20 " + args + " 2>&1");
  }

  // Logs in with curl, keeping the cookie in STATE_DIR/jar; returns the CSRF token.
  std::string login() {
    const std::string body = R"({"username":"admin","password":")" + password() + R"("})";
    const std::string out =
        shell("curl -s --max-time 20 -c " + jar() + " -X POST " + url("/api/login") +
              " -H 'Content-Type: application/json' -d '" + body + "'");
    const auto k = out.find("\"csrf_token\":\"");
    if (k == std::string::npos) return {};
    return out.substr(k + 14, 64);
  }
  std::string jar() const { return (dir_.path() / "jar").string(); }

  // `tinybms-gw ARGS --state-dir DIR` (the CLI tools), stdout only.
  std::string cli(const std::string& args, int* status = nullptr) const {
    return shell(std::string(TBGW_GW_BIN) + " " + args + " --state-dir " + dir_.path().string() +
                     " 2>/dev/null",
                 status);
  }

 private:
  TempDir dir_;
  std::unique_ptr<Process> proc_;
  int port_ = 0;
  bool https_ = false;
  bool expect_clean_exit_ = true;
};

}  // namespace tbgw::test
