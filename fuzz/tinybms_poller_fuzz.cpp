// The gateway's whole TinyBMS link as the BMS's bytes drive it: the Poller (core/tinybms/
// poller.hpp) with its parser, request matching, decoders, retries and link-loss logic.
//
// Input: a script of records, run in order (fuzz/corpus/tinybms_poller holds conversations
// with the simulator in this form, recorded by fuzz/tools/record_poller_seeds.cpp):
//   op % 4 == 0  time passes: now += (op >> 2) x 10 ms, then poll(now)
//   op % 4 == 1  bytes from the BMS: a length byte n, then n bytes; with op & 4 the script
//                adds their CRC (so the search reaches past the checksum more often)
//   op % 4 == 2  the serial port closes (op & 4: opens again)
//   op % 4 == 3  the owner asks for a settings write: register 300 + b % 44, value LE16
// Properties, checked after every record:
//   - every request the poller sends is one valid request (RequestParser + validate_request);
//   - after poll(now) the poller never asks to be called back in the past;
//   - a snapshot keeps the decoder's documented bounds (cells 4..16, finite pack voltage within
//     N x 5 V, |current| <= 2000 A, SOC <= 100 %, present temperatures in [-60, 150] degC);
//   - a settings write result lists at most 44 registers, and "verified" means read back equal.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <variant>
#include <vector>

#include "core/tinybms/crc16.hpp"
#include "core/tinybms/poller.hpp"
#include "core/tinybms/request_parser.hpp"
#include "fuzz/fuzz_check.hpp"

namespace {

using namespace tbgw;
using namespace tbgw::tinybms;

constexpr Millis kStepMs = 10;
constexpr std::uint16_t kFirstSetting = 300;
constexpr std::uint16_t kSettingCount = 44;

void check_request(const FrameBytes& request) {
  RequestParser parser;
  const auto r = parser.push(request.bytes());
  TBGW_FUZZ_CHECK(r.event && r.event->kind == RequestEvent::Kind::frame);
  TBGW_FUZZ_CHECK(r.consumed == request.size && r.event->frame.raw.size() == request.size);
  TBGW_FUZZ_CHECK(validate_request(r.event->frame).ok());
}

void check_snapshot(const msg::BatterySnapshot& s) {
  TBGW_FUZZ_CHECK(s.cell_count >= 4 && s.cell_count <= msg::BatterySnapshot::kMaxCells);
  TBGW_FUZZ_CHECK(std::isfinite(s.pack_voltage_v) && s.pack_voltage_v >= 0.0F &&
                  s.pack_voltage_v <= 16 * 5.0F);
  TBGW_FUZZ_CHECK(std::isfinite(s.pack_current_a) && std::fabs(s.pack_current_a) <= 2000.0F);
  TBGW_FUZZ_CHECK(s.soc_pct >= 0.0 && s.soc_pct <= 100.0);
  for (std::size_t i = 0; i < s.temps_c.size(); ++i) {
    if (s.temp_present[i]) TBGW_FUZZ_CHECK(s.temps_c[i] >= -60.0F && s.temps_c[i] <= 150.0F);
  }
}

void check_write_result(const SettingsWriteResult& r) {
  TBGW_FUZZ_CHECK(r.count <= SettingsWriteResult::kMaxRegisters);
  for (std::size_t i = 0; i < r.count; ++i) {
    const auto& item = r.items[i];
    if (item.verified) TBGW_FUZZ_CHECK(item.read_back && item.readback_raw == item.requested_raw);
  }
}

void drain(Poller& poller) {
  while (auto event = poller.next_event()) {
    if (const auto* s = std::get_if<msg::BatterySnapshot>(&*event)) check_snapshot(*s);
    if (const auto* w = std::get_if<SettingsWriteResult>(&*event)) check_write_result(*w);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // A copy of one fresh poller: the same state as constructing it, without planning its reads
  // (block_plan) again for every input.
  static const Poller kFresh{PollerConfig{}};
  Poller poller = kFresh;
  Millis now = 1'000'000;
  std::vector<std::uint8_t> bytes;
  std::size_t at = 0;
  const auto next = [&]() -> std::uint8_t { return at < size ? data[at++] : 0; };
  const auto poll = [&] {
    if (const auto request = poller.poll(now)) check_request(*request);
    TBGW_FUZZ_CHECK(poller.next_deadline(now) >= now);
  };
  poll();
  while (at < size) {
    const std::uint8_t op = next();
    switch (op % 4) {
      case 0:
        now += (op >> 2) * kStepMs;
        poll();
        break;
      case 1: {
        const std::size_t n = std::min<std::size_t>(next(), size - at);
        bytes.assign(data + at, data + at + n);
        at += n;
        if ((op & 4U) != 0) {
          const std::uint16_t crc = crc16_modbus(bytes);
          bytes.push_back(static_cast<std::uint8_t>(crc & 0xFFU));
          bytes.push_back(static_cast<std::uint8_t>(crc >> 8));
        }
        poller.on_bytes(bytes, now);
        break;
      }
      case 2:
        if ((op & 4U) != 0) {
          poller.on_port_opened(now);
        } else {
          poller.on_port_closed(now);
        }
        break;
      default: {
        const auto address = static_cast<std::uint16_t>(kFirstSetting + next() % kSettingCount);
        const std::uint8_t low = next();
        const auto value = static_cast<std::uint16_t>(low | (next() << 8));
        const RegisterWrite write{address, value};
        (void)poller.request_write(std::span(&write, 1));
        break;
      }
    }
    drain(poller);
  }
  return 0;
}
