// Simulator: a TinyBMS and its battery as a sans-I/O object — the public API of tbgw_sim.
//
// Bytes and time in, bytes and the next wake-up time out; no clock, no thread, no file, no
// socket. A host (sim/host/, the tinybms-sim CLI, `tinybms-gw --simulate`, the tests) feeds it
// what arrives on the UART and writes out what take_output() returns:
//
//     sim.advance(now);                        // step the battery up to now
//     sim.on_bytes(received, now);             // requests from the client (advances too)
//     n = sim.take_output(now, buffer);        // reply bytes whose line time has passed
//     sleep until sim.next_wakeup(now);
//
// Time. `now` is any monotonic millisecond clock (tbgw::Millis). The first call of advance(),
// on_bytes() or take_output() fixes the origin; before it next_wakeup() returns `now`. Model
// time runs at config.time_factor model seconds per wall second and advances in fixed steps of
// config.model_step_ms model time; advance() runs every step due by `now` (a long gap costs
// one step per 100 model ms, all computed). The BMS's own clock (lifetime counter, events,
// protection timers, charger delays) is model time. The link is wall time: response delay,
// baud pacing, the late fault, and the 10 s idle before sleep.
//
// Link behaviour. A request's reply is computed from the state at the moment its last byte
// arrives, and its first byte goes out config.response_delay_ms (+ Faults::late_ms) later,
// paced at config.baud (link_output.hpp). With config.sleep_enabled the BMS sleeps after
// config.sleep_after_ms without received bytes while |current| is below 0.8 A (high-power
// model; 0.08 A for the low-power one) and no over-current cutoff is active; asleep, the first
// request (the bytes up to the first complete frame, good or bad) is swallowed unanswered and
// wakes it; the next one is answered. A current above the limit wakes it too. Registers keep
// refreshing at the model step while asleep (the real BMS measures once a minute then).
//
// Not simulated: broadcast mode (registers 342/343 are stored and read back, nothing is
// transmitted unprompted), multi-packet 0x07/0x09 answers (refused by the codec's limits), the
// CAN-UART converter, and the 5 V pin switching off during sleep.
//
// Single-threaded: one owner calls everything.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "core/tinybms/request_parser.hpp"
#include "core/util/time.hpp"
#include "sim/battery_model.hpp"
#include "sim/faults.hpp"
#include "sim/link_output.hpp"
#include "sim/responder.hpp"
#include "sim/rng.hpp"
#include "sim/sim_config.hpp"
#include "sim/truth_state.hpp"

namespace tbgw::sim {

// Counters of the link side, monotonic.
struct SimStats {
  std::uint64_t bytes_in = 0;                // bytes received while not silent
  std::uint64_t bytes_out = 0;               // bytes handed out by take_output()
  std::uint64_t requests = 0;                // complete requests with a good CRC
  std::uint64_t bad_frames = 0;              // CRC errors, unknown commands, bad lengths
  std::uint64_t replies = 0;                 // replies produced (data, ACK and NACK)
  std::uint64_t acks = 0;                    // ACK replies
  std::uint64_t nacks_crc = 0;               // NACK 0x01 sent for a bad CRC
  std::uint64_t nacks_command = 0;           // NACK 0x00 sent (unknown command, refused request)
  std::uint64_t dropped = 0;                 // replies discarded by the drop fault
  std::uint64_t dropped_waking = 0;          // requests swallowed because they woke the BMS
  std::uint64_t ignored_silent_bytes = 0;    // bytes that arrived while silent
  std::uint64_t discarded_silent_bytes = 0;  // queued reply bytes lost when going silent
  std::uint64_t corrupted_bytes = 0;         // outgoing bytes with a flipped bit
  std::uint64_t late_replies = 0;            // replies delayed by the late fault
  std::uint64_t sleeps = 0;                  // times the BMS fell asleep
  std::uint64_t wakeups = 0;                 // times it woke (UART or current)
  std::uint64_t model_steps = 0;             // battery model steps run
  std::uint64_t garbage_bytes = 0;           // received bytes outside any frame (parser)
};

class Simulator {
 public:
  explicit Simulator(const SimConfig& config);  // out-of-range fields are clamped (sanitized())
  Simulator(const Simulator&) = delete;         // the responder refers to the model inside
  Simulator& operator=(const Simulator&) = delete;

