// Victron CAN-bus BMS frame encoder: the public vectors of spec/victron-can-bms.md §4 byte for
// byte, rounding and saturation of every field type, the fail-safe refusals, the identity
// frames, and the bugs of the ESP32 gateway (§7) as regression tests.
#include "core/victron/frame_encoder.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "core/victron/frame_decoder.hpp"
#include "core/victron/wire_format.hpp"
#include "victron_test_support.hpp"

namespace tbgw::victron {
namespace {

using test::Bytes;
using test::hex;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

msg::BatterySnapshot snapshot_with(float voltage_v, float current_a, float temp_c) {
  msg::BatterySnapshot s = test::healthy_snapshot();
  s.pack_voltage_v = voltage_v;
  s.pack_current_a = current_a;
  s.temps_c = {temp_c, temp_c, 0.0F};
  s.temp_present = {true, true, false};
  return s;
}

// ---- Public vectors (§4) -------------------------------------------------------------------

TEST(VictronEncoder, GivenByd0x351Capture_WhenEncoded_ThenBytesMatch) {
  const auto f = encode_limits(test::decision(58.4F, 128.0F, 128.0F, 43.0F));
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->id, 0x351U);
  EXPECT_EQ(f->dlc, 8);
  EXPECT_EQ(hex(f->data), "48 02 00 05 00 05 AE 01");
}

TEST(VictronEncoder, GivenVictronExample0x351_WhenEncodedWithASaneDvl_ThenLimitBytesMatch) {
  // The Victron example leaves DVL at 0 ("not sent"); this gateway never sends DVL = 0, so the
  // CVL/CCL/DCL bytes must match and DVL carries 44.0 V.
  const auto f = encode_limits(test::decision(58.1F, 110.0F, 110.0F, 44.0F));
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(hex(f->data), "45 02 4C 04 4C 04 B8 01");
  EXPECT_FALSE(encode_limits(test::decision(58.1F, 110.0F, 110.0F, 0.0F)).ok());
}

TEST(VictronEncoder, GivenPublic0x356Vectors_WhenEncoded_ThenBytesMatch) {
  struct Case {
    const char* source;
    float voltage_v, current_a, temp_c;
    const char* bytes;
  };
  const Case cases[] = {
      {"Victron example", 56.81F, 20.6F, 31.8F, "31 16 CE 00 3E 01 00 00"},
      {"BYD LVS", 53.10F, -0.7F, 14.0F, "BE 14 F9 FF 8C 00 00 00"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.source);
    const CanFrame f = encode_measurements(snapshot_with(c.voltage_v, c.current_a, c.temp_c));
    EXPECT_EQ(f.id, 0x356U);
    EXPECT_EQ(hex(f.data), c.bytes);
  }
}

TEST(VictronEncoder, GivenByd0x373Capture_WhenEncoded_ThenBytesMatch) {
  msg::BatterySnapshot s = test::healthy_snapshot();
  s.cell_mv.fill(3315.0F);
  s.cell_mv[3] = 3306.0F;
  s.cell_mv[9] = 3329.0F;
  s.temps_c = {30.0F, 14.0F, 17.0F};  // 287.15 K and 290.15 K round to 287 / 290
  s.temp_present = {true, true, true};
  const CanFrame f = encode_cell_extremes(s);
  EXPECT_EQ(f.id, 0x373U);
  EXPECT_EQ(hex(f.data), "EA 0C 01 0D 1F 01 22 01");
}

TEST(VictronEncoder, GivenEveryItemOk_WhenEncoded_ThenEveryDefinedPairMatchesTheBydCapture) {
  // BYD sends AA in all 8 bytes. The defined pairs (13 alarms, 13 warnings, system status) are
  // 0b10 exactly as BYD sends them; the reserved pairs (byte 3 bits 2-7, byte 7 bits 4-7) carry
  // no item, so this encoder leaves them 0b00 where BYD happens to send 0b10.
  const CanFrame f = encode_alarms(test::all_items(msg::AlarmLevel::ok, true));
  const Bytes byd{0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA};
  const Bytes defined{0xFF, 0xFF, 0xFF, 0x03, 0xFF, 0xFF, 0xFF, 0x0F};
  for (std::size_t i = 0; i < 8; ++i) {
    EXPECT_EQ(f.data[i] & defined[i], byd[i] & defined[i]) << "byte " << i;
    EXPECT_EQ(f.data[i] & ~defined[i], 0) << "reserved bits of byte " << i;
  }
  EXPECT_EQ(hex(f.data), "AA AA AA 02 AA AA AA 0A");
}

// ---- Rounding and saturation -----------------------------------------------------------------

TEST(VictronEncoder, GivenFloat32ValuesThatTruncateWrong_WhenScaled_ThenRoundedToNearest) {
  struct Case {
    const char* name;
    std::int64_t got, want;
  };
  const Case cases[] = {
      {"40.1 V x 100 (the float32 trap)", wire::centi_volts_s16(static_cast<double>(40.1F)), 4010},
      {"56.81 V x 100", wire::centi_volts_s16(static_cast<double>(56.81F)), 5681},
      {"55.3 V x 10", wire::deci_volts_u16(static_cast<double>(55.3F)), 553},
      {"20.6 A x 10", wire::deci_amps_s16(static_cast<double>(20.6F)), 206},
      {"-20.6 A x 10", wire::deci_amps_s16(static_cast<double>(-20.6F)), -206},
      {"0.29 % x 100", wire::centi_percent_u16(static_cast<double>(0.29F)), 29},
      {"3305.6 mV", wire::millivolts_u16(3305.6), 3306},
      {"99.5 % -> 100", wire::percent_u16(99.5), 100},
      {"14.0 degC -> 287 K", wire::kelvin_u16(14.0), 287},
      {"16.85 degC -> 290 K", wire::kelvin_u16(16.85), 290},
      {"149 Wh -> 1 x 100 Wh", wire::hecto_watt_hours_u32(149.0), 1},
      {"150 Wh -> 2 x 100 Wh", wire::hecto_watt_hours_u32(150.0), 2},
      {"279.5 Ah -> 280", wire::amp_hours_u16(279.5), 280},
  };
  for (const auto& c : cases) EXPECT_EQ(c.got, c.want) << c.name;
}

TEST(VictronEncoder, GivenValuesBeyondTheFieldLimits_WhenScaled_ThenSaturatedNeverWrapped) {
  struct Case {
    const char* name;
    std::int64_t got, want;
  };
  const Case cases[] = {
      {"CVL 7000 V", wire::deci_volts_u16(7000.0), 65535},
      {"CVL -5 V", wire::deci_volts_u16(-5.0), 0},
      {"CCL 5000 A", wire::deci_amps_limit_s16(5000.0), 32767},
      {"CCL -3 A (limits are >= 0)", wire::deci_amps_limit_s16(-3.0), 0},
      {"voltage 400 V", wire::centi_volts_s16(400.0), 32767},
      {"voltage -400 V", wire::centi_volts_s16(-400.0), -32768},
      {"current +5000 A", wire::deci_amps_s16(5000.0), 32767},
      {"current -5000 A", wire::deci_amps_s16(-5000.0), -32768},
      {"temperature 4000 degC", wire::deci_celsius_s16(4000.0), 32767},
      {"temperature -300 degC -> 0 K", wire::kelvin_u16(-300.0), 0},
      {"SOC 150 %", wire::percent_u16(150.0), 100},
      {"SOC -5 %", wire::percent_u16(-5.0), 0},
      {"SOC 0.01 % 101 %", wire::centi_percent_u16(101.0), 10000},
      {"cell 70000 mV", wire::millivolts_u16(70000.0), 65535},
      {"capacity 70000 Ah", wire::amp_hours_u16(70000.0), 65535},
      {"energy 1e12 Wh", wire::hecto_watt_hours_u32(1e12), 4294967295},
      {"energy -10 Wh", wire::hecto_watt_hours_u32(-10.0), 0},
      {"NaN current", wire::deci_amps_s16(std::nan("")), 0},
      {"+inf voltage", wire::centi_volts_s16(std::numeric_limits<double>::infinity()), 32767},
  };
  for (const auto& c : cases) EXPECT_EQ(c.got, c.want) << c.name;
}

TEST(VictronEncoder, GivenNegativeZeroAndExtremeCurrents_When0x356Encoded_ThenTwosComplement) {
  struct Case {
    float current_a;
    const char* bytes_2_3;
  };
  const Case cases[] = {{-0.7F, "F9 FF"},   {0.0F, "00 00"},   {-0.0F, "00 00"},
                        {-0.04F, "00 00"},  {-0.05F, "FF FF"}, {-150.0F, "24 FA"},
                        {-4000.F, "00 80"}, {4000.0F, "FF 7F"}};
  for (const auto& c : cases) {
    const CanFrame f = encode_measurements(snapshot_with(53.0F, c.current_a, 20.0F));
    EXPECT_EQ(hex(f.data).substr(6, 5), c.bytes_2_3) << c.current_a << " A";
  }
}

// ---- 0x351 refusals ------------------------------------------------------------------------

TEST(VictronEncoder, GivenADecisionThatMustNotBeSent_When0x351Encoded_ThenRefusedWithTheReason) {
  struct Case {
    const char* name;
    msg::ChargeDecision d;
    EncodeError error;
  };
  msg::ChargeDecision not_valid = test::decision(55.2F, 100.0F, 150.0F, 44.0F);
  not_valid.valid = false;
  const Case cases[] = {
      {"decision not valid", not_valid, EncodeError::decision_invalid},
      {"CVL 0", test::decision(0.0F, 100.0F, 150.0F, 44.0F), EncodeError::cvl_zero},
      {"CVL 0.04 V rounds to 0", test::decision(0.04F, 0.0F, 0.0F, 0.01F), EncodeError::cvl_zero},
      {"CVL negative", test::decision(-1.0F, 0.0F, 0.0F, 44.0F), EncodeError::cvl_zero},
      {"DVL 0", test::decision(55.2F, 100.0F, 150.0F, 0.0F), EncodeError::dvl_zero},
      {"DVL 0.04 V rounds to 0", test::decision(55.2F, 100.0F, 150.0F, 0.04F),
       EncodeError::dvl_zero},
      {"CVL NaN", test::decision(kNaN, 100.0F, 150.0F, 44.0F), EncodeError::limit_not_finite},
      {"CCL NaN", test::decision(55.2F, kNaN, 150.0F, 44.0F), EncodeError::limit_not_finite},
      {"DCL inf", test::decision(55.2F, 100.0F, INFINITY, 44.0F), EncodeError::limit_not_finite},
      {"DVL NaN", test::decision(55.2F, 100.0F, 150.0F, kNaN), EncodeError::limit_not_finite},
      {"DVL above CVL", test::decision(44.0F, 100.0F, 150.0F, 55.2F), EncodeError::dvl_above_cvl},
  };
  for (const auto& c : cases) {
    const auto f = encode_limits(c.d);
    ASSERT_FALSE(f.ok()) << c.name;
    EXPECT_EQ(f.error(), c.error) << c.name << ": " << to_string(f.error());
  }
}

TEST(VictronEncoder, GivenAnInvalidDecision_WhenTheSetIsEncoded_ThenNoFrameAtAll) {
  const msg::BatterySnapshot s = test::healthy_snapshot();
  const msg::BatteryAlarms a = test::all_items(msg::AlarmLevel::ok, true);
  const tinybms::BmsSettings st = test::lfp_settings();
  msg::ChargeDecision d = test::decision(55.2F, 100.0F, 150.0F, 44.0F);
  d.valid = false;
  FrameSet out;
  out.count = 3;  // leftovers from a previous cycle must not survive
  const auto r = FrameEncoder{}.encode({s, d, a, st, {}}, out);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), EncodeError::decision_invalid);
  EXPECT_EQ(out.count, 0U);
  EXPECT_EQ(out.find(0x351), nullptr);
}

