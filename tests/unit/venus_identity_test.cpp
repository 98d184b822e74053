// Venus naming, instance parsing, product ids and the path table.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/venus/venus_identity.hpp"
#include "core/venus/venus_paths.hpp"

namespace tbgw::venus {
namespace {

TEST(VenusIdentity, GivenSerial_WhenNamed_ThenStableServiceAndSettingPath) {
  const Name id = unique_id("0123456789ABCDEF01234567");
  EXPECT_EQ(id.view(), "tinybms_0123456789ABCDEF01234567");
  EXPECT_EQ(service_name(id.view()).view(),
            "com.victronenergy.battery.tinybms_0123456789ABCDEF01234567");
  EXPECT_EQ(instance_setting_path(id.view()).view(),
            "/Settings/Devices/tinybms_0123456789ABCDEF01234567/ClassAndVrmInstance");
}

TEST(VenusIdentity, GivenEmptyOrOddSerial_WhenNamed_ThenOnlyBusNameCharacters) {
  EXPECT_EQ(unique_id("").view(), "tinybms_unknown");
  EXPECT_EQ(unique_id("AB-C.D").view(), "tinybms_ABCD");
}

TEST(VenusIdentity, GivenClassAndInstanceTexts_WhenParsed_ThenOnlyBatteryNumbersAccepted) {
  EXPECT_EQ(parse_class_and_instance("battery:512"), 512);
  EXPECT_EQ(parse_class_and_instance("battery:0"), 0);
  EXPECT_EQ(instance_default(513).view(), "battery:513");
  for (const char* bad : {"", "battery:", "solarcharger:3", "battery:12a", "battery:-1"}) {
    EXPECT_FALSE(parse_class_and_instance(bad).has_value()) << bad;
  }
}

TEST(VenusIdentity, GivenProductIds_WhenChecked_ThenQuirkAndReservedIdsRefused) {
  EXPECT_TRUE(product_id_allowed(0xFFFF));
  for (const int id : {0xB004, 0xB009, 0xBA77, 0xA3E5, -1, 0x10000}) {
    EXPECT_FALSE(product_id_allowed(id)) << std::hex << id;
  }
}

TEST(VenusPaths, GivenTable_WhenScanned_ThenEveryPathUniqueAbsoluteAndFound) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < kPathCount; ++i) {
    const auto& s = spec(static_cast<Path>(i));
    ASSERT_FALSE(s.path.empty()) << i;
    EXPECT_EQ(s.path[0], '/');
    EXPECT_TRUE(seen.insert(std::string(s.path)).second) << s.path;
    EXPECT_EQ(find_path(s.path), static_cast<Path>(i));
  }
  EXPECT_EQ(spec(cell_voltage_path(0)).path, "/Voltages/Cell1");
  EXPECT_EQ(spec(cell_voltage_path(15)).path, "/Voltages/Cell16");
  EXPECT_EQ(spec(cell_balance_path(15)).path, "/Balances/Cell16");
  EXPECT_EQ(spec(Path::history_total_ah_drawn).path, "/History/TotalAhDrawn");
  EXPECT_TRUE(spec(Path::custom_name).writable);
  EXPECT_FALSE(spec(Path::info_max_charge_current).writable);
}

}  // namespace
}  // namespace tbgw::venus
