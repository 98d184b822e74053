// The simulator's protocol side, driven through core's codec: requests from core's request
// builder, replies through core's response parser and decoders, values compared with the
// simulator's truth within each register's resolution. Because the simulator encodes registers
// from the spec tables on its own (sim/register_image), this is the independent-encoding
// cross-check of the gateway's decoding layer. Time is a fake clock (plain Millis values).
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "core/tinybms/crc16.hpp"
#include "core/tinybms/request_builder.hpp"
#include "core/tinybms/response_decoder.hpp"
#include "core/tinybms/response_parser.hpp"
#include "sim/simulator.hpp"

namespace tbgw::sim {
namespace {

using tinybms::Command;
using tinybms::DecodeError;

constexpr Millis kStart = 5'000'000;

std::vector<std::uint8_t> hex(std::string_view text) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < text.size();) {
    if (text[i] == ' ') {
      ++i;
      continue;
    }
    out.push_back(
        static_cast<std::uint8_t>(std::stoi(std::string(text.substr(i, 2)), nullptr, 16)));
    i += 2;
  }
  return out;
}

// A frame the builders refuse to make (out of the protocol's limits): body + valid CRC.
std::vector<std::uint8_t> with_crc(std::vector<std::uint8_t> frame) {
  const std::uint16_t crc = tinybms::crc16_modbus(frame);
  frame.push_back(static_cast<std::uint8_t>(crc & 0xFF));
  frame.push_back(static_cast<std::uint8_t>(crc >> 8));
  return frame;
}

std::vector<std::uint8_t> bytes_of(const tinybms::BuildResult& r) {
  EXPECT_TRUE(r.ok());
  const auto b = r.value().bytes();
  return {b.begin(), b.end()};
}

// A client on the other end of the wire: sends, waits on the fake clock, collects the reply.
class Client {
 public:
  explicit Client(const SimConfig& config) : sim(config) { sim.advance(now); }

  // Sends `request`, lets `wait_ms` pass, returns every byte the simulator sent meanwhile.
  std::vector<std::uint8_t> exchange(const std::vector<std::uint8_t>& request,
                                     Millis wait_ms = 100) {
    sim.on_bytes(request, now);
    truth = sim.truth();  // what the reply was built from
    now += wait_ms;
    sim.advance(now);
    return drain();
  }