TEST(VictronEncoder, GivenNegativeOrHugeCurrentLimits_When0x351Encoded_ThenSaturatedNotWrapped) {
  const auto f = encode_limits(test::decision(55.2F, -10.0F, 9000.0F, 44.0F));
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(hex(f->data), "28 02 00 00 FF 7F B8 01");
}

// ---- §7 regressions (the ESP32 gateway's bugs) ---------------------------------------------

TEST(VictronEncoder, GivenCvlFromThePerCellRegister315_When0x351Encoded_ThenRefusedAsImplausible) {
  // The ESP32 gateway sent reg 315 / 1000 (3.65 V) as the pack CVL: the GX would discharge the
  // battery towards 3.65 V. With the settings known such a CVL never reaches the wire.
  const tinybms::BmsSettings st = test::lfp_settings();
  const float per_cell_bug_v = static_cast<float>(st.over_voltage_cutoff_cell_mv) / 1000.0F;
  const auto bug = encode_limits(test::decision(per_cell_bug_v, 100.0F, 150.0F, 3.0F), &st);
  ASSERT_FALSE(bug.ok());
  EXPECT_EQ(bug.error(), EncodeError::cvl_implausible);
  // A CVL above the BMS's own pack over-voltage cutoff (16 x 3.65 = 58.4 V) is refused too.
  const auto above = encode_limits(test::decision(58.5F, 100.0F, 150.0F, 44.0F), &st);
  ASSERT_FALSE(above.ok());
  EXPECT_EQ(above.error(), EncodeError::cvl_implausible);
  // The pack value (series cells x per-cell value) is what goes out.
  const auto fixed = encode_limits(
      test::decision(st.pack_over_voltage_v(), 100.0F, 150.0F, st.pack_under_voltage_v()), &st);
  ASSERT_TRUE(fixed.ok());
  EXPECT_EQ(wire::get_u16le(fixed->data, 0), 584);  // 58.4 V, not 36 (3.6 V)
  EXPECT_EQ(wire::get_u16le(fixed->data, 6), 448);  // 44.8 V
}

