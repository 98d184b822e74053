#include "platform/linux/posix.hpp"

#include <pthread.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <iostream>

namespace tbgw::platform {

void set_thread_name(const char* name) {
  // Linux refuses names longer than 15 characters instead of cutting them: cut here.
  std::array<char, 16> cut{};
  std::strncpy(cut.data(), name, cut.size() - 1);
  ::pthread_setname_np(::pthread_self(), cut.data());
}

std::string host_name() {
  std::array<char, 256> name{};
  if (::gethostname(name.data(), name.size() - 1) != 0) return {};
  return name.data();
}

int duplicate_fd(int fd) {
  return ::dup(fd);
}

bool stdin_is_terminal() {
  return ::isatty(STDIN_FILENO) == 1;
}

std::optional<std::string> read_secret_line(const char* prompt) {
  const bool tty = stdin_is_terminal();
  termios old{};
  if (tty) {
    std::fprintf(stderr, "%s", prompt);
    ::tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string out;
  const bool ok = static_cast<bool>(std::getline(std::cin, out));
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::fprintf(stderr, "\n");
  }
  if (!ok) return std::nullopt;
  if (!out.empty() && out.back() == '\r') out.pop_back();
  return out;
}

}  // namespace tbgw::platform