  // Bytes from the client. Advances the model to `now` first.
  void on_bytes(std::span<const std::uint8_t> in, Millis now);
  // Reply bytes due by `now` (paced at the baud rate after the response delay), at most
  // out.size(); returns how many were written. Call again while it fills `out`.
  std::size_t take_output(Millis now, std::span<std::uint8_t> out);
  // The earliest time the simulator needs advance()/take_output() again (>= now): the next
  // output byte, the next model step, or the moment it may fall asleep.
  Millis next_wakeup(Millis now) const;
  // Runs every model step due by `now`, then the sleep rules.
  void advance(Millis now);

  const TruthState& truth() const { return model_.truth(); }
  Faults& faults() { return faults_; }
  const Faults& faults() const { return faults_; }
  const SimStats& stats() const { return stats_; }
  const SimConfig& config() const { return config_; }

  // Resets every fault and removes the voltage a drifting cell accumulated.
  void clear_faults();
  // Run-time load and ambient (the text commands use these).
  void set_load(LoadProfile load) { model_.set_load(std::move(load)); }
  void set_ambient_c(double ambient_c) { model_.set_ambient_c(ambient_c); }
  // Called after every model step (e.g. to append a --truth line per step).
  void set_step_observer(std::function<void(const TruthState&)> observer) {
    step_observer_ = std::move(observer);
  }

  bool asleep() const { return asleep_; }
  // The battery and BMS model (settings, events, statistics), for tools and tests.
  BatteryModel& model() { return model_; }
  const BatteryModel& model() const { return model_; }

 private:
  void ensure_started(Millis now);
  void update_sleep(Millis now);
  void wake(std::uint8_t cause);
  void handle_event(const tinybms::RequestEvent& event, Millis now);
  double sleep_current_limit_a() const;

  SimConfig config_;
  BatteryModel model_;
  Responder responder_;
  tinybms::RequestParser parser_;
  LinkOutput output_;
  Faults faults_;
  Rng fault_rng_;
  SimStats stats_;
  std::function<void(const TruthState&)> step_observer_;

  bool started_ = false;
  Millis origin_ms_ = 0;
  Millis last_rx_ms_ = 0;
  bool asleep_ = false;
  bool swallow_next_frame_ = false;
};

// One JSON object (no trailing newline) describing `truth` at wall time `now`:
//   {"t_ms":..,"model_ms":..,"lifetime_s":..,"chemistry":"lfp"|"nmc"|"lto","cells":N,
//    "cell_mv":[..],"min_cell_mv":..,"max_cell_mv":..,"pack_v":..,"current_a":..,"demand_a":..,
//    "soc_pct":..,"true_soc_pct":..,"soh_pct":..,"time_left_s":..,
//    "temps_c":[internal,ext1,ext2],"ambient_c":..,"status":..,"balancing_needed":..,
//    "balancing_active":..,"charger":..,"asleep":..,"charge_allowed":..,
//    "discharge_allowed":..,"protection":{"over_voltage":..,...}}
// cell_mv in pack order (cell 1 first) with 3 decimals; pack_v/current_a 6; soc_pct 7;
// absent temperature sensors are null; balancing masks are per pack cell (bit 0 = cell 1).
std::string truth_json_line(const TruthState& truth, Millis now);

// Text control commands for run-time fault switching (one command per line):
//   fault silent on|off          fault drop P (0-1)         fault corrupt RATE (0-1)
//   fault late MS                fault cell-drift CELL MV_PER_MIN | off
//   fault hot-sensor SENSOR C | off   (SENSOR 0 internal, 1 external 1, 2 external 2)
//   fault clear                  load current A | load power W | load solar
//   ambient C                    status                       help
// Returns true and a short confirmation (or the status line) in `reply`; false with an error
// message in `reply` for a bad command, changing nothing.
bool apply_command(Simulator& sim, std::string_view line, std::string& reply);

}  // namespace tbgw::sim
