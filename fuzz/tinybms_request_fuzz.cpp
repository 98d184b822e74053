// The bytes a TinyBMS client sends the simulator (tinybms-sim, and the gateway's --simulate):
// RequestParser, validate_request() and the typed accessors of RequestFrame.
//
// Input: byte 0 picks the chunk size (1..64 bytes per push()), the rest is the byte stream.
// Properties: push() consumes at most what it was given; a frame has a good CRC; and a request
// that validate_request() accepts is rebuilt byte for byte by the gateway's request builders
// from what the accessors read (so the simulator and the gateway agree on every layout). The
// one byte the simulator does not look at, the reserved 00 of 0x1D (AA 1D OPT 00 RL), is left
// out of that comparison.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/tinybms/crc16.hpp"
#include "core/tinybms/request_builder.hpp"
#include "core/tinybms/request_parser.hpp"
#include "fuzz/fuzz_check.hpp"

namespace {

using namespace tbgw::tinybms;

std::optional<BuildResult> rebuild(const RequestFrame& f) {
  const std::size_t n = f.count();
  switch (f.command) {
    case Command::modbus_read:
      return build_modbus_read(f.first_reg(), n);
    case Command::read_block:
      return build_read_block(f.first_reg(), n);
    case Command::modbus_write:
    case Command::write_block: {
      std::array<std::uint16_t, 128> values{};
      for (std::size_t i = 0; i < n; ++i) values[i] = f.value(i);
      const auto v = std::span(values).first(n);
      return f.command == Command::modbus_write ? build_modbus_write(f.first_reg(), v)
                                                : build_write_block(f.first_reg(), v);
    }
    case Command::read_individual: {
      std::array<std::uint16_t, 128> addresses{};
      for (std::size_t i = 0; i < n; ++i) addresses[i] = f.address(i);
      return build_read_individual(std::span(addresses).first(n));
    }
    case Command::write_individual: {
      std::array<RegisterWrite, 64> pairs{};
      for (std::size_t i = 0; i < n; ++i) pairs[i] = f.pair(i);
      return build_write_individual(std::span(pairs).first(n));
    }
    case Command::reset:
      return build_reset(static_cast<ResetOption>(f.option()));
    case Command::settings_values:
      return build_settings_values(static_cast<SettingsValueKind>(f.option()), n);
    default:
      if (is_simple_command(f.command)) return build_simple(f.command);
      return std::nullopt;
  }
}

void check_request(const RequestFrame& f) {
  if (!validate_request(f).ok()) return;
  const auto built = rebuild(f);
  if (!built || !built->ok()) return;  // the gateway never sends it; the simulator may answer
  const auto b = built->value().bytes();
  std::vector<std::uint8_t> want(b.begin(), b.end());
  std::vector<std::uint8_t> got(f.raw.begin(), f.raw.end());
  if (f.command == Command::settings_values && got.size() == want.size()) {
    got[3] = want[3];
    const auto crc = crc16_modbus(std::span(got).first(got.size() - 2));
    got[got.size() - 2] = static_cast<std::uint8_t>(crc & 0xFF);
    got[got.size() - 1] = static_cast<std::uint8_t>(crc >> 8);
  }
  TBGW_FUZZ_CHECK(got == want);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = 1 + data[0] % 64;
  const std::span<const std::uint8_t> stream(data + 1, size - 1);
  RequestParser parser;
  std::uint64_t frame_bytes = 0;
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
      TBGW_FUZZ_CHECK(!raw.empty() && raw[0] == kPreamble);
      if (r.event->kind == RequestEvent::Kind::frame) {
        TBGW_FUZZ_CHECK(frame_crc_ok(raw) && raw.size() <= kMaxFrameBytes);
        frame_bytes += raw.size();
        check_request(r.event->frame);
      }
    }
  };
  for (std::size_t at = 0; at < stream.size(); at += chunk) {
    drain(stream.subspan(at, std::min(chunk, stream.size() - at)));
  }
  while (parser.mid_frame()) {
    parser.resync();
    drain({});
  }
  TBGW_FUZZ_CHECK(parser.counters().bytes_in == frame_bytes + parser.counters().garbage_bytes);
  return 0;
}
