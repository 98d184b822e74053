// Atomic save and fail-safe load of the configuration file (config_store.hpp).
#include "platform/linux/config_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <exception>
#include <string>
#include <system_error>

#include "core/config/config_validate.hpp"
#include "platform/linux/atomic_file.hpp"
#include "platform/linux/config_json.hpp"
#include "platform/linux/config_text.hpp"

namespace tbgw::platform {
namespace {

namespace fs = std::filesystem;

// Holds an exclusive flock() on the state directory while it lives, so that a second process
// (a `config set` command next to the running service) cannot interleave its temp file with
// ours. Without the directory (load before the first save) there is nothing to protect.
class DirectoryLock {
 public:
  explicit DirectoryLock(const fs::path& dir)
      : fd_(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
    if (fd_ >= 0) {
      while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
      }
    }
  }
  ~DirectoryLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the lock
  }
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;

 private:
  int fd_;
};

enum class FileOutcome { loaded, missing, refused };

// 0600: later releases keep credentials (MQTT, HTTP) in this file.
const AtomicWriteOptions kWriteOptions{{}, 0600};

// write_file_atomically() writes through "<path>.tmp".
fs::path temp_path(const fs::path& path) {
  fs::path temp = path;
  temp += ".tmp";
  return temp;
}

// Reads and parses one file; on refusal appends "<file name>: <reason>" to `problems`.
FileOutcome load_file(const fs::path& path, ConfigLoadResult& r, std::string& text) {
  std::error_code ec;
  if (!fs::exists(path, ec) && !ec) return FileOutcome::missing;
  auto read = read_small_file(path);
  if (!read) {
    r.problems.push_back(to_string(read.error()));
    return FileOutcome::refused;
  }
  text = std::move(*read);
  const auto parsed = config_from_json(text);
  if (!parsed) {
    for (auto& line : parsed.error().problems.lines(path.filename().string() + ": ")) {
      r.problems.push_back(std::move(line));
    }
    return FileOutcome::refused;
  }
  if (parsed->schema_version != config::kSchemaVersion) {
    r.notes.push_back(path.filename().string() + ": migrated from schema version " +
                      std::to_string(parsed->schema_version));
  }
  r.config = parsed->config;
  return FileOutcome::loaded;
}

}  // namespace

const char* to_string(ConfigLoadStatus s) {
  switch (s) {
    case ConfigLoadStatus::loaded:
      return "loaded";
    case ConfigLoadStatus::no_file:
      return "no_file";
    case ConfigLoadStatus::used_last_good:
      return "used_last_good";
    case ConfigLoadStatus::used_defaults:
      return "used_defaults";
  }
  return "?";
}

std::string ConfigLoadResult::summary() const {
  std::string reasons;
  for (const auto& p : problems) reasons += (reasons.empty() ? "" : "; ") + p;
  switch (status) {
    case ConfigLoadStatus::loaded:
      return "config.json loaded";
    case ConfigLoadStatus::no_file:
      return "no config.json: using the defaults";
    case ConfigLoadStatus::used_last_good:
      return "config.json unusable (" + reasons + "); started from config.json.last-good";
    case ConfigLoadStatus::used_defaults:
      return "config.json unusable (" + reasons + "); no usable last-good copy: started from " +
             "the defaults";
  }
  return "";
}

ConfigStore::ConfigStore(fs::path state_dir)
    : dir_(std::move(state_dir)),
      config_path_(dir_ / "config.json"),
      last_good_path_(dir_ / "config.json.last-good") {}