  std::vector<std::uint8_t> drain() {
    std::vector<std::uint8_t> out;
    std::array<std::uint8_t, 64> buf{};
    while (const std::size_t n = sim.take_output(now, buf))
      out.insert(out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
    return out;
  }

  // Parses `bytes` into one reply frame (valid until the next call).
  std::optional<tinybms::ResponseFrame> parse(const std::vector<std::uint8_t>& bytes) {
    rx_ = bytes;
    parser_.reset();
    const auto r = parser_.push(rx_);
    if (!r.event || r.event->kind != tinybms::ParseEvent::Kind::frame) return std::nullopt;
    return r.event->frame;
  }

  tinybms::ResponseFrame simple(Command cmd) { return request(tinybms::build_simple(cmd)); }

  tinybms::ResponseFrame request(const tinybms::BuildResult& req) {
    auto f = parse(exchange(bytes_of(req)));
    EXPECT_TRUE(f.has_value());
    return f.value_or(tinybms::ResponseFrame{});
  }

  std::vector<std::uint16_t> read_regs(std::uint16_t first, std::size_t count) {
    std::vector<std::uint16_t> words(count);
    const auto f = request(tinybms::build_modbus_read(first, count));
    const auto r = tinybms::decode_modbus_read(f, static_cast<std::uint16_t>(count), words);
    EXPECT_TRUE(r.ok()) << "read " << first << "+" << count;
    return words;
  }

  std::optional<DecodeError> write_regs(std::uint16_t first, std::vector<std::uint16_t> values) {
    const auto f = request(tinybms::build_modbus_write(first, values));
    const auto r =
        tinybms::decode_modbus_write_ack(f, first, static_cast<std::uint16_t>(values.size()));
    if (r.ok()) return std::nullopt;
    return r.error();
  }

  void let_pass(Millis ms) {
    now += ms;
    sim.advance(now);
  }

  Millis now = kStart;
  Simulator sim;
  TruthState truth;  // the simulator's truth when the last request arrived

 private:
  tinybms::ResponseParser parser_;
  std::vector<std::uint8_t> rx_;
};

// A config whose model does not step during a few exchanges (one model step per 100 s of
// wall time), so replies to consecutive requests describe the same state.
SimConfig frozen(SimConfig c) {
  c.time_factor = 0.001;
  return c;
}

SimConfig discharging_14s() {
  SimConfig c;
  c.seed = 3;
  c.cells = 14;
  c.ext2_present = false;
  c.load = LoadProfile::constant_current(-37.5);
  return c;
}

float float_words(const std::vector<std::uint16_t>& w, std::size_t at) {
  return tinybms::float_from_words(w[at], w[at + 1]);
}

TEST(SimResponder,
     GIVEN_a_14s_pack_WHEN_the_live_block_is_read_THEN_every_value_matches_the_truth) {
  Client c(discharging_14s());
  c.let_pass(5000);
  const auto w = c.read_regs(0, 56);
  const TruthState& t = c.truth;
  EXPECT_EQ(w[0], 0);
  EXPECT_EQ(w[1], 0);
  for (int n = 1; n <= 14; ++n) {
    const std::size_t reg = static_cast<std::size_t>(16 - 14 + n - 1);
    EXPECT_NEAR(w[reg] * 0.1, t.cell_mv[static_cast<std::size_t>(n - 1)], 0.05) << "cell " << n;
  }
  EXPECT_EQ(tinybms::u32_from_words(w[32], w[33]), t.bms_lifetime_s);
  EXPECT_NEAR(float_words(w, 36), t.pack_voltage_v, 1e-4);
  EXPECT_NEAR(float_words(w, 38), -37.5, 1e-4);
  EXPECT_NEAR(w[40], t.min_cell_mv, 0.5);
  EXPECT_NEAR(w[41], t.max_cell_mv, 0.5);
  EXPECT_NEAR(static_cast<std::int16_t>(w[42]) * 0.1, t.temps_c[1], 0.05);
  EXPECT_EQ(static_cast<std::int16_t>(w[43]), -32768);  // sensor 2 absent
  EXPECT_NEAR(w[45] * 0.002, t.soh_pct, 0.001);
  EXPECT_NEAR(tinybms::u32_from_words(w[46], w[47]) * 1e-6, t.soc_pct, 1e-6);
  EXPECT_NEAR(static_cast<std::int16_t>(w[48]) * 0.1, t.temps_c[0], 0.05);
  EXPECT_EQ(w[50], status::kDischarging);
  EXPECT_EQ(w[53], 14);
  EXPECT_GT(tinybms::u32_from_words(w[34], w[35]), 0U);  // time left while discharging
}

TEST(SimResponder, GIVEN_balancing_cells_WHEN_regs_51_52_are_read_THEN_bits_are_per_channel) {
  SimConfig cfg;
  cfg.cells = 12;
  cfg.initial_soc_pct = 98.5;
  cfg.soc_spread_pct = 1.0;
  Client c(cfg);
  c.let_pass(1000);
  const auto w = c.read_regs(51, 2);
  const TruthState& t = c.truth;
  ASSERT_NE(t.balancing_needed_mask, 0);
  EXPECT_EQ(w[0], static_cast<std::uint16_t>(t.balancing_needed_mask << 4));
  EXPECT_EQ(w[1], static_cast<std::uint16_t>(t.balancing_active_mask << 4));
}

TEST(SimResponder,
     GIVEN_the_spec_write_vector_WHEN_sent_THEN_the_reply_is_byte_exact_and_reads_back) {
  Client c(SimConfig{});
  EXPECT_EQ(c.exchange(hex("AA 10 01 3B 00 02 04 10 68 09 C4 19 61")),
            hex("AA 10 01 3B 00 02 28 22"));
  const auto w = c.read_regs(315, 2);
  EXPECT_EQ(w[0], 4200);
  EXPECT_EQ(w[1], 2500);
  std::array<std::uint16_t, 17> current{};
  const auto f = c.request(tinybms::build_settings_values(tinybms::SettingsValueKind::current, 17));
  ASSERT_TRUE(tinybms::decode_settings_values(f, 17, current).ok());
  EXPECT_EQ(current[15], 4200);
  EXPECT_EQ(current[16], 2500);
}

TEST(SimResponder, GIVEN_a_bad_crc_WHEN_received_THEN_nack_crc_error_echoes_the_command) {
  Client c(SimConfig{});
  EXPECT_EQ(c.exchange(hex("AA 03 00 00 00 10 5D DE")), hex("AA 00 03 01 E0 CC"));
  EXPECT_EQ(c.sim.stats().nacks_crc, 1U);
}

TEST(SimResponder, GIVEN_an_unknown_command_WHEN_received_THEN_nack_command_error) {
  Client c(SimConfig{});
  const auto f = c.parse(c.exchange(with_crc({0xAA, 0x42})));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->command, Command::nack);
  EXPECT_EQ(f->acked_command, 0x42);
  EXPECT_EQ(f->nack_error, tinybms::NackError::command_error);
}

