// The battery state `tinybms-gw encode` reads on stdin (app/commands/snapshot_input.hpp), and what
// the tool does with it: the charge pipeline (core/control/charge_pipeline.hpp: controller, alarms,
// CAN encoder), whose frames go to a charger.
//
// Properties:
//   - an accepted input has 4..16 cells, each in 0..5000 mV, and settings inside the ranges the
//     reader documents;
//   - the snapshot printed as --print-snapshots prints it (snapshot_json) reads back as the
//     same measurements (at the printed resolution);
//   - for a few seconds of that state the pipeline sends frames only with a valid decision,
//     every frame decodes, and 0x351 never carries CVL = 0 or DVL = 0 (DESIGN rule 5), nor a
//     negative current limit.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "app/commands/snapshot_input.hpp"
#include "app/service/event_format.hpp"
#include "core/control/charge_pipeline.hpp"
#include "core/victron/frame_decoder.hpp"
#include "fuzz/fuzz_check.hpp"

namespace {

using namespace tbgw;

constexpr int kSeconds = 3;
constexpr std::uint32_t kLimitsId = 0x351;

bool near(double a, double b, double tolerance) {
  return std::fabs(a - b) <= tolerance;
}
bool near(float a, float b, double tolerance) {
  return near(static_cast<double>(a), static_cast<double>(b), tolerance);
}

void check_read_back(const msg::BatterySnapshot& s) {
  const std::string printed = app::snapshot_json(s);
  const auto parsed = app::parse_battery_input(printed);
  TBGW_FUZZ_CHECK(parsed.ok());
  const app::BatteryInput& again = *parsed;
  const msg::BatterySnapshot& t = again.snapshot;
  TBGW_FUZZ_CHECK(t.cell_count == s.cell_count);
  for (std::size_t i = 0; i < s.cell_count; ++i)
    TBGW_FUZZ_CHECK(near(t.cell_mv[i], s.cell_mv[i], 0.06));
  TBGW_FUZZ_CHECK(t.min_cell_mv == s.min_cell_mv && t.max_cell_mv == s.max_cell_mv);
  TBGW_FUZZ_CHECK(near(t.pack_voltage_v, s.pack_voltage_v, 1e-4));
  TBGW_FUZZ_CHECK(near(t.pack_current_a, s.pack_current_a, 1e-3));
  TBGW_FUZZ_CHECK(near(t.soc_pct, s.soc_pct, 1e-6) && t.soh_valid == s.soh_valid);
  for (std::size_t i = 0; i < s.temps_c.size(); ++i) {
    TBGW_FUZZ_CHECK(t.temp_present[i] == s.temp_present[i]);
    if (s.temp_present[i]) TBGW_FUZZ_CHECK(near(t.temps_c[i], s.temps_c[i], 0.06));
  }
  TBGW_FUZZ_CHECK(t.online_status == s.online_status);
}

void check_frames(const control::PipelineOutput& out) {
  if (!out.decision.valid || out.encode_failed) {
    TBGW_FUZZ_CHECK(out.frames.count == 0 || out.encode_failed);
    return;
  }
  for (const auto& frame : out.frames.view()) {
    const auto decoded = victron::decode(frame);
    TBGW_FUZZ_CHECK(decoded.ok());
    if (frame.id != kLimitsId) continue;
    const auto& limits = std::get<victron::LimitsFields>(decoded.value().fields);
    TBGW_FUZZ_CHECK(limits.cvl_dv > 0 && limits.dvl_dv > 0);
    TBGW_FUZZ_CHECK(limits.ccl_da >= 0 && limits.dcl_da >= 0);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto parsed = app::parse_battery_input(text);
  if (!parsed) {
    TBGW_FUZZ_CHECK(!platform::to_string(parsed.error()).empty());
    return 0;
  }
  app::BatteryInput input = *parsed;
  const msg::BatterySnapshot& s = input.snapshot;
  TBGW_FUZZ_CHECK(s.cell_count >= 4 && s.cell_count <= msg::BatterySnapshot::kMaxCells);
  for (std::size_t i = 0; i < s.cell_count; ++i) {
    TBGW_FUZZ_CHECK(s.cell_mv[i] >= 0.0F && s.cell_mv[i] <= 5000.0F);
  }
  TBGW_FUZZ_CHECK(input.settings.series_cells >= 4 && input.settings.series_cells <= 16);
  check_read_back(s);

  control::ChargePipeline pipeline(control::ChargeParams{}, alerts::AlertThresholds{},
                                   victron::EncoderIdentity{});
  for (int t = 0; t < kSeconds; ++t) {
    input.snapshot.stamp_ms = static_cast<Millis>(t) * 1000;
    check_frames(pipeline.on_snapshot(input.snapshot, &input.settings, msg::LinkStatus::up, {},
                                      input.snapshot.stamp_ms));
  }
  return 0;
}
