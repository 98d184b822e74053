// Schema versions and migration of stored settings from an older version to kSchemaVersion.
//
// Theory of operation. A config file carries "schema_version" and a key/value list. Before
// validation, migrate() runs the steps from the file's version up to the current one; step i
// turns a version-i list into a version-(i+1) list in place (rename a key, drop one, convert a
// unit). Keys are otherwise stable forever, so steps are rare and small. A file from a newer
// gateway (version > kSchemaVersion) is refused rather than guessed at.
//
// Version 0 never shipped: its step is the template for real ones. It renames
// "poll.interval_ms" (the name of the --poll-interval-ms flag) to "poll.live_interval_ms".
//
// Bounds and lifetimes: ConfigSettings holds at most kCapacity settings as views (keys and
// strings point into the caller's parsed document; keys written by a step are string literals).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "core/config/config_key.hpp"
#include "core/util/result.hpp"

namespace tbgw::config {

class ConfigSettings {
 public:
  static constexpr std::size_t kCapacity = kMaxConfigKeys;

  // Appends; false (and nothing appended) when full.
  bool push(std::string_view key, const ConfigValue& value);
  std::span<const ConfigSetting> items() const { return {items_.data(), size_}; }
  std::size_t size() const { return size_; }
  const ConfigSetting* find(std::string_view key) const;

  // Removes every setting with `key`; returns how many were removed.
  std::size_t erase(std::string_view key);
  // Renames `from` to `to` (`to` must be a string literal). When `to` is already present the
  // newer key wins and `from` is dropped.
  void rename(std::string_view from, std::string_view to);

 private:
  std::array<ConfigSetting, kCapacity> items_{};
  std::size_t size_ = 0;
};

enum class MigrationError : std::uint8_t {
  version_too_new,  // written by a newer gateway: refuse rather than guess
  version_invalid,  // negative
};

constexpr std::string_view to_string(MigrationError e) {
  return e == MigrationError::version_too_new ? "schema version newer than this gateway knows"
                                              : "invalid schema version";
}

// Step i migrates version i to version i + 1.
using MigrationStep = void (*)(ConfigSettings& settings);

// One step per version below kSchemaVersion.
std::span<const MigrationStep> migration_steps();

// Brings `settings` from `from_version` to kSchemaVersion (nothing to do when equal).
Result<void, MigrationError> migrate(ConfigSettings& settings, std::int64_t from_version);

}  // namespace tbgw::config