struct WriteCase {
  const char* name;
  std::uint16_t reg;
  std::vector<std::uint16_t> values;
  bool accepted;
};

class SimWriteRanges : public ::testing::TestWithParam<WriteCase> {};

TEST_P(SimWriteRanges,
       GIVEN_a_write_WHEN_checked_against_the_spec_range_THEN_accepted_or_nacked_unchanged) {
  const WriteCase& tc = GetParam();
  Client c(SimConfig{});
  const auto before = c.read_regs(300, 44);
  const auto err = c.write_regs(tc.reg, tc.values);
  const auto after = c.read_regs(300, 44);
  if (tc.accepted) {
    EXPECT_FALSE(err.has_value());
    for (std::size_t i = 0; i < tc.values.size(); ++i)
      EXPECT_EQ(after[tc.reg - 300 + i], tc.values[i]);
  } else {
    ASSERT_TRUE(err.has_value());
    EXPECT_EQ(*err, DecodeError::nack_command_error);
    EXPECT_EQ(after, before);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, SimWriteRanges,
    ::testing::Values(
        WriteCase{"ov_above_4500", 315, {5000}, false}, WriteCase{"ov_4500", 315, {4500}, true},
        WriteCase{"fully_charged_1199", 300, {1199}, false},
        WriteCase{"cells_17", 307, {17}, false}, WriteCase{"cells_14", 307, {14}, true},
        WriteCase{"disbalance_14", 308, {14}, false}, WriteCase{"overheat_91", 319, {91}, false},
        WriteCase{"overheat_20", 319, {20}, true},
        WriteCase{"cold_minus_41", 320, {static_cast<std::uint16_t>(-41)}, false},
        WriteCase{"cold_minus_40", 320, {static_cast<std::uint16_t>(-40)}, true},
        WriteCase{"charger_type_2", 330, {0x0002}, false},
        WriteCase{"oc_timeout_31", 330, {0x1F01}, false},
        WriteCase{"oc_timeout_30", 330, {0x1E01}, true}, WriteCase{"recovery_0", 332, {0}, false},
        WriteCase{"pulses_0", 312, {0, 0}, false},
        WriteCase{"pulses_100000", 312, {0x86A0, 0x0001}, true},
        WriteCase{"pulses_100001", 312, {0x86A1, 0x0001}, false},
        WriteCase{"flags_bit3", 329, {0x0008}, false}, WriteCase{"precharge_1", 337, {1}, false},
        WriteCase{"reserved_302_in_block", 301, {3000, 0, 3400}, false},
        WriteCase{"block_one_bad_value", 315, {3650, 700}, false}),
    [](const auto& p) { return std::string(p.param.name); });

TEST(SimResponder, GIVEN_writes_outside_300_399_WHEN_sent_THEN_nack_command_error) {
  Client c(SimConfig{});
  // 0x10 to register 299 (the builder refuses to build it, so it is framed by hand).
  const auto f =
      c.parse(c.exchange(with_crc({0xAA, 0x10, 0x01, 0x2B, 0x00, 0x01, 0x02, 0x00, 0x01})));
  ASSERT_TRUE(f);
  EXPECT_EQ(f->command, Command::nack);
  EXPECT_EQ(f->acked_command, 0x10);
  const auto g = c.parse(c.exchange(with_crc({0xAA, 0x0D, 0x04, 0x90, 0x01, 0x01, 0x00})));  // 400
  ASSERT_TRUE(g);
  EXPECT_EQ(g->command, Command::nack);
}

TEST(SimResponder,
     GIVEN_reads_beyond_the_limits_WHEN_sent_THEN_nack_and_reserved_reads_follow_the_policy) {
  Client c(SimConfig{});
  const auto too_many = c.parse(c.exchange(with_crc({0xAA, 0x03, 0x00, 0x00, 0x00, 128})));
  ASSERT_TRUE(too_many);
  EXPECT_EQ(too_many->command, Command::nack);
  const auto unmapped = c.request(tinybms::build_modbus_read(505, 10));  // 510-514
  EXPECT_EQ(unmapped.command, Command::nack);
  EXPECT_EQ(c.read_regs(16, 16), std::vector<std::uint16_t>(16, 0));  // reserved: zeros

  SimConfig strict;
  strict.reserved_reads = ReservedReads::nack;
  Client s(strict);
  EXPECT_EQ(s.request(tinybms::build_modbus_read(0, 56)).command, Command::nack);
  EXPECT_EQ(s.request(tinybms::build_modbus_read(0, 16)).command, Command::modbus_read);
}

TEST(SimResponder, GIVEN_the_proprietary_reads_WHEN_sent_THEN_they_agree_with_modbus) {
  Client c(frozen(discharging_14s()));
  c.let_pass(200'000);
  const auto modbus = c.read_regs(32, 17);
  std::array<std::uint16_t, 17> block{};
  ASSERT_TRUE(
      tinybms::decode_read_block(c.request(tinybms::build_read_block(32, 17)), 17, block).ok());
  EXPECT_EQ(std::vector<std::uint16_t>(block.begin(), block.end()), modbus);
  const std::array<std::uint16_t, 3> addrs{36, 37, 307};
  std::array<std::uint16_t, 3> values{};
  const auto f = c.request(tinybms::build_read_individual(addrs));
  EXPECT_EQ(f.payload.size(), 12U);  // the documented address/value pair form
  ASSERT_TRUE(tinybms::decode_read_individual(f, addrs, values).ok());
  EXPECT_EQ(values[0], modbus[4]);
  EXPECT_EQ(values[2], 14);
}

TEST(SimResponder, GIVEN_proprietary_writes_WHEN_sent_THEN_acked_and_applied) {
  Client c(SimConfig{});
  const std::array<std::uint16_t, 2> block{3600, 2700};
  EXPECT_TRUE(
      tinybms::decode_ack(c.request(tinybms::build_write_block(315, block)), Command::write_block)
          .ok());
  const std::array<tinybms::RegisterWrite, 2> pairs{{{308, 20}, {321, 80}}};
  EXPECT_TRUE(tinybms::decode_ack(c.request(tinybms::build_write_individual(pairs)),
                                  Command::write_individual)
                  .ok());
  EXPECT_EQ(c.read_regs(315, 2), (std::vector<std::uint16_t>{3600, 2700}));
  EXPECT_EQ(c.read_regs(308, 1)[0], 20);
  EXPECT_EQ(c.read_regs(321, 1)[0], 80);
}

TEST(SimResponder, GIVEN_the_quick_reads_WHEN_sent_THEN_they_match_the_registers_and_truth) {
  Client c(frozen(discharging_14s()));
  c.let_pass(200'000);
  const auto w = c.read_regs(0, 56);
  const TruthState t = c.truth;
  const auto f32 = [&c](Command cmd) { return tinybms::decode_float(c.simple(cmd), cmd).value(); };
  const auto u16 = [&c](Command cmd) { return tinybms::decode_u16(c.simple(cmd), cmd).value(); };
  const auto u32 = [&c](Command cmd) { return tinybms::decode_u32(c.simple(cmd), cmd).value(); };
  EXPECT_EQ(f32(Command::pack_voltage), float_words(w, 36));
  EXPECT_EQ(f32(Command::pack_current), float_words(w, 38));
  EXPECT_EQ(u16(Command::max_cell_voltage), w[41]);
  EXPECT_EQ(u16(Command::min_cell_voltage), w[40]);
  EXPECT_EQ(u16(Command::online_status), status::kDischarging);
  EXPECT_EQ(u32(Command::lifetime_counter), t.bms_lifetime_s);
  EXPECT_NEAR(u32(Command::estimated_soc) * 1e-6, t.soc_pct, 1e-6);
  const auto temps = tinybms::decode_temperatures(c.simple(Command::temperatures)).value();
  EXPECT_NEAR(temps.internal_temp_ddegc * 0.1, t.temps_c[0], 0.05);
  EXPECT_NEAR(temps.external1_temp_ddegc * 0.1, t.temps_c[1], 0.05);
  EXPECT_EQ(temps.external2_temp_ddegc, tinybms::Temperatures::kTempAbsent);
  std::array<std::uint16_t, 16> cells{};
  EXPECT_EQ(tinybms::decode_cells(c.simple(Command::cell_voltages), cells).value(), 16U);
  for (std::size_t i = 0; i < 16; ++i) EXPECT_EQ(cells[i], w[i]);
  const auto v =
      tinybms::decode_version(c.simple(Command::extended_version), Command::extended_version)
          .value();
  EXPECT_EQ(v.firmware_internal, 242);
  EXPECT_EQ(v.firmware_internal, c.read_regs(502, 1)[0]);
  const auto sdt =
      tinybms::decode_speed_distance_time(c.simple(Command::speed_distance_time)).value();
  EXPECT_EQ(sdt.speed_kmh, 0.0F);
  EXPECT_EQ(sdt.time_left_s, t.time_left_s);
}

TEST(SimResponder, GIVEN_events_WHEN_read_and_cleared_THEN_0x11_0x12_and_0x02_behave) {
  Client c(SimConfig{});
  std::array<tinybms::BmsEvent, 64> ev{};
  auto h = tinybms::decode_events(c.simple(Command::all_events), Command::all_events, ev).value();
  ASSERT_EQ(h.count, 1U);
  EXPECT_EQ(ev[0].id, event::kSystemStarted);
  h = tinybms::decode_events(c.simple(Command::newest_events), Command::newest_events, ev).value();
  EXPECT_EQ(h.count, 1U);
  h = tinybms::decode_events(c.simple(Command::newest_events), Command::newest_events, ev).value();
  EXPECT_EQ(h.count, 0U);  // nothing new since the previous 0x11
  EXPECT_EQ(c.read_regs(201, 1)[0] >> 8, event::kSystemStarted);

  EXPECT_TRUE(
      tinybms::decode_ack(c.request(tinybms::build_reset(tinybms::ResetOption::clear_events)),
                          Command::reset)
          .ok());
  h = tinybms::decode_events(c.simple(Command::all_events), Command::all_events, ev).value();
  EXPECT_EQ(h.count, 0U);

  c.let_pass(3000);
  EXPECT_TRUE(
      tinybms::decode_ack(c.request(tinybms::build_reset(tinybms::ResetOption::clear_statistics)),
                          Command::reset)
          .ok());
  const auto stats = c.read_regs(116, 2);
  EXPECT_EQ(tinybms::u32_from_words(stats[0], stats[1]), c.sim.truth().bms_lifetime_s);

  EXPECT_TRUE(tinybms::decode_ack(c.request(tinybms::build_reset(tinybms::ResetOption::reset_bms)),
                                  Command::reset)
                  .ok());
  EXPECT_EQ(c.read_regs(114, 1)[0] & 0xFF, BmsStatistics::kResetSoftware);
  h = tinybms::decode_events(c.simple(Command::all_events), Command::all_events, ev).value();
  ASSERT_EQ(h.count, 1U);
  EXPECT_EQ(ev[0].id, event::kSystemStarted);
}

TEST(SimResponder, GIVEN_setters_328_323_WHEN_written_THEN_soc_soh_change_and_they_read_0xFFFF) {
  Client c(SimConfig{});
  EXPECT_FALSE(c.write_regs(328, {25000}).has_value());  // 50 %
  EXPECT_FALSE(c.write_regs(323, {45000}).has_value());  // 90 %
  EXPECT_EQ(c.read_regs(328, 1)[0], 0xFFFF);
  EXPECT_EQ(c.read_regs(323, 1)[0], 0xFFFF);
  const auto w = c.read_regs(45, 3);
  EXPECT_EQ(w[0], 45000);
  EXPECT_EQ(tinybms::u32_from_words(w[1], w[2]), 50'000'000U);
  EXPECT_EQ(c.write_regs(328, {50001}), DecodeError::nack_command_error);
}

TEST(SimResponder,
     GIVEN_settings_values_WHEN_min_max_default_are_read_THEN_they_follow_the_spec_table) {
  Client c(SimConfig{});
  std::array<std::uint16_t, 44> lo{}, hi{}, def{};
  ASSERT_TRUE(
      tinybms::decode_settings_values(
          c.request(tinybms::build_settings_values(tinybms::SettingsValueKind::min, 44)), 44, lo)
          .ok());
  ASSERT_TRUE(
      tinybms::decode_settings_values(
          c.request(tinybms::build_settings_values(tinybms::SettingsValueKind::max, 44)), 44, hi)
          .ok());
  ASSERT_TRUE(tinybms::decode_settings_values(c.request(tinybms::build_settings_values(
                                                  tinybms::SettingsValueKind::default_value, 44)),
                                              44, def)
                  .ok());
  EXPECT_EQ(lo[15], 1200);  // 315
  EXPECT_EQ(hi[15], 4500);
  EXPECT_EQ(static_cast<std::int16_t>(lo[20]), -40);  // 320
  EXPECT_EQ(hi[7], 16);                               // 307
  EXPECT_EQ(def[7], 16);
  EXPECT_EQ(def[6], 28000);  // 306: 280 Ah
  EXPECT_EQ(lo[2 /* 302 reserved */], 0);
}

}  // namespace
}  // namespace tbgw::sim
