// Throughput of the TinyBMS frame codec: the reply parser on a realistic stream and on
// garbage, and the CRC. Figures are bytes per second of input; the UART delivers at most
// 11,520 bytes/s, so anything above a few MB/s leaves the parser invisible in the CPU budget.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "core/tinybms/crc16.hpp"
#include "core/tinybms/response_builder.hpp"
#include "core/tinybms/response_parser.hpp"

namespace {

using tbgw::tinybms::ResponseParser;

// Replies to the gateway's usual 0x03 reads (16 cell registers, 22 live registers), with a
// line of ASCII broadcast junk every 8th reply.
std::vector<std::uint8_t> realistic_stream() {
  std::mt19937 rng(42);
  std::vector<std::uint8_t> out;
  std::array<std::uint16_t, 22> words{};
  const std::string junk = "BPV:55.78 MINCV:3.980 MAXCV:3.990 BPC:0.00 SOC:83.55\r\n";
  for (int i = 0; out.size() < 256 * 1024; ++i) {
    for (auto& w : words) w = static_cast<std::uint16_t>(rng());
    const std::size_t n = i % 2 == 0 ? 16 : 22;
    const auto frame = tbgw::tinybms::build_modbus_read_response(std::span(words).first(n));
    out.insert(out.end(), frame->bytes().begin(), frame->bytes().end());
    if (i % 8 == 7) out.insert(out.end(), junk.begin(), junk.end());
  }
  return out;
}

std::vector<std::uint8_t> garbage_stream(bool with_preamble) {
  std::mt19937 rng(7);
  std::vector<std::uint8_t> out(256 * 1024);
  for (auto& b : out) {
    do {
      b = static_cast<std::uint8_t>(rng());
    } while (!with_preamble && b == tbgw::tinybms::kPreamble);
  }
  return out;
}

// Pushes `stream` in `chunk`-byte reads (a UART driver's typical read size) and drains events.
void parse(benchmark::State& state, const std::vector<std::uint8_t>& stream) {
  const auto chunk = static_cast<std::size_t>(state.range(0));
  ResponseParser parser;
  std::size_t frames = 0;
  for (auto _ : state) {
    for (std::size_t at = 0; at < stream.size(); at += chunk) {
      auto in = std::span(stream).subspan(at, std::min(chunk, stream.size() - at));
      for (;;) {
        const auto r = parser.push(in);
        in = in.subspan(r.consumed);
        if (!r.event) break;
        frames += r.event->kind == tbgw::tinybms::ParseEvent::Kind::frame ? 1 : 0;
      }
    }
  }
  benchmark::DoNotOptimize(frames);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * stream.size()));
  state.counters["frames"] =
      benchmark::Counter(static_cast<double>(frames), benchmark::Counter::kIsRate);
}

void BM_ParseRealisticStream(benchmark::State& state) {
  static const auto stream = realistic_stream();
  parse(state, stream);
}
BENCHMARK(BM_ParseRealisticStream)->Arg(1)->Arg(64)->Arg(4096);

void BM_ParseGarbageWithoutPreamble(benchmark::State& state) {
  static const auto stream = garbage_stream(false);
  parse(state, stream);
}
BENCHMARK(BM_ParseGarbageWithoutPreamble)->Arg(1)->Arg(64)->Arg(4096);

void BM_ParseRandomBytes(benchmark::State& state) {
  // Random bytes including 0xAA: every preamble starts a candidate that must be rejected.
  static const auto stream = garbage_stream(true);
  parse(state, stream);
}
BENCHMARK(BM_ParseRandomBytes)->Arg(64)->Arg(4096);

void BM_Crc16(benchmark::State& state) {
  std::vector<std::uint8_t> buf(static_cast<std::size_t>(state.range(0)));
  std::mt19937 rng(1);
  for (auto& b : buf) b = static_cast<std::uint8_t>(rng());
  for (auto _ : state) benchmark::DoNotOptimize(tbgw::tinybms::crc16_modbus(buf));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * buf.size()));
}
BENCHMARK(BM_Crc16)->Arg(8)->Arg(117)->Arg(260);

}  // namespace

BENCHMARK_MAIN();
