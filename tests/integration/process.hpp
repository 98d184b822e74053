// Child processes for the integration tests: the real tinybms-sim and tinybms-gw binaries,
// started with pipes on stdin/stdout/stderr, read line by line with a deadline, and stopped with
// a signal. Deadlines here are generous failure guards, not timing assertions.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace tbgw::test {

class Process {
 public:
  explicit Process(std::vector<std::string> argv) {
    int in[2], out[2], err[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 ||
        ::pipe2(err, O_CLOEXEC) != 0) {
      return;
    }
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(in[0], 0);
      ::dup2(out[1], 1);
      ::dup2(err[1], 2);
      std::vector<char*> args;
      for (auto& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      std::fprintf(stderr, "exec %s: %s\n", args[0], std::strerror(errno));
      ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    stdin_ = in[1];
    stdout_ = out[0];
    stderr_ = err[0];
  }
  ~Process() {
    if (running()) {
      signal(SIGKILL);
      wait();
    }
    for (int fd : {stdin_, stdout_, stderr_}) {
      if (fd >= 0) ::close(fd);
    }
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0 && !exit_status_; }

  void write_line(const std::string& line) {
    const std::string s = line + "\n";
    [[maybe_unused]] auto n = ::write(stdin_, s.data(), s.size());
  }

  // Ends the child's standard input (EOF), for programs that read all of it.
  void close_stdin() {
    if (stdin_ >= 0) ::close(stdin_);
    stdin_ = -1;
  }

  // The next stdout line, or nullopt after `timeout` (or at EOF).
  std::optional<std::string> read_line(std::chrono::milliseconds timeout) {
    return next_line(stdout_, out_buf_, timeout);
  }
  // Reads stderr until a line containing `text` appears; returns it, or nullopt on timeout.
  std::optional<std::string> wait_for_stderr(const std::string& text,
                                             std::chrono::milliseconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          end - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      auto line = next_line(stderr_, err_buf_, left);
      if (!line) return std::nullopt;
      stderr_log_ += *line + "\n";
      if (line->find(text) != std::string::npos) return line;
    }
  }
  // Everything stderr said so far (drains what is available without waiting).
  const std::string& stderr_text() {
    while (auto line = next_line(stderr_, err_buf_, std::chrono::milliseconds(0))) {
      stderr_log_ += *line + "\n";
    }
    return stderr_log_;
  }

  void signal(int sig) {
    if (running()) ::kill(pid_, sig);
  }
  // Waits for exit; returns the exit code, 128+signal for a signal, or -1 on timeout.
  int wait(std::chrono::milliseconds timeout = std::chrono::milliseconds(10'000)) {
    if (exit_status_) return *exit_status_;
    const auto end = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      int status = 0;
      const pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return *exit_status_;
      }
      if (std::chrono::steady_clock::now() > end) return -1;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

 private:
  static std::optional<std::string> next_line(int fd, std::string& buf,
                                              std::chrono::milliseconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (const auto nl = buf.find('\n'); nl != std::string::npos) {
        std::string line = buf.substr(0, nl);
        buf.erase(0, nl + 1);
        return line;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          end - std::chrono::steady_clock::now());
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(std::max<long>(0, left.count()))) <= 0) {
        return std::nullopt;
      }
      char chunk[4096];
      const ssize_t n = ::read(fd, chunk, sizeof chunk);
      if (n <= 0) return std::nullopt;
      buf.append(chunk, static_cast<std::size_t>(n));
    }
  }

  pid_t pid_ = -1;
  int stdin_ = -1, stdout_ = -1, stderr_ = -1;
  std::string out_buf_, err_buf_, stderr_log_;
  std::optional<int> exit_status_;
};

}  // namespace tbgw::test
