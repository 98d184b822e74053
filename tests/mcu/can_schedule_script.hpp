// The CAN frame schedule's golden run (core/victron/can_schedule.hpp), shared by the recorder
// (host: writes the sent-frame log into tests/mcu/golden_vectors.hpp) and the golden program
// (host and MCU: compares its own log with the recording).
//
// A scripted owner loop on a fake microsecond clock: it wakes at the schedule's deadline or at
// the next scripted step, whichever comes first, and answers every frame the way a driver
// would (mostly queued; `full` three times in a row, once alone, and two errors, by attempt
// number). Steps: an update with 0x351 not first, GX frames, a new set that drops an id in the
// middle of a cycle, a 3.7 s stall of the loop (overrun, the GX times out meanwhile),
// invalidate, data again, the GX back.
//
// Bounds: no heap; the schedule object is the caller's (a static on the MCU).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "core/util/time.hpp"
#include "core/victron/can_frame.hpp"
#include "core/victron/can_schedule.hpp"

namespace tbgw::mcu::can_script {

inline constexpr victron::CanScheduleConfig kConfig{.period_ms = 2000,
                                                    .keepalive_period_ms = 1000,
                                                    .frame_spacing_ms = 5,
                                                    .max_full_retries = 2,
                                                    .gx_timeout_ms = 3000};
inline constexpr Micros kEndUs = 13'000'000;

enum class Action : std::uint8_t {
  update_all,    // the whole set, data version = arg
  update_short,  // the set without 0x356, data version = arg
  invalidate,
  gx_305,
  gx_307,
  stall,  // the loop sleeps arg ms without serving a deadline
};

struct Step {
  Micros at_us;
  Action action;
  int arg;
};

inline constexpr std::array<Step, 10> kSteps{{
    {250'000, Action::update_all, 1},
    {1'500'000, Action::gx_307, 0},
    {2'100'000, Action::gx_305, 0},
    {2'262'000, Action::update_short, 2},  // between the cycle's 0x355 and 0x356
    {4'300'000, Action::stall, 3700},
    {8'100'000, Action::invalidate, 0},
    {9'000'000, Action::update_all, 3},
    {9'500'000, Action::gx_305, 0},
    {10'000'000, Action::update_all, 4},
    {12'000'000, Action::gx_307, 0},
}};

// The driver's answer to the n-th send attempt.
constexpr victron::CanSendResult answer(std::size_t attempt) {
  using R = victron::CanSendResult;
  if (attempt >= 3 && attempt <= 5) return R::full;  // three in a row: retried twice, dropped
  if (attempt == 9) return R::full;                  // once: the retry goes
  if (attempt == 14 || attempt == 15) return R::error;
  return R::queued;
}

struct Send {
  Micros at_us;
  std::uint32_t id;
  std::uint8_t data0;
  victron::CanSendResult result;
};

inline victron::CanFrame script_frame(std::uint32_t id, int version) {
  victron::CanFrame f;
  f.id = id;
  f.data[0] = static_cast<std::uint8_t>(version);
  f.data[1] = static_cast<std::uint8_t>(id & 0xFFU);
  return f;
}

// Runs the script; on_send(const Send&) for every attempt, on_gx(at_us, present) for every GX
// edge, on_reject(at_us) for a refused update (none expected).
template <class OnSend, class OnGx, class OnReject>
void run(victron::CanSchedule& schedule, OnSend&& on_send, OnGx&& on_gx, OnReject&& on_reject) {
  constexpr std::array<std::uint32_t, 6> kIds{0x355, 0x351, 0x356, 0x35A, 0x35E, 0x370};
  Micros now_us = 0;
  std::size_t step = 0;
  std::size_t attempt = 0;
  schedule.start(now_us);
  while (true) {
    const auto deadline = schedule.next_deadline(now_us);
    const Micros next_step_us = step < kSteps.size() ? kSteps[step].at_us : kEndUs;
    const Micros at_us = deadline && *deadline < next_step_us ? *deadline : next_step_us;
    if (at_us >= kEndUs) break;
    now_us = at_us;
    if (step < kSteps.size() && kSteps[step].at_us == now_us) {
      const Step& s = kSteps[step++];
      std::array<victron::CanFrame, kIds.size()> set{};
      std::size_t n = 0;
      switch (s.action) {
        case Action::update_all:
        case Action::update_short:
          for (std::uint32_t id : kIds) {
            if (s.action == Action::update_short && id == 0x356) continue;
            set[n++] = script_frame(id, s.arg);
          }
          if (!schedule.update({set.data(), n}, now_us).ok()) on_reject(now_us);
          break;
        case Action::invalidate:
          schedule.invalidate();
          break;
        case Action::gx_305:
        case Action::gx_307: {
          const std::uint32_t id = s.action == Action::gx_305 ? 0x305U : 0x307U;
          if (schedule.on_received({script_frame(id, 0), now_us / 1000})) on_gx(now_us, true);
          break;
        }
        case Action::stall:
          now_us += static_cast<Micros>(s.arg) * 1000;
          break;
      }
      continue;
    }
    if (schedule.check_gx(now_us)) on_gx(now_us, false);
    while (const auto frame = schedule.due(now_us)) {
      const victron::CanSendResult r = answer(attempt++);
      on_send(Send{now_us, frame->id, frame->data[0], r});
      schedule.on_sent(r, now_us);
    }
  }
}

}  // namespace tbgw::mcu::can_script
