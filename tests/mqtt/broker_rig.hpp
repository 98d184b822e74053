// The test rig of the MQTT integration tests: a private mosquitto broker on a free loopback
// port, a mosquitto_sub reader that keeps the last payload per topic, mosquitto_pub, and the
// gateway on its simulator with a seed configuration.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "integration/process.hpp"
#include "integration/temp_dir.hpp"

namespace tbgw::test::mqtt {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

inline int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  socklen_t len = sizeof(a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

inline bool port_open(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
  ::close(fd);
  return ok;
}

inline int run(std::vector<std::string> argv) {
  Process p(std::move(argv));
  return p.wait(20'000ms);
}

// A mosquitto broker: a plain listener on port(), plus whatever `extra` configures.
class Broker {
 public:
  Broker(const fs::path& dir, std::string extra = {}) : dir_(dir), extra_(std::move(extra)) {
    port_ = free_port();
    // Run as root, mosquitto drops to the "mosquitto" user: it must be able to read the
    // test's files (certificates, password file).
    fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                              fs::perms::others_read | fs::perms::others_exec);
    start();
  }
  void start() {
    const auto conf = dir_ / "mosquitto.conf";
    std::ofstream(conf) << "per_listener_settings false\nlistener " << port_ << " 127.0.0.1\n"
                        << (extra_.find("allow_anonymous") == std::string::npos
                                ? "allow_anonymous true\n"
                                : "")
                        << extra_ << "\n";
    proc_ = std::make_unique<Process>(
        std::vector<std::string>{"/usr/sbin/mosquitto", "-c", conf.string()});
    for (int i = 0; i < 500 && !port_open(port_); ++i) std::this_thread::sleep_for(10ms);
  }
  void signal(int sig) { proc_->signal(sig); }
  void kill() {
    proc_->signal(SIGKILL);
    proc_->wait();
  }
  int port() const { return port_; }
  std::string url() const { return "mqtt://127.0.0.1:" + std::to_string(port_); }
  std::string log() { return proc_->stderr_text(); }

 private:
  fs::path dir_;
  std::string extra_;
  int port_ = 0;
  std::unique_ptr<Process> proc_;
};

using Messages = std::map<std::string, std::string>;  // topic -> last payload

class Subscriber {
 public:
  Subscriber(int port, const std::vector<std::string>& topics) {
    std::vector<std::string> argv = {"/usr/bin/mosquitto_sub", "-h", "127.0.0.1", "-p",
                                     std::to_string(port),     "-v"};
    for (const auto& t : topics) {
      argv.push_back("-t");
      argv.push_back(t);
    }
    proc_ = std::make_unique<Process>(argv);
  }
  // Reads messages until pred(all) holds; false on timeout.
  bool until(const std::function<bool(const Messages&)>& pred,
             std::chrono::milliseconds timeout = 30'000ms) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (!pred(all_)) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          end - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      const auto line = proc_->read_line(left);
      if (!line) return false;
      const auto space = line->find(' ');
      const auto topic = line->substr(0, space);
      auto payload = space == std::string::npos ? "" : line->substr(space + 1);
      if (payload == "(null)") payload.clear();  // how mosquitto_sub -v shows an empty payload
      all_[topic] = payload;
      history_.emplace_back(topic, payload);
    }
    return true;
  }
  const Messages& all() const { return all_; }
  const std::vector<std::pair<std::string, std::string>>& history() const { return history_; }

 private:
  std::unique_ptr<Process> proc_;
  Messages all_;
  std::vector<std::pair<std::string, std::string>> history_;
};

inline void publish(int port, const std::string& topic, const std::string& payload) {
  ASSERT_EQ(run({"/usr/bin/mosquitto_pub", "-h", "127.0.0.1", "-p", std::to_string(port), "-t",
                 topic, "-m", payload}),
            0);
}

inline std::size_t count_prefix(const Messages& m, const std::string& prefix) {
  std::size_t n = 0;
  for (const auto& [t, p] : m) n += t.starts_with(prefix) && !p.empty() ? 1 : 0;
  return n;
}

struct Gateway {
  Gateway(const TempDir& state, const std::string& url, const std::string& settings_json,
          std::vector<std::string> extra = {}) {
    const auto config = state.path() / "seed.json";
    std::ofstream(config) << R"({"schema_version": 1, "settings": {)" << settings_json << "}}";
    std::vector<std::string> argv = {TBGW_GW_BIN,
                                     "--simulate",
                                     "--mqtt",
                                     url,
                                     "--state-dir",
                                     state.path().string(),
                                     "--http",
                                     "",
                                     "--poll-interval-ms",
                                     "300",
                                     "--config",
                                     config.string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    proc = std::make_unique<Process>(argv);
  }
  std::unique_ptr<Process> proc;
};

inline constexpr const char* kId = "testbms";
inline const std::string kBase = std::string("tinybms-gw/") + kId + "/";

}  // namespace tbgw::test::mqtt
