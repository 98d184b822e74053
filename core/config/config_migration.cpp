// Migration steps between schema versions (config_migration.hpp).
#include "core/config/config_migration.hpp"

#include <iterator>

namespace tbgw::config {

bool ConfigSettings::push(std::string_view key, const ConfigValue& value) {
  if (size_ == kCapacity) return false;
  items_[size_++] = ConfigSetting{key, value};
  return true;
}

const ConfigSetting* ConfigSettings::find(std::string_view key) const {
  for (const ConfigSetting& s : items()) {
    if (s.key == key) return &s;
  }
  return nullptr;
}

std::size_t ConfigSettings::erase(std::string_view key) {
  std::size_t kept = 0;
  for (std::size_t i = 0; i < size_; ++i) {
    if (items_[i].key != key) items_[kept++] = items_[i];
  }
  const std::size_t removed = size_ - kept;
  size_ = kept;
  return removed;
}

void ConfigSettings::rename(std::string_view from, std::string_view to) {
  if (find(to) != nullptr) {
    (void)erase(from);
    return;
  }
  for (std::size_t i = 0; i < size_; ++i) {
    if (items_[i].key == from) items_[i].key = to;
  }
}

namespace {

void v0_to_v1(ConfigSettings& s) {
  s.rename("poll.interval_ms", "poll.live_interval_ms");
}

constexpr MigrationStep kSteps[] = {&v0_to_v1};
static_assert(std::size(kSteps) == kSchemaVersion, "one migration step per older version");

}  // namespace

std::span<const MigrationStep> migration_steps() {
  return kSteps;
}

Result<void, MigrationError> migrate(ConfigSettings& settings, std::int64_t from_version) {
  if (from_version < 0) return Err(MigrationError::version_invalid);
  if (from_version > kSchemaVersion) return Err(MigrationError::version_too_new);
  for (std::int64_t v = from_version; v < kSchemaVersion; ++v) {
    kSteps[static_cast<std::size_t>(v)](settings);
  }
  return {};
}

}  // namespace tbgw::config