TEST(VictronEncoder, GivenA280AhPack_WhenCapacityFramesEncoded_ThenAhNotTimes100NotTimesSoh) {
  // Reg 306 holds 28000 (x 0.01 Ah): the ESP32 gateway sent 28000 in 0x35F and SOH x capacity
  // in 0x379. Both frames must say 280 Ah, whatever the SOH.
  const tinybms::BmsSettings st = test::lfp_settings();
  msg::BatterySnapshot s = test::healthy_snapshot();
  s.soh_pct = 80.0F;
  const auto d = test::decision(55.2F, 100.0F, 150.0F, 44.0F);
  const auto a = test::all_items(msg::AlarmLevel::ok, true);
  FrameSet out;
  ASSERT_TRUE(FrameEncoder{}.encode({s, d, a, st, {}}, out).ok());
  ASSERT_NE(out.find(0x35F), nullptr);
  ASSERT_NE(out.find(0x379), nullptr);
  EXPECT_EQ(hex(out.find(0x35F)->data).substr(12, 5), "18 01");  // bytes 4-5: 280
  EXPECT_EQ(hex(out.find(0x379)->data), "18 01 00 00 00 00 00 00");
}

TEST(VictronEncoder, GivenAlarmLevels_When0x35AEncoded_ThenVictronPolarityNotTheInvertedOne) {
  // ESP32 gateway: 0 = fine, 2 = alarm. Victron: 0b10 = fine, 0b01 = active, 0b00 = unsupported.
  struct Case {
    msg::AlarmLevel level;
    std::uint8_t alarm_pair, warning_pair;
  };
  const Case cases[] = {{msg::AlarmLevel::ok, 0b10, 0b10},
                        {msg::AlarmLevel::warning, 0b10, 0b01},
                        {msg::AlarmLevel::alarm, 0b01, 0b01},
                        {msg::AlarmLevel::unsupported, 0b00, 0b00}};
  for (const auto& c : cases) {
    msg::BatteryAlarms a = test::all_items(msg::AlarmLevel::unsupported, true);
    a[msg::AlarmItem::high_voltage] = c.level;  // byte 0 / 4, bits 2-3
    const CanFrame f = encode_alarms(a);
    EXPECT_EQ(f.data[0], c.alarm_pair << 2) << static_cast<int>(c.level);
    EXPECT_EQ(f.data[4], c.warning_pair << 2) << static_cast<int>(c.level);
  }
  // BYD: 0x04 in byte 0 is a high-voltage alarm, 0x10 a low-voltage alarm.
  msg::BatteryAlarms low = test::all_items(msg::AlarmLevel::unsupported, true);
  low[msg::AlarmItem::low_voltage] = msg::AlarmLevel::alarm;
  EXPECT_EQ(encode_alarms(low).data[0], 0x10);
}

