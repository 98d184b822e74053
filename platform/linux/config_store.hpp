// ConfigStore: the configuration file in the state directory, written so that no crash, power
// cut or full disk can leave the gateway without a usable configuration.
//
// Files (all in the state directory):
//   config.json            the configuration (config_json.hpp: schema version + non-defaults)
//   config.json.last-good  a copy of the last config.json that loaded or was saved
//   *.tmp                  a write in progress; a leftover one is removed by load()
//
// Save: validate, then write_file_atomically() (atomic_file.hpp: temp file, fsync, rename over,
// fsync the directory) for config.json, then for last-good. rename() is atomic, so config.json
// is always either the old or the new file, whatever moment the process dies. On failure
// (ENOSPC, EROFS, EACCES, EFBIG...) the temp file is removed, config.json is untouched (unless
// only the final directory fsync failed: then the new file is in place but not known durable)
// and the error names the step, the path and the OS reason.
//
// Load never fails: config.json if it loads; when it exists but cannot be used (corrupt,
// half-written by another tool, empty, wrong types, unknown keys, out of range), last-good;
// else the defaults. A missing config.json is a first start (defaults, not an alert).
// The result says which source was used and every reason. A file is accepted or refused as a
// whole, never partly. Saves and loads hold an flock() on the directory, so two processes
// (the service and a command-line tool) never interleave their temp files.
//
// No exception escapes this class; it does not log (the caller logs the result once).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/config/gateway_config.hpp"
#include "platform/linux/error.hpp"

namespace tbgw::platform {

enum class ConfigLoadStatus {
  loaded,          // config.json
  no_file,         // no config.json: defaults (first start)
  used_last_good,  // config.json unusable: config.json.last-good
  used_defaults,   // config.json unusable and no usable last-good: defaults
};
const char* to_string(ConfigLoadStatus s);

struct ConfigLoadResult {
  config::GatewayConfig config;
  ConfigLoadStatus status = ConfigLoadStatus::no_file;
  std::vector<std::string> problems;  // why a file was refused: "config.json: <reason>"
  std::vector<std::string> notes;     // harmless events: migration, leftover temp file removed

  // The service runs, but not on the owner's file: raise an alert.
  bool degraded() const {
    return status == ConfigLoadStatus::used_last_good || status == ConfigLoadStatus::used_defaults;
  }
  // One line for the log, e.g. "config.json unusable (...); started from config.json.last-good".
  std::string summary() const;
};

// Why save() wrote nothing, or wrote config.json without knowing it durable (fsync_dir).
enum class ConfigSaveErrc : std::uint8_t {
  invalid,        // the schema refuses it (detail: every reason)
  not_encodable,  // e.g. invalid UTF-8 in a string
  no_directory,   // the state directory cannot be created (errno; detail: the directory)
  write_failed,   // detail: "cannot write /var/lib/tinybms-gw/config.json.tmp", errno: ENOSPC
  exception,      // bad_alloc or a filesystem exception (detail: its what())
};
const char* to_string(ConfigSaveErrc e);
using ConfigSaveError = Error<ConfigSaveErrc>;
// As describe_error(), without a prefix for write_failed (the file error says what failed).
std::string to_string(const ConfigSaveError& e);

struct ConfigSaved {
  std::string warning;  // saved, but the last-good copy could not be refreshed ("" if it was)
};

class ConfigStore {
 public:
  explicit ConfigStore(std::filesystem::path state_dir);

  ConfigLoadResult load();
  Result<ConfigSaved, ConfigSaveError> save(const config::GatewayConfig& config);

  const std::filesystem::path& config_path() const { return config_path_; }
  const std::filesystem::path& last_good_path() const { return last_good_path_; }

 private:
  std::filesystem::path dir_;
  std::filesystem::path config_path_;
  std::filesystem::path last_good_path_;
};

// Where the state lives. In order: `explicit_dir` (--state-dir); $STATE_DIRECTORY (set by
// systemd's StateDirectory=); /var/lib/tinybms-gw when the executable is installed (it lives
// in a directory named "bin"); else ./var under the working directory (a checkout's build).
struct StateDirInputs {
  std::string explicit_dir;
  std::string systemd_state_directory;  // may list several paths separated by ':'
  std::filesystem::path executable;
  std::filesystem::path working_dir;
};
std::filesystem::path resolve_state_dir(const StateDirInputs& inputs);

// resolve_state_dir() with this process's environment, /proc/self/exe and working directory.
std::filesystem::path default_state_dir(const std::string& explicit_dir);

}  // namespace tbgw::platform
