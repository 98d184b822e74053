// Migration of stored settings between schema versions. Version 0 is the worked example of a
// rename: poll.interval_ms became poll.live_interval_ms.
#include "core/config/config_migration.hpp"

#include <gtest/gtest.h>

#include "core/config/config_validate.hpp"

namespace tbgw::config {
namespace {

using std::int64_t;

TEST(ConfigMigration, GIVEN_schema_THEN_one_step_per_older_version) {
  EXPECT_EQ(migration_steps().size(), static_cast<std::size_t>(kSchemaVersion));
}

TEST(ConfigMigration, GIVEN_version_0_settings_WHEN_migrated_THEN_renamed_key_validates) {
  ConfigSettings s;
  ASSERT_TRUE(s.push("poll.interval_ms", int64_t{500}));
  ASSERT_TRUE(s.push("log.level", std::string_view("debug")));
  ASSERT_TRUE(migrate(s, 0).ok());
  ASSERT_EQ(s.size(), 2U);
  EXPECT_EQ(s.find("poll.interval_ms"), nullptr);
  ASSERT_NE(s.find("poll.live_interval_ms"), nullptr);
  GatewayConfig c;
  ASSERT_TRUE(apply_settings(c, s.items()).ok());
  EXPECT_EQ(c.poll_live_interval_ms, 500);
}

TEST(ConfigMigration, GIVEN_old_and_new_name_both_present_WHEN_migrated_THEN_new_name_wins) {
  ConfigSettings s;
  ASSERT_TRUE(s.push("poll.interval_ms", int64_t{500}));
  ASSERT_TRUE(s.push("poll.live_interval_ms", int64_t{700}));
  ASSERT_TRUE(migrate(s, 0).ok());
  ASSERT_EQ(s.size(), 1U);
  EXPECT_EQ(s.items()[0].value, ConfigValue{int64_t{700}});
}

TEST(ConfigMigration, GIVEN_current_version_WHEN_migrated_THEN_unchanged) {
  ConfigSettings s;
  ASSERT_TRUE(s.push("poll.interval_ms", int64_t{500}));  // unknown in v1: left for validation
  ASSERT_TRUE(migrate(s, kSchemaVersion).ok());
  EXPECT_NE(s.find("poll.interval_ms"), nullptr);
}

TEST(ConfigMigration, GIVEN_newer_or_negative_version_WHEN_migrated_THEN_refused) {
  ConfigSettings s;
  EXPECT_EQ(migrate(s, kSchemaVersion + 1).error(), MigrationError::version_too_new);
  EXPECT_EQ(migrate(s, -1).error(), MigrationError::version_invalid);
}

TEST(ConfigMigration, GIVEN_full_list_WHEN_pushed_THEN_refused) {
  ConfigSettings s;
  for (std::size_t i = 0; i < ConfigSettings::kCapacity; ++i) ASSERT_TRUE(s.push("k", true));
  EXPECT_FALSE(s.push("k", true));
}

}  // namespace
}  // namespace tbgw::config
