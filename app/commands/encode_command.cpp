// `tinybms-gw encode`: reads a battery state as JSON on stdin and prints the CAN frames the
// gateway would send for it, in candump -L format, each followed by a comment line with every
// field decoded. Installers use it to check a mapping without a bus or a battery.
//
//   echo '{"cell_mv":[3300,3301,...],"pack_current_a":-12.5,"soc_pct":61.5}' | tinybms-gw encode
//
// The charge controller ramps and rate-limits its limits, so a single step would show the
// start-up values (CCL ramping up from 0 A). The tool therefore holds the state for
// kSettleSeconds of simulated time, one snapshot a second, and prints the settled frames.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>

#include "app/commands/snapshot_input.hpp"
#include "app/run.hpp"
#include "core/control/charge_pipeline.hpp"
#include "core/victron/frame_decoder.hpp"
#include "platform/linux/can_log.hpp"

namespace tbgw::app {

namespace {
constexpr int kSettleSeconds = 900;
}

int run_encode_command(const Options& /*options*/) {
  const std::string text((std::istreambuf_iterator<char>(std::cin)),
                         std::istreambuf_iterator<char>());
  const auto parsed = parse_battery_input(text);
  if (!parsed) {
    std::fprintf(stderr, "tinybms-gw encode: %s\n", platform::to_string(parsed.error()).c_str());
    return 2;
  }
  BatteryInput input = *parsed;
  control::ChargePipeline pipeline(control::ChargeParams{}, alerts::AlertThresholds{},
                                   victron::EncoderIdentity{});
  control::PipelineOutput out;
  for (int t = 0; t <= kSettleSeconds; ++t) {
    input.snapshot.stamp_ms = static_cast<Millis>(t) * 1000;
    out = pipeline.on_snapshot(input.snapshot, &input.settings, msg::LinkStatus::up, {},
                               input.snapshot.stamp_ms);
  }
  std::printf("# tinybms-gw encode: %u cells, settled after %d s of this state\n",
              input.snapshot.cell_count, kSettleSeconds);
  const control::ChargeProfile& profile = pipeline.controller().profile();
  std::printf("# %s\n", profile.describe().data());
  if (profile.valid) std::printf("# %s\n", profile.temperature_text().data());
  for (std::size_t i = 0; i < profile.clamp_count; ++i) {
    std::printf("# charge setting clamped: %s\n",
                control::ChargeProfile::describe(profile.clamps[i]).data());
  }
  std::printf("# CVL: %s\n# CCL: %s\n# DCL: %s\n# phase: %s\n", out.decision.cvl_reason.data(),
              out.decision.ccl_reason.data(), out.decision.dcl_reason.data(),
              out.decision.phase_reason.data());
  if (!out.decision.valid) {
    std::printf("# no frames: the decision is not valid (%s)\n", out.decision.cvl_reason.data());
    return 1;
  }
  if (out.encode_failed) {
    std::printf("# no frames: the encoder refused the decision (%s)\n",
                victron::to_string(out.encode_error));
    return 1;
  }
  const auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  for (const auto& frame : out.frames.view()) {
    std::fputs(std::string(platform::format_candump_line(frame, now_us, "can0").view()).c_str(),
               stdout);
    std::printf("# %s\n", victron::describe(frame).c_str());
  }
  return 0;
}

}  // namespace tbgw::app
