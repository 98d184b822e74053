// Victron frame encoder, identity side: the neutral default name, 0x35E/0x370/0x371 carrying
// the same text, identity validation, the firmware word, and the composition of the full set.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <variant>

#include "core/victron/frame_decoder.hpp"
#include "core/victron/frame_encoder.hpp"
#include "victron_test_support.hpp"

namespace tbgw::victron {
namespace {

using test::hex;

TEST(VictronIdentity, GivenVersionInfo_When0x35FEncoded_ThenFirmwareMostSignificantByteFirst) {
  tinybms::VersionInfo v;
  v.fw_public = 0x86;
  v.fw_internal = 242;
  EncoderIdentity id;
  id.firmware = firmware_word(v);
  EXPECT_EQ(hex(encode_battery_info(id, 280.0F).data), "00 00 86 F2 18 01 00 00");
  v.fw_internal = 300;  // does not fit a byte: saturates
  EXPECT_EQ(firmware_word(v), 0x86FF);
}

TEST(VictronIdentity, GivenDefaultIdentity_WhenSetEncoded_ThenNeutralNameAndTheExpectedFrames) {
  const auto s = test::healthy_snapshot();
  const auto d = test::decision(55.2F, 100.0F, 150.0F, 44.0F);
  const auto a = test::all_items(msg::AlarmLevel::ok, true);
  const auto st = test::lfp_settings();
  FrameSet out;
  const auto r = FrameEncoder{}.encode({s, d, a, st, {5000.0, 3000.0}}, out);
  ASSERT_TRUE(r.ok());
  const std::uint32_t want[] = {0x351, 0x355, 0x356, 0x35A, 0x35E, 0x35F, 0x372,
                                0x373, 0x374, 0x375, 0x376, 0x377, 0x378, 0x379};
  ASSERT_EQ(*r, std::size(want));
  for (std::size_t i = 0; i < std::size(want); ++i) {
    EXPECT_EQ(out.frames[i].id, want[i]) << i;
    EXPECT_EQ(out.frames[i].dlc, 8) << i;
    EXPECT_LE(out.frames[i].id, CanFrame::kMaxStandardId);
  }
  const std::string name(reinterpret_cast<const char*>(out.find(0x35E)->data.data()), 8);
  EXPECT_EQ(name, std::string("TinyBMS\0", 8));
  for (const char* brand : {"PYLON", "BYD", "LG", "Pelio"}) {
    EXPECT_NE(name.rfind(brand, 0), 0U) << brand;
  }
  EXPECT_EQ(check_identity(EncoderIdentity{}).ok(), true);
}

TEST(VictronIdentity, GivenALongBatteryName_WhenSetEncoded_Then0x370Repeats0x35E) {
  const auto id = make_identity("MyPack48", "MyPack48 LFP 16S", "DIY LFP", true);
  ASSERT_TRUE(id.ok());
  const auto s = test::healthy_snapshot();
  const auto d = test::decision(55.2F, 100.0F, 150.0F, 44.0F);
  const auto a = test::all_items(msg::AlarmLevel::ok, true);
  const auto st = test::lfp_settings();
  FrameSet out;
  const auto r = FrameEncoder{*id}.encode({s, d, a, st, {}}, out);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, FrameSet::kCapacity);  // every optional frame on
  ASSERT_NE(out.find(0x370), nullptr);
  EXPECT_EQ(out.find(0x370)->data, out.find(0x35E)->data);
  EXPECT_EQ(std::get<TextFields>(decode(*out.find(0x371))->fields).view(), " LFP 16S");
  EXPECT_EQ(std::get<TextFields>(decode(*out.find(0x382))->fields).view(), "DIY LFP");
  EXPECT_EQ(out.find(0x35C)->data[0], 0xC0);
}

TEST(VictronIdentity, GivenBadIdentityStrings_WhenMade_ThenRefusedWithTheReason) {
  struct Case {
    const char *manufacturer, *name, *family;
    IdentityError error;
  };
  const Case cases[] = {
      {"", "", "", IdentityError::manufacturer_invalid},
      {"TinyBMS-X", "", "", IdentityError::manufacturer_invalid},
      {"Tiny\x01", "", "", IdentityError::manufacturer_invalid},
      {"TinyBMS", "A name of 17 chars", "", IdentityError::name_invalid},
      {"TinyBMS", "", "Family 10", IdentityError::family_invalid},
      {"TinyBMS", "Lithium Battery", "", IdentityError::name_mismatch},  // the ESP32 pair
      {"TinyBMS", "TinyBMS 16S", "", IdentityError::name_mismatch},  // 0x370 "TinyBMS " != 0x35E
  };
  for (const auto& c : cases) {
    const auto r = make_identity(c.manufacturer, c.name, c.family, false);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(r.error(), c.error) << c.name << ": " << to_string(r.error());
  }
}

TEST(VictronIdentity, GivenAMismatchedIdentityWrittenDirectly_WhenEncoded_ThenNoNameFrames) {
  EncoderIdentity id;
  id.battery_name = {'L', 'i', 't', 'h', 'i', 'u', 'm', ' ', 'B', 'a', 't', 't', 'e', 'r', 'y'};
  const auto s = test::healthy_snapshot();
  const auto d = test::decision(55.2F, 100.0F, 150.0F, 44.0F);
  const auto a = test::all_items(msg::AlarmLevel::ok, true);
  const auto st = test::lfp_settings();
  FrameSet out;
  ASSERT_TRUE(FrameEncoder{id}.encode({s, d, a, st, {}}, out).ok());
  EXPECT_EQ(out.find(0x370), nullptr);
  EXPECT_EQ(out.find(0x371), nullptr);
  EXPECT_NE(out.find(0x35E), nullptr);
}

}  // namespace
}  // namespace tbgw::victron
