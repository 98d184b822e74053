// FakeBms: a scripted TinyBMS for the poller's unit tests: a register array answered through
// core's response builder, with switchable misbehaviour (silence, dropped requests, NACKs,
// corrupted or wrong replies). Deliberately dumb: the full battery is the simulator's job
// (tests/integration drive the real simulator over a pty).
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include "core/tinybms/request_parser.hpp"
#include "core/tinybms/response_builder.hpp"
#include "core/util/time.hpp"

namespace tbgw::test {

class FakeBms {
 public:
  std::array<std::uint16_t, 512> regs{};
  bool silent = false;               // answers nothing (unplugged)
  int drop_next = 0;                 // this many requests go unanswered (sleep wake-up)
  bool corrupt_replies = false;      // flip a bit in every reply
  bool nack_reserved_spans = false;  // NACK a 0x03 read that covers a reserved register
  bool wrong_count_replies = false;  // answer 0x03 with one word too few
  bool ignore_writes = false;        // ACK writes but keep the old values
  bool stray_preamble = false;       // a stray "AA 03 06" (broadcast junk) before each reply
  Millis reply_delay_ms = 5;
  std::function<bool(std::uint16_t)> is_reserved = [](std::uint16_t) { return false; };

  std::vector<std::vector<std::uint8_t>> requests;  // every request received

  void receive(std::span<const std::uint8_t> bytes, Millis now) {
    requests.emplace_back(bytes.begin(), bytes.end());
    for (;;) {
      auto r = parser_.push(bytes);
      bytes = bytes.subspan(r.consumed);
      if (!r.event) break;
      if (r.event->kind == tinybms::RequestEvent::Kind::frame) answer(r.event->frame, now);
    }
  }

  // Reply bytes due by `now`, if any.
  std::vector<std::uint8_t> take(Millis now) {
    std::vector<std::uint8_t> out;
    while (!pending_.empty() && pending_.front().due_ms <= now) {
      out.insert(out.end(), pending_.front().bytes.begin(), pending_.front().bytes.end());
      pending_.pop_front();
    }
    return out;
  }
  Millis next_due() const { return pending_.empty() ? INT64_MAX : pending_.front().due_ms; }

 private:
  struct Pending {
    Millis due_ms;
    std::vector<std::uint8_t> bytes;
  };

  void answer(const tinybms::RequestFrame& f, Millis now) {
    if (silent) return;
    if (drop_next > 0) {
      --drop_next;
      return;
    }
    tinybms::FrameBytes reply{};
    if (f.command == tinybms::Command::modbus_read) {
      const auto first = f.first_reg();
      auto count = static_cast<std::uint16_t>(f.count());
      bool spans = false;
      for (std::uint16_t a = first; a < first + count; ++a) spans = spans || is_reserved(a);
      if (nack_reserved_spans && spans) {
        reply =
            tinybms::build_nack(tinybms::Command::modbus_read, tinybms::NackError::command_error);
      } else {
        if (wrong_count_replies) --count;
        auto built = tinybms::build_modbus_read_response(
            std::span<const std::uint16_t>(regs.data() + first, count));
        if (!built.ok()) return;
        reply = *built;
      }
    } else if (f.command == tinybms::Command::modbus_write) {
      if (!ignore_writes) {
        for (std::size_t i = 0; i < f.count(); ++i) regs[f.first_reg() + i] = f.value(i);
      }
      reply =
          tinybms::build_modbus_write_response(f.first_reg(), static_cast<std::uint8_t>(f.count()));
    } else {
      reply = tinybms::build_nack(f.command, tinybms::NackError::command_error);
    }
    std::vector<std::uint8_t> bytes(reply.bytes().begin(), reply.bytes().end());
    if (corrupt_replies && bytes.size() > 3) bytes[3] ^= 0x10;
    if (stray_preamble) bytes.insert(bytes.begin(), {0xAA, 0x03, 0x06});
    pending_.push_back({now + reply_delay_ms, std::move(bytes)});
  }

  tinybms::RequestParser parser_;
  std::deque<Pending> pending_;
};

}  // namespace tbgw::test
