// The per-poll path allocates nothing (style rule 6): global operator new is replaced in this
// test binary and counted while the poller runs 10,000 steady-state refresh cycles against the
// scripted BMS. The fake BMS itself allocates (vectors), so counting is switched on only around
// the calls into the poller.
#include <gtest/gtest.h>

#include <cstdlib>
#include <new>
#include <vector>

#include "core/tinybms/poller.hpp"
#include "unit/fake_bms.hpp"

#include "unit/counting_new.hpp"

namespace tbgw::tinybms {
namespace {

TEST(PollerAllocation, GivenSteadyState_WhenPolledTenThousandCycles_ThenNoHeapAllocation) {
  PollerConfig config;
  config.live_interval_ms = 100;
  Poller poller(config);
  test::FakeBms bms;
  for (int ch = 0; ch < 16; ++ch) bms.regs[ch] = 33000;
  bms.regs[37] = 0x4253;  // 52.8 V (float, high word)
  bms.regs[53] = 16;
  bms.regs[307] = 16;
  bms.regs[306] = 28000;
  bms.regs[315] = 3650;
  bms.regs[316] = 2800;

  Millis now = 0;
  std::size_t snapshots = 0;
  auto step = [&](bool count) {
    g_counting = count;
    auto request = poller.poll(now);
    g_counting = false;
    if (request) bms.receive(request->bytes(), now);
    const Millis due = std::min(poller.next_deadline(now), bms.next_due());
    now = std::max(now + 1, due);
    auto bytes = bms.take(now);
    g_counting = count;
    if (!bytes.empty()) poller.on_bytes(bytes, now);
    while (auto event = poller.next_event()) {
      if (std::holds_alternative<msg::BatterySnapshot>(*event)) ++snapshots;
    }
    g_counting = false;
  };
  while (snapshots < 10) step(false);  // start-up: version, settings, first refreshes
  const std::size_t start = snapshots;
  g_allocations = 0;
  while (snapshots < start + 10'000) step(true);
  EXPECT_EQ(g_allocations, 0U);
  EXPECT_EQ(poller.stats().decode_errors, 0U);
}

}  // namespace
}  // namespace tbgw::tinybms
