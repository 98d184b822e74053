// What the Venus OS D-Bus service costs per publish cycle (issue 12): the mapping from the
// gateway's messages to the ~100 Venus paths with the change detection (core/venus), and the
// libdbus encoding of one ItemsChanged and of a full GetItems reply (app/dbus). The end-to-end
// figure (CPU of the running gateway and D-Bus messages per second on a private bus, x86 and
// under qemu-user) comes from bench/dbus_bench.sh. Results: docs/performance.md.
#include <benchmark/benchmark.h>
#include <dbus/dbus.h>

#include "app/dbus/busitem_service.hpp"
#include "app/dbus/dbus_connection.hpp"
#include "core/venus/venus_mapper.hpp"

namespace {

using namespace tbgw;

msg::BatterySnapshot snapshot(int step) {
  msg::BatterySnapshot s;
  s.stamp_ms = step * 1000;
  s.cell_count = 16;
  for (std::size_t i = 0; i < 16; ++i) {
    s.cell_mv[i] = 3300.0F + static_cast<float>((step * 7 + static_cast<int>(i) * 3) % 11);
  }
  s.pack_voltage_v = 52.8F + static_cast<float>(step % 5) * 0.01F;
  s.pack_current_a = -20.0F + static_cast<float>(step % 3) * 0.1F;
  s.soc_pct = 60.0 - step * 0.001;
  s.temps_c = {25.0F, 21.0F, 22.0F};
  s.temp_present = {true, true, true};
  return s;
}

struct Rig {
  venus::VenusMapper mapper;
  venus::VenusTable table;
  msg::ChargeDecision decision;
  msg::EnergyCounters energy;
  venus::VenusInputs in;
  Rig() {
    decision.valid = true;
    decision.cvl_v = 55.2F;
    decision.ccl_a = 100.0F;
    decision.dcl_a = 150.0F;
    decision.dvl_v = 46.4F;
    decision.pack_v = 53.0F;  // the bounds every valid decision carries (decision_guard.hpp)
    decision.cvl_ceiling_v = 58.4F;
    decision.ccl_ceiling_a = 150.0F;
    decision.dcl_ceiling_a = 200.0F;
    in.decision = &decision;
    in.energy = &energy;
    in.link = msg::LinkStatus::up;
    in.capacity_ah = 280.0F;
  }
};

// One publish cycle of the core: map every path, keep the changes, take them.
void BM_VenusCycle(benchmark::State& state) {
  Rig r;
  int step = 0;
  std::size_t changed = 0;
  for (auto _ : state) {
    const auto s = snapshot(++step);
    r.in.snapshot = &s;
    r.mapper.update(r.in, s.stamp_ms + 100, r.table);
    r.table.take_changed([&](venus::Path, const venus::VenusValue&) { ++changed; });
  }
  state.counters["changed_per_cycle"] =
      benchmark::Counter(static_cast<double>(changed) / static_cast<double>(state.iterations()));
}
BENCHMARK(BM_VenusCycle);

// Building one ItemsChanged with a steady pack's changes (not sent: no bus).
void BM_ItemsChangedEncode(benchmark::State& state) {
  boost::asio::io_context io;
  app::dbus::DbusConnection conn(io);
  Rig r;
  app::dbus::BusItemService items(conn, r.table);
  int step = 0;
  for (auto _ : state) {
    const auto s = snapshot(++step);
    r.in.snapshot = &s;
    r.mapper.update(r.in, s.stamp_ms + 100, r.table);
    benchmark::DoNotOptimize(items.flush_changes());
  }
}
BENCHMARK(BM_ItemsChangedEncode);

// The reply to GetItems (what systemcalc asks once, when the name appears).
void BM_GetItemsReply(benchmark::State& state) {
  boost::asio::io_context io;
  app::dbus::DbusConnection conn(io);
  Rig r;
  const auto s = snapshot(1);
  r.in.snapshot = &s;
  r.mapper.update(r.in, 1100, r.table);
  app::dbus::BusItemService items(conn, r.table);
  DBusMessage* call = dbus_message_new_method_call("com.victronenergy.battery.x", "/",
                                                   "com.victronenergy.BusItem", "GetItems");
  dbus_message_set_serial(call, 1);
  for (auto _ : state) benchmark::DoNotOptimize(items.handle(call));
  dbus_message_unref(call);
}
BENCHMARK(BM_GetItemsReply);

}  // namespace

BENCHMARK_MAIN();
