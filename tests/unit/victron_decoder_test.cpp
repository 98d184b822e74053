// Victron frame decoder and describe(): the public vectors decoded, frames from other devices
// (short DLCs), refusals, and the one-line text used by `tinybms-gw encode`.
#include "core/victron/frame_decoder.hpp"

#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "core/victron/frame_encoder.hpp"
#include "victron_test_support.hpp"

namespace tbgw::victron {
namespace {

CanFrame raw(std::uint32_t id, std::initializer_list<std::uint8_t> bytes) {
  CanFrame f;
  f.id = id;
  f.dlc = static_cast<std::uint8_t>(bytes.size());
  std::size_t i = 0;
  for (const auto b : bytes) f.data[i++] = b;
  return f;
}

TEST(VictronDecoder, GivenTheVictronExample0x351_WhenDecoded_ThenLimitsAndAbsentDvl) {
  const auto d = decode(raw(0x351, {0x45, 0x02, 0x4C, 0x04, 0x4C, 0x04, 0x00, 0x00}));
  ASSERT_TRUE(d.ok());
  const auto& f = std::get<LimitsFields>(d->fields);
  EXPECT_DOUBLE_EQ(f.cvl_v(), 58.1);
  EXPECT_DOUBLE_EQ(f.ccl_a(), 110.0);
  EXPECT_DOUBLE_EQ(f.dcl_a(), 110.0);
  EXPECT_EQ(f.dvl_dv, 0);
}

TEST(VictronDecoder, GivenPublicVectors_WhenDecoded_ThenEngineeringValues) {
  const auto m = decode(raw(0x356, {0xBE, 0x14, 0xF9, 0xFF, 0x8C, 0x00, 0x00, 0x00}));
  ASSERT_TRUE(m.ok());
  const auto& mf = std::get<MeasurementFields>(m->fields);
  EXPECT_DOUBLE_EQ(mf.voltage_v(), 53.10);
  EXPECT_DOUBLE_EQ(mf.current_a(), -0.7);
  EXPECT_DOUBLE_EQ(mf.temp_c(), 14.0);

  const auto c = decode(raw(0x373, {0xEA, 0x0C, 0x01, 0x0D, 0x1F, 0x01, 0x22, 0x01}));
  ASSERT_TRUE(c.ok());
  const auto& cf = std::get<CellExtremeFields>(c->fields);
  EXPECT_EQ(cf.min_cell_mv, 3306);
  EXPECT_EQ(cf.max_cell_mv, 3329);
  EXPECT_EQ(cf.min_temp_k, 287);
  EXPECT_EQ(cf.max_temp_k, 290);
  EXPECT_TRUE(cf.temps_supported());
}

TEST(VictronDecoder, GivenTheByd0x35AAllOk_WhenDecoded_ThenEveryItemOkAndOnline) {
  const auto d = decode(raw(0x35A, {0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA}));
  ASSERT_TRUE(d.ok());
  const msg::BatteryAlarms a = std::get<AlarmFields>(d->fields).levels();
  for (const auto l : a.level) EXPECT_EQ(l, msg::AlarmLevel::ok);
  EXPECT_TRUE(a.online);
}

TEST(VictronDecoder, GivenShortFramesOtherDevicesSend_WhenDecoded_ThenMissingFieldsAbsent) {
  const auto soc = decode(raw(0x355, {0x50, 0x00, 0x64, 0x00}));  // Pytes: 4 bytes
  ASSERT_TRUE(soc.ok());
  EXPECT_EQ(std::get<SocFields>(soc->fields).soc_pct, 80);
  EXPECT_FALSE(std::get<SocFields>(soc->fields).has_high_res);
  const auto cells = decode(raw(0x373, {0xEA, 0x0C, 0x01, 0x0D}));  // temperatures dropped
  ASSERT_TRUE(cells.ok());
  EXPECT_FALSE(std::get<CellExtremeFields>(cells->fields).temps_supported());
  const auto name = decode(raw(0x35E, {'P', 'Y', 'T', 'E', 'S'}));  // Pytes: 5 bytes
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(std::get<TextFields>(name->fields).view(), "PYTES");
}

TEST(VictronDecoder, GivenFramesOutsideTheSet_WhenDecoded_ThenRefusedWithTheReason) {
  struct Case {
    const char* name;
    CanFrame frame;
    DecodeError error;
  };
  CanFrame dlc9 = raw(0x351, {1, 2, 3, 4, 5, 6, 7, 8});
  dlc9.dlc = 9;
  const Case cases[] = {
      {"GX keep-alive 0x305", raw(0x305, {0, 0, 0, 0, 0, 0, 0, 0}), DecodeError::unknown_id},
      {"29-bit id", raw(0x18FF50E5, {0, 0, 0, 0, 0, 0, 0, 0}), DecodeError::unknown_id},
      {"DLC 9", dlc9, DecodeError::bad_dlc},
      {"0x351 with 4 bytes", raw(0x351, {0x45, 0x02, 0x4C, 0x04}), DecodeError::short_frame},
      {"0x35A with 4 bytes", raw(0x35A, {0xAA, 0xAA, 0xAA, 0xAA}), DecodeError::short_frame},
  };
  for (const auto& c : cases) {
    const auto d = decode(c.frame);
    ASSERT_FALSE(d.ok()) << c.name;
    EXPECT_EQ(d.error(), c.error) << c.name;
  }
}

TEST(VictronDecoder, GivenEncodedFrames_WhenDescribed_ThenOneLineWithUnits) {
  const auto limits = encode_limits(test::decision(55.2F, 100.0F, 150.0F, 44.0F));
  ASSERT_TRUE(limits.ok());
  msg::BatterySnapshot s = test::healthy_snapshot();
  s.soc_pct = 87.254;
  s.soh_pct = 98.0F;
  msg::BatteryAlarms a = test::all_items(msg::AlarmLevel::ok, true);
  a[msg::AlarmItem::general] = msg::AlarmLevel::unsupported;
  a[msg::AlarmItem::contactor] = msg::AlarmLevel::unsupported;
  a[msg::AlarmItem::short_circuit] = msg::AlarmLevel::unsupported;
  a[msg::AlarmItem::high_voltage] = msg::AlarmLevel::alarm;
  a[msg::AlarmItem::cell_imbalance] = msg::AlarmLevel::warning;
  EncoderIdentity id;
  id.firmware = 0x86F2;
  auto flags = encode_request_flags(test::decision(55.2F, 100.0F, 0.0F, 44.0F));

  struct Case {
    CanFrame frame;
    const char* text;
  };
  const Case cases[] = {
      {*limits, "0x351 CVL 55.20 V CCL 100.0 A DCL 150.0 A DVL 44.00 V"},
      {encode_soc(s, 100.0F), "0x355 SOC 87 % SOH 98 % SOC 87.25 %"},
      {raw(0x356, {0xBE, 0x14, 0xF9, 0xFF, 0x8C, 0x00, 0x00, 0x00}),
       "0x356 voltage 53.10 V current -0.7 A temperature 14.0 degC"},
      {encode_alarms(a),
       "0x35A online alarm: high_voltage warning: cell_imbalance ok: 8 items unsupported: "
       "general,contactor,short_circuit"},
      {encode_alarms(test::all_items(msg::AlarmLevel::ok, false)),
       "0x35A offline no alarm or warning ok: 13 items"},
      {flags, "0x35C charge enabled, discharge disabled (0x80)"},
      {encode_text(0x35E, "TinyBMS"), "0x35E manufacturer \"TinyBMS\""},
      {encode_battery_info(id, 280.0F),
       "0x35F type 0x0000 firmware 134.242 online capacity 280 Ah"},
      {encode_modules(test::decision(55.2F, 0.0F, 150.0F, 44.0F)),
       "0x372 modules ok 1 blocking charge 1 blocking discharge 0 offline 0"},
      {raw(0x373, {0xEA, 0x0C, 0x01, 0x0D, 0x1F, 0x01, 0x22, 0x01}),
       "0x373 cell min 3306 mV max 3329 mV temp min 287 K (13.85 degC) max 290 K (16.85 degC)"},
      {raw(0x373, {0xEA, 0x0C, 0x01, 0x0D}),
       "0x373 cell min 3306 mV max 3329 mV temperatures not supported"},
      {encode_text(0x374, "cell 7"), "0x374 min cell id \"cell 7\""},
      {encode_energy({1'234'560.0, 0.0}), "0x378 charged 1234.6 kWh discharged 0.0 kWh"},
      {encode_installed_capacity(280.0F), "0x379 installed capacity 280 Ah"},
      {encode_text(0x382, "DIY"), "0x382 family \"DIY\""},
      {raw(0x123, {0x01, 0x02}), "0x123 unknown_id (dlc 2) 01 02"},
      {raw(0x351, {0x45, 0x02, 0x4C, 0x04}), "0x351 short_frame (dlc 4) 45 02 4C 04"},
  };
  for (const auto& c : cases) EXPECT_EQ(describe(c.frame).view(), c.text);
}

TEST(VictronDecoder, GivenNegativeAndExtremeFields_WhenDescribed_ThenExactDecimals) {
  msg::BatterySnapshot s = test::healthy_snapshot();
  s.pack_voltage_v = -1.5F;
  s.pack_current_a = -0.05F;
  s.temps_c = {-0.1F, -40.0F, 0.0F};
  s.temp_present = {true, false, false};
  EXPECT_EQ(describe(encode_measurements(s)).view(),
            "0x356 voltage -1.50 V current -0.1 A temperature -0.1 degC");
  s.pack_voltage_v = 1000.0F;
  s.pack_current_a = -9999.0F;
  EXPECT_EQ(describe(encode_measurements(s)).view(),
            "0x356 voltage 327.67 V current -3276.8 A temperature -0.1 degC");
}

}  // namespace
}  // namespace tbgw::victron