ConfigLoadResult ConfigStore::load() try {
  const DirectoryLock lock(dir_);
  ConfigLoadResult r;
  for (const fs::path& temp : {temp_path(config_path_), temp_path(last_good_path_)}) {
    if (::unlink(temp.c_str()) == 0) {
      r.notes.push_back("removed " + temp.filename().string() + " left by an interrupted save");
    }
  }
  std::string text;
  switch (load_file(config_path_, r, text)) {
    case FileOutcome::missing:
      r.status = ConfigLoadStatus::no_file;
      return r;
    case FileOutcome::loaded: {
      r.status = ConfigLoadStatus::loaded;
      // last-good is "the last file that loaded": refresh it when the owner edited config.json.
      const auto last_good = read_small_file(last_good_path_);
      if (!last_good || *last_good != text) {
        if (auto w = write_file_atomically(last_good_path_, text, kWriteOptions); !w) {
          r.notes.push_back("could not refresh the last-good copy: " + to_string(w.error()));
        }
      }
      return r;
    }
    case FileOutcome::refused:
      break;
  }
  std::string ignored;
  r.status = load_file(last_good_path_, r, ignored) == FileOutcome::loaded
                 ? ConfigLoadStatus::used_last_good
                 : ConfigLoadStatus::used_defaults;
  if (r.status == ConfigLoadStatus::used_defaults) r.config = config::defaults();
  return r;
} catch (const std::exception& e) {  // bad_alloc or a filesystem error: never stop the service
  ConfigLoadResult r;
  r.status = ConfigLoadStatus::used_defaults;
  r.problems.push_back(std::string("loading the configuration failed: ") + e.what());
  return r;
}

const char* to_string(ConfigSaveErrc e) {
  switch (e) {
    case ConfigSaveErrc::invalid:
      return "refusing to save an invalid configuration:";
    case ConfigSaveErrc::not_encodable:
      return "the configuration cannot be encoded as JSON";
    case ConfigSaveErrc::no_directory:
      return "cannot create directory";
    case ConfigSaveErrc::write_failed:
      return "write failed:";
    case ConfigSaveErrc::exception:
      return "saving the configuration failed:";
  }
  return "configuration not saved";
}

std::string to_string(const ConfigSaveError& e) {
  // The file error already names the step and the file: "cannot write .../config.json.tmp".
  if (e.what == ConfigSaveErrc::write_failed) {
    return describe_error({}, e.errno_value, e.detail.view());
  }
  return describe_error(to_string(e.what), e.errno_value, e.detail.view());
}

Result<ConfigSaved, ConfigSaveError> ConfigStore::save(const config::GatewayConfig& config) try {
  if (const auto errors = config::validate(config); !errors.ok()) {
    std::string all;
    for (const auto& e : describe(errors)) all += (all.empty() ? "" : " ") + e + ";";
    return make_error(ConfigSaveErrc::invalid, 0, all);
  }
  const std::string text = config_to_json(config);
  if (text.empty()) return make_error(ConfigSaveErrc::not_encodable);
  std::error_code ec;
  fs::create_directories(dir_, ec);  // ./var in a checkout may not exist yet
  if (ec) return make_error(ConfigSaveErrc::no_directory, ec.value(), dir_.native());
  const DirectoryLock lock(dir_);
  if (auto w = write_file_atomically(config_path_, text, kWriteOptions); !w) {
    return wrap_error(ConfigSaveErrc::write_failed, w.error());
  }
  ConfigSaved saved;
  if (auto w = write_file_atomically(last_good_path_, text, kWriteOptions); !w) {
    saved.warning = "saved, but the last-good copy was not refreshed: " + to_string(w.error());
  }
  return saved;
} catch (const std::exception& e) {
  return make_error(ConfigSaveErrc::exception, 0, e.what());
}

fs::path resolve_state_dir(const StateDirInputs& in) {
  if (!in.explicit_dir.empty()) return in.explicit_dir;
  if (!in.systemd_state_directory.empty()) {
    return in.systemd_state_directory.substr(0, in.systemd_state_directory.find(':'));
  }
  if (in.executable.parent_path().filename() == "bin") return "/var/lib/tinybms-gw";
  return in.working_dir / "var";
}

fs::path default_state_dir(const std::string& explicit_dir) {
  StateDirInputs in;
  in.explicit_dir = explicit_dir;
  if (const char* s = std::getenv("STATE_DIRECTORY")) in.systemd_state_directory = s;
  std::error_code ec;
  in.executable = fs::read_symlink("/proc/self/exe", ec);
  in.working_dir = fs::current_path(ec);
  return resolve_state_dir(in);
}

}  // namespace tbgw::platform