TEST(VictronEncoder, GivenOnlineFlag_When0x35AEncoded_ThenByte7Bits2To3) {
  EXPECT_EQ(encode_alarms(test::all_items(msg::AlarmLevel::unsupported, true)).data[7], 0x08);
  EXPECT_EQ(encode_alarms(test::all_items(msg::AlarmLevel::unsupported, false)).data[7], 0x04);
}

TEST(VictronEncoder, GivenExtremeCellsAndSensors_WhenIdFramesEncoded_ThenIdentifiersNotValues) {
  msg::BatterySnapshot s = test::healthy_snapshot();
  s.cell_mv[6] = 3201.0F;   // "cell 7"
  s.cell_mv[15] = 3402.0F;  // "cell 16"
  s.temps_c = {45.0F, 12.0F, 19.5F};
  s.temp_present = {true, true, true};
  const auto ids = encode_extreme_ids(s);
  const char* want[] = {"cell 7", "cell 16", "ext 1", "ext 2"};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(ids[i].id, 0x374U + i);
    const auto d = decode(ids[i]);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(std::get<TextFields>(d->fields).view(), want[i]);
  }
}

TEST(VictronEncoder, GivenOnlyTheInternalSensor_WhenTemperaturesEncoded_ThenItStandsIn) {
  msg::BatterySnapshot s = test::healthy_snapshot();
  s.temps_c = {31.0F, 0.0F, 0.0F};
  s.temp_present = {true, false, false};
  EXPECT_EQ(wire::get_s16le(encode_measurements(s).data, 4), 310);
  EXPECT_EQ(hex(encode_cell_extremes(s).data).substr(12), "30 01 30 01");  // 304 K
  EXPECT_EQ(std::get<TextFields>(decode(encode_extreme_ids(s)[3])->fields).view(), "internal");
}

