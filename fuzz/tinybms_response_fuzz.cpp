// The bytes a TinyBMS (or a noisy line) sends the gateway: ResponseParser, then every typed
// decoder of response_decoder.hpp on each frame it accepts.
//
// Input: byte 0 picks the chunk size (1..64 bytes per push(); the parser must not care), the
// rest is the byte stream. Properties:
//   - push() consumes at most what it was given and returns no event only when it took it all;
//   - a frame has a good CRC and a length in [4, 260]; an error keeps its 0xAA;
//   - nothing is lost or counted twice: bytes_in = frame bytes + garbage once nothing is buffered;
//   - the frames found, sent again back to back, parse as exactly the same frames (no error);
//   - a reply that decodes is rebuilt byte for byte by the simulator's response builders.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/tinybms/crc16.hpp"
#include "core/tinybms/response_builder.hpp"
#include "core/tinybms/response_decoder.hpp"
#include "core/tinybms/response_parser.hpp"
#include "fuzz/fuzz_check.hpp"

namespace {

using namespace tbgw::tinybms;
using Bytes = std::vector<std::uint8_t>;

void expect_rebuilt(const BuildResult& built, std::span<const std::uint8_t> raw) {
  if (!built.ok()) return;  // the builder's limits may be narrower than what parses
  const auto b = built.value().bytes();
  TBGW_FUZZ_CHECK(Bytes(b.begin(), b.end()) == Bytes(raw.begin(), raw.end()));
}

// Runs the decoder that matches the frame's command, with the expectations taken from the frame.
void decode(const ResponseFrame& f) {
  std::array<std::uint16_t, 128> words{};
  const auto n = static_cast<std::uint16_t>(f.payload.size() / 2);
  switch (f.command) {
    case Command::modbus_read:
      if (decode_modbus_read(f, n, words).ok()) {
        expect_rebuilt(build_modbus_read_response(std::span(words).first(n)), f.raw);
      }
      break;
    case Command::read_block:
      if (decode_read_block(f, n, words).ok()) {
        expect_rebuilt(build_read_block_response(std::span(words).first(n)), f.raw);
      }
      break;
    case Command::settings_values:
      (void)decode_settings_values(f, n, words);
      break;
    case Command::read_individual: {
      // The pair form echoes its addresses: ask for exactly those.
      std::array<std::uint16_t, 64> addresses{};
      const std::size_t pairs = f.payload.size() / 4;
      for (std::size_t i = 0; i < pairs; ++i) {
        addresses[i] = static_cast<std::uint16_t>(f.payload[4 * i] | (f.payload[4 * i + 1] << 8));
      }
      if (decode_read_individual(f, std::span(addresses).first(pairs), words).ok()) {
        std::array<RegisterWrite, 64> rebuilt{};
        for (std::size_t i = 0; i < pairs; ++i) rebuilt[i] = {addresses[i], words[i]};
        expect_rebuilt(build_read_individual_response(std::span(rebuilt).first(pairs)), f.raw);
      }
      break;
    }
    case Command::modbus_write:
      if (f.payload.size() == 4) {
        const auto first = static_cast<std::uint16_t>((f.payload[0] << 8) | f.payload[1]);
        if (decode_modbus_write_ack(f, first, f.payload[3]).ok()) {
          const FrameBytes echo = build_modbus_write_response(first, f.payload[3]);
          const auto b = echo.bytes();
          TBGW_FUZZ_CHECK(Bytes(b.begin(), b.end()) == Bytes(f.raw.begin(), f.raw.end()));
        }
      }
      break;
    case Command::ack:
      (void)decode_ack(f, static_cast<Command>(f.acked_command));
      break;
    case Command::nack:
      // A NACK answers any request, and every decoder must say so.
      TBGW_FUZZ_CHECK(!decode_modbus_read(f, 1, words).ok());
      TBGW_FUZZ_CHECK(!decode_u16(f, Command::online_status).ok());
      break;
    case Command::pack_voltage:
    case Command::pack_current:
      (void)decode_float(f, f.command);
      break;
    case Command::max_cell_voltage:
    case Command::min_cell_voltage:
    case Command::online_status:
      (void)decode_u16(f, f.command);
      break;
    case Command::lifetime_counter:
    case Command::estimated_soc:
      (void)decode_u32(f, f.command);
      break;
    case Command::temperatures:
      (void)decode_temperatures(f);
      break;
    case Command::cell_voltages:
      (void)decode_cells(f, words);
      break;
    case Command::version:
    case Command::extended_version:
      (void)decode_version(f, f.command);
      break;
    case Command::newest_events:
    case Command::all_events: {
      std::array<BmsEvent, 64> events{};
      const auto r = decode_events(f, f.command, events);
      if (r.ok()) TBGW_FUZZ_CHECK(r.value().count <= events.size());
      break;
    }
    case Command::speed_distance_time:
      (void)decode_speed_distance_time(f);
      break;
    default:
      break;
  }
  if (f.command != Command::ack && f.command != Command::nack &&
      f.command != Command::modbus_read && f.command != Command::read_block &&
      f.command != Command::read_individual && f.command != Command::modbus_write) {
    expect_rebuilt(build_payload_response(f.command, f.payload), f.raw);
  }
}

struct Outcome {
  std::vector<Bytes> frames;
  std::size_t errors = 0;
  std::uint64_t frame_bytes = 0;
};

Outcome parse(std::span<const std::uint8_t> stream, std::size_t chunk, bool decode_frames) {
  ResponseParser parser;
  Outcome out;
  const auto drain = [&](std::span<const std::uint8_t> in) {
    for (;;) {
      const auto r = parser.push(in);
      TBGW_FUZZ_CHECK(r.consumed <= in.size());
      in = in.subspan(r.consumed);
      if (!r.event) {
        TBGW_FUZZ_CHECK(in.empty());
        return;
      }
      const auto& raw = r.event->frame.raw;
      if (r.event->kind == ParseEvent::Kind::frame) {
        TBGW_FUZZ_CHECK(raw.size() >= 4 && raw.size() <= kMaxFrameBytes);
        TBGW_FUZZ_CHECK(raw[0] == kPreamble && frame_crc_ok(raw));
        out.frames.emplace_back(raw.begin(), raw.end());
        out.frame_bytes += raw.size();
        if (decode_frames) decode(r.event->frame);
      } else {
        ++out.errors;
        TBGW_FUZZ_CHECK(!raw.empty() && raw[0] == kPreamble);
      }
    }
  };
  for (std::size_t at = 0; at < stream.size(); at += chunk) {
    drain(stream.subspan(at, std::min(chunk, stream.size() - at)));
  }
  while (parser.mid_frame()) {  // a timeout: salvage what sits behind a false candidate
    parser.resync();
    drain({});
  }
  const ParserCounters& c = parser.counters();
  TBGW_FUZZ_CHECK(c.bytes_in == stream.size());
  TBGW_FUZZ_CHECK(c.bytes_in == out.frame_bytes + c.garbage_bytes);
  TBGW_FUZZ_CHECK(c.frames_ok == out.frames.size());
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = 1 + data[0] % 64;
  const Outcome first = parse(std::span(data + 1, size - 1), chunk, true);

  Bytes again;
  for (const auto& f : first.frames) again.insert(again.end(), f.begin(), f.end());
  const Outcome second = parse(again, again.size() + 1, false);
  TBGW_FUZZ_CHECK(second.errors == 0);
  TBGW_FUZZ_CHECK(second.frames == first.frames);
  return 0;
}
