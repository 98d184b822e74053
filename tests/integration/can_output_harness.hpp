// Helpers for the CAN integration tests: run an io_context until a condition holds (with a
// generous guard, not a timing assertion), and read a candump -L log back, checking its format.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tbgw::test {

// Runs `io` until `done()` is true (checked every millisecond) or `guard` passes. Returns
// whether `done()` became true. Other handlers that are due stay queued for the next run.
inline bool run_until(boost::asio::io_context& io, std::function<bool()> done,
                      std::chrono::milliseconds guard = std::chrono::seconds(20)) {
  struct State {
    explicit State(boost::asio::io_context& ctx) : timer(ctx) {}
    boost::asio::steady_timer timer;
    std::function<bool()> done;
    std::chrono::steady_clock::time_point end;
    bool ok = false;
  };
  auto state = std::make_shared<State>(io);
  state->done = std::move(done);
  state->end = std::chrono::steady_clock::now() + guard;
  // The handler owns the state, so a cancelled wait that completes later touches nothing gone.
  std::function<void(std::shared_ptr<State>)> poll = [&io, &poll](std::shared_ptr<State> st) {
    if (st->done()) {
      st->ok = true;
      io.stop();
      return;
    }
    if (std::chrono::steady_clock::now() > st->end) {
      io.stop();
      return;
    }
    st->timer.expires_after(std::chrono::milliseconds(1));
    st->timer.async_wait([st, &poll](const boost::system::error_code& ec) {
      if (!ec) poll(st);
    });
  };
  io.restart();
  poll(state);
  if (!state->ok) io.run();
  state->timer.cancel();
  state->done = [] { return true; };  // the captured test objects may go away after return
  return state->ok;
}

// Runs `io` for `duration` (a wait in which nothing must happen, not a timing assertion).
inline void run_for(boost::asio::io_context& io, std::chrono::milliseconds duration) {
  io.restart();
  io.run_for(duration);
}

struct LogLine {
  std::string text;
  std::int64_t stamp_us = 0;
  std::string interface_name;
  std::uint32_t id = 0;
  std::string data_hex;
};

// Parses the exact candump -L shape "(SECONDS.USEC) IFACE III#DD..": digits, exactly 6 of
// microseconds, 3 uppercase hex digits of id, 0 to 8 bytes as uppercase hex, nothing more.
// (Hand-written: std::regex trips a GCC 12 -Wmaybe-uninitialized false positive under -O1.)
inline bool parse_candump(const std::string& line, LogLine& out) {
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  auto is_hex = [&](char c) { return is_digit(c) || (c >= 'A' && c <= 'F'); };
  std::size_t i = 0;
  if (line.empty() || line[i++] != '(') return false;
  const std::size_t sec_begin = i;
  while (i < line.size() && is_digit(line[i])) ++i;
  if (i == sec_begin || i >= line.size() || line[i] != '.') return false;
  const std::string seconds = line.substr(sec_begin, i - sec_begin);
  const std::size_t usec_begin = ++i;
  while (i < line.size() && is_digit(line[i])) ++i;
  if (i - usec_begin != 6 || line.compare(i, 2, ") ") != 0) return false;
  const std::string micros = line.substr(usec_begin, 6);
  i += 2;
  const std::size_t name_begin = i;
  while (i < line.size() && line[i] != ' ') {
    const char c = line[i];
    if (!(is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.' ||
          c == '-')) {
      return false;
    }
    ++i;
  }
  if (i == name_begin || i >= line.size()) return false;
  const std::string name = line.substr(name_begin, i - name_begin);
  ++i;
  if (i + 4 > line.size() || line[i + 3] != '#') return false;
  for (std::size_t k = i; k < i + 3; ++k) {
    if (!is_hex(line[k])) return false;
  }
  const std::string id = line.substr(i, 3);
  const std::string data = line.substr(i + 4);
  if (data.size() % 2 != 0 || data.size() > 16) return false;
  for (char c : data) {
    if (!is_hex(c)) return false;
  }
  out.stamp_us = std::stoll(seconds) * 1'000'000 + std::stoll(micros);
  out.interface_name = name;
  out.id = static_cast<std::uint32_t>(std::stoul(id, nullptr, 16));
  out.data_hex = data;
  return true;
}

// Reads every line; a line that is not candump -L is returned with id 0xFFFFFFFF.
inline std::vector<LogLine> read_candump(const std::filesystem::path& file) {
  std::vector<LogLine> out;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    LogLine l;
    l.text = line;
    if (!parse_candump(line, l)) l.id = 0xFFFFFFFF;
    out.push_back(l);
  }
  return out;
}

}  // namespace tbgw::test