// ---- 0x355, 0x35C, 0x35F, 0x372, 0x378 -----------------------------------------------------

TEST(VictronEncoder, GivenSocAndSoh_When0x355Encoded_ThenPercentAndHundredthsOfPercent) {
  msg::BatterySnapshot s = test::healthy_snapshot();
  s.soc_pct = 87.254321;
  s.soh_pct = 97.6F;
  EXPECT_EQ(hex(encode_soc(s, 100.0F).data), "57 00 62 00 15 22 00 00");  // 87, 98, 8725
  s.soh_valid = false;  // firmware before Rev D: no SOH register
  EXPECT_EQ(hex(encode_soc(s, 100.0F).data), "57 00 64 00 15 22 00 00");
}

TEST(VictronEncoder, GivenLimits_When0x35CAnd0x372Encoded_ThenConsistentWithCclAndDcl) {
  struct Case {
    float ccl_a, dcl_a;
    std::uint8_t flags;
    const char* modules;
  };
  const Case cases[] = {{100.0F, 150.0F, 0xC0, "01 00 00 00 00 00 00 00"},
                        {0.0F, 150.0F, 0x40, "01 00 01 00 00 00 00 00"},
                        {100.0F, 0.0F, 0x80, "01 00 00 00 01 00 00 00"},
                        {0.04F, 0.0F, 0x00, "01 00 01 00 01 00 00 00"}};
  for (const auto& c : cases) {
    const auto d = test::decision(55.2F, c.ccl_a, c.dcl_a, 44.0F);
    EXPECT_EQ(encode_request_flags(d).data[0], c.flags) << c.ccl_a << "/" << c.dcl_a;
    EXPECT_EQ(hex(encode_modules(d).data), c.modules) << c.ccl_a << "/" << c.dcl_a;
  }
}

TEST(VictronEncoder, GivenEnergyTotals_When0x378Encoded_ThenHundredsOfWhLittleEndian) {
  const CanFrame f = encode_energy({1'234'560.0, 49.0});
  EXPECT_EQ(hex(f.data), "3A 30 00 00 00 00 00 00");  // 12346 x 100 Wh, 0
}

}  // namespace
}  // namespace tbgw::victron
