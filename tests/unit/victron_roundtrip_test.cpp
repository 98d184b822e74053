// decode(encode(x)) == x within each field's resolution, for randomised snapshots, decisions,
// alarms and energy totals (seeded; the seed is printed with every failure), including values
// beyond the field limits, which must come back saturated.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <variant>

#include "core/victron/frame_decoder.hpp"
#include "core/victron/frame_encoder.hpp"
#include "core/victron/snapshot_view.hpp"
#include "victron_test_support.hpp"

namespace tbgw::victron {
namespace {

constexpr unsigned kSeed = 20240611;
constexpr int kRounds = 3000;

class Gen {
 public:
  explicit Gen(unsigned seed) : rng_(seed) {}
  double real(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng_); }
  float f(double lo, double hi) { return static_cast<float>(real(lo, hi)); }
  int integer(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool coin() { return integer(0, 1) == 1; }

 private:
  std::mt19937 rng_;
};

struct Case {
  msg::BatterySnapshot s;
  msg::ChargeDecision d;
  msg::BatteryAlarms a;
  tinybms::BmsSettings st;
  EnergyTotals e;
};

Case random_case(Gen& g) {
  Case c;
  c.st = test::lfp_settings();
  c.st.under_voltage_cutoff_cell_mv = 2500;  // 40.0 V
  c.st.over_voltage_cutoff_cell_mv = 3800;   // 60.8 V
  c.st.capacity_ah = static_cast<float>(g.integer(10, 65500)) / 100.0F;
  const float cvl = g.f(40.0, 60.8);
  c.d = test::decision(cvl, g.f(0.0, 400.0), g.f(0.0, 400.0), g.f(30.0, cvl));
  c.s.cell_count = static_cast<std::uint8_t>(g.integer(4, 16));
  float sum_mv = 0.0F;
  for (std::size_t i = 0; i < c.s.cell_count; ++i) {
    c.s.cell_mv[i] = static_cast<float>(g.integer(25000, 38000)) / 10.0F;
    sum_mv += c.s.cell_mv[i];
  }
  c.s.pack_voltage_v = sum_mv / 1000.0F + g.f(-0.5, 0.5);
  c.s.pack_current_a = g.f(-300.0, 300.0);
  c.s.soc_pct = g.real(0.0, 100.0);
  c.s.soh_pct = g.f(0.0, 100.0);
  c.s.soh_valid = g.coin();
  for (std::size_t i = 0; i < 3; ++i) {
    c.s.temps_c[i] = static_cast<float>(g.integer(-300, 700)) / 10.0F;
    c.s.temp_present[i] = g.coin();
  }
  for (auto& l : c.a.level) l = static_cast<msg::AlarmLevel>(g.integer(0, 3));
  c.a.online = g.coin();
  c.e = {g.real(0.0, 1e8), g.real(0.0, 1e8)};
  return c;
}

template <class T>
T fields_of(const FrameSet& set, std::uint32_t id) {
  const CanFrame* f = set.find(id);
  EXPECT_NE(f, nullptr) << std::hex << id;
  if (f == nullptr) return T{};
  const auto d = decode(*f);
  EXPECT_TRUE(d.ok()) << std::hex << id;
  if (!d.ok() || !std::holds_alternative<T>(d->fields)) return T{};
  return std::get<T>(d->fields);
}

std::string cell_name(std::uint8_t index) {
  return "cell " + std::to_string(index + 1);
}

TEST(VictronRoundTrip, GivenRandomInputs_WhenEncodedAndDecoded_ThenEqualWithinResolution) {
  Gen g(kSeed);
  const FrameEncoder encoder{*make_identity("TinyBMS", "TinyBMS", "LFP", true)};
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("seed " + std::to_string(kSeed) + " round " + std::to_string(round));
    const Case c = random_case(g);
    FrameSet set;
    const auto r = encoder.encode({c.s, c.d, c.a, c.st, c.e}, set);
    ASSERT_TRUE(r.ok()) << to_string(r.error());
    constexpr double kEps = 1e-4;  // float32 inputs

    const auto lim = fields_of<LimitsFields>(set, 0x351);
    EXPECT_NEAR(lim.cvl_v(), static_cast<double>(c.d.cvl_v), 0.05 + kEps);
    EXPECT_NEAR(lim.ccl_a(), static_cast<double>(c.d.ccl_a), 0.05 + kEps);
    EXPECT_NEAR(lim.dcl_a(), static_cast<double>(c.d.dcl_a), 0.05 + kEps);
    EXPECT_NEAR(lim.dvl_v(), static_cast<double>(c.d.dvl_v), 0.05 + kEps);
    EXPECT_GT(lim.cvl_dv, 0);
    EXPECT_GT(lim.dvl_dv, 0);

    const auto soc = fields_of<SocFields>(set, 0x355);
    EXPECT_NEAR(soc.soc_pct, c.s.soc_pct, 0.5);
    EXPECT_NEAR(soc.soc_high_res_pct(), c.s.soc_pct, 0.005 + 1e-9);
    EXPECT_NEAR(soc.soh_pct, c.s.soh_valid ? static_cast<double>(c.s.soh_pct) : 100.0, 0.5 + kEps);

    const auto m = fields_of<MeasurementFields>(set, 0x356);
    const TempExtremes t = cell_temperatures(c.s);
    EXPECT_NEAR(m.voltage_v(), static_cast<double>(c.s.pack_voltage_v), 0.005 + kEps);
    EXPECT_NEAR(m.current_a(), static_cast<double>(c.s.pack_current_a), 0.05 + kEps);
    EXPECT_NEAR(m.temp_c(), t.known ? static_cast<double>(t.max_c) : 0.0, 0.05 + kEps);

    const msg::BatteryAlarms a = fields_of<AlarmFields>(set, 0x35A).levels();
    EXPECT_EQ(a.level, c.a.level);
    EXPECT_EQ(a.online, c.a.online);

    const bool charge = std::lround(static_cast<double>(c.d.ccl_a) * 10.0) > 0;
    const bool discharge = std::lround(static_cast<double>(c.d.dcl_a) * 10.0) > 0;
    const auto flags = fields_of<RequestFlagFields>(set, 0x35C);
    EXPECT_EQ(flags.charge_enable(), charge);
    EXPECT_EQ(flags.discharge_enable(), discharge);
    const auto mod = fields_of<ModuleFields>(set, 0x372);
    EXPECT_EQ(mod.blocking_charge, charge ? 0 : 1);
    EXPECT_EQ(mod.blocking_discharge, discharge ? 0 : 1);

    const auto info = fields_of<BatteryInfoFields>(set, 0x35F);
    EXPECT_NEAR(info.online_capacity_ah, static_cast<double>(c.st.capacity_ah), 0.5 + kEps);
    const auto cap = fields_of<CapacityFields>(set, 0x379);
    EXPECT_NEAR(cap.installed_capacity_ah, static_cast<double>(c.st.capacity_ah), 0.5 + kEps);

    const CellExtremes cells = cell_extremes(c.s);
    const auto ce = fields_of<CellExtremeFields>(set, 0x373);
    EXPECT_NEAR(ce.min_cell_mv, static_cast<double>(cells.min_mv), 0.5 + kEps);
    EXPECT_NEAR(ce.max_cell_mv, static_cast<double>(cells.max_mv), 0.5 + kEps);
    if (t.known) {
      EXPECT_NEAR(ce.min_temp_c(), static_cast<double>(t.min_c), 0.5 + kEps);
      EXPECT_NEAR(ce.max_temp_c(), static_cast<double>(t.max_c), 0.5 + kEps);
    }
    const auto min_id = fields_of<TextFields>(set, 0x374);  // keep: view() points into it
    const auto max_id = fields_of<TextFields>(set, 0x375);
    EXPECT_EQ(min_id.view(), cell_name(cells.min_index));
    EXPECT_EQ(max_id.view(), cell_name(cells.max_index));
    EXPECT_EQ(c.s.cell_mv[cells.min_index],
              *std::min_element(c.s.cell_mv.begin(), c.s.cell_mv.begin() + c.s.cell_count));

    const auto en = fields_of<EnergyFields>(set, 0x378);
    EXPECT_NEAR(en.wh_charged(), c.e.wh_charged, 50.0 + kEps);
    EXPECT_NEAR(en.wh_discharged(), c.e.wh_discharged, 50.0 + kEps);

    const auto family = fields_of<TextFields>(set, 0x382);
    EXPECT_EQ(family.view(), "LFP");
    for (const CanFrame& f : set.view()) {
      const auto text = describe(f);
      EXPECT_LT(text.size, FrameText::kCapacity);
      char prefix[8];
      std::snprintf(prefix, sizeof prefix, "0x%03X ", static_cast<unsigned>(f.id));
      EXPECT_EQ(text.view().substr(0, 6), prefix);
    }
  }
}

TEST(VictronRoundTrip, GivenRandomValuesBeyondTheFieldLimits_WhenRoundTripped_ThenSaturated) {
  Gen g(kSeed + 1);
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("seed " + std::to_string(kSeed + 1) + " round " + std::to_string(round));
    msg::BatterySnapshot s = test::healthy_snapshot();
    s.pack_voltage_v = g.f(-1000.0, 1000.0);
    s.pack_current_a = g.f(-10000.0, 10000.0);
    s.temps_c = {0.0F, g.f(-5000.0, 5000.0), 0.0F};
    s.temp_present = {false, true, false};
    s.soc_pct = g.real(-50.0, 150.0);
    const auto m = std::get<MeasurementFields>(decode(encode_measurements(s))->fields);
    constexpr double kEps = 1e-3;
    EXPECT_NEAR(m.voltage_v(), std::clamp(static_cast<double>(s.pack_voltage_v), -327.68, 327.67),
                0.005 + kEps);
    EXPECT_NEAR(m.current_a(), std::clamp(static_cast<double>(s.pack_current_a), -3276.8, 3276.7),
                0.05 + kEps);
    EXPECT_NEAR(m.temp_c(), std::clamp(static_cast<double>(s.temps_c[1]), -3276.8, 3276.7),
                0.05 + kEps);
    const auto soc = std::get<SocFields>(decode(encode_soc(s, 100.0F))->fields);
    EXPECT_NEAR(soc.soc_high_res_pct(), std::clamp(s.soc_pct, 0.0, 100.0), 0.005 + 1e-9);

    const float cvl = g.f(0.1, 10000.0);
    const auto d = test::decision(cvl, g.f(-5000.0, 5000.0), g.f(-5000.0, 5000.0), 0.1F);
    const auto lim_frame = encode_limits(d);
    ASSERT_TRUE(lim_frame.ok());
    const auto lim = std::get<LimitsFields>(decode(*lim_frame)->fields);
    EXPECT_NEAR(lim.cvl_v(), std::clamp(static_cast<double>(cvl), 0.0, 6553.5), 0.05 + kEps);
    EXPECT_NEAR(lim.ccl_a(), std::clamp(static_cast<double>(d.ccl_a), 0.0, 3276.7), 0.05 + kEps);
    EXPECT_NEAR(lim.dcl_a(), std::clamp(static_cast<double>(d.dcl_a), 0.0, 3276.7), 0.05 + kEps);
  }
}

}  // namespace
}  // namespace tbgw::victron
