// EnergyStore: the energy counters on disk, in STATE_DIR/energy.json, surviving power cuts.
//
// Theory of operation
// - save() writes the whole file atomically (platform/linux/atomic_file: temp file, fsync,
//   rename, fsync of the directory), so after a crash at any moment the file holds either the
//   previous save or this one, complete. The file being replaced is kept as
//   `energy.json.last-good` (only when it is known good: it was loaded fine or written by this
//   process), so a file damaged later (bit rot, an editor, a full disk of another program)
//   still leaves the previous save to fall back on.
// - load() never fails: it returns counters and says where they came from.
//     energy.json valid                  -> those counters                     (file)
//     energy.json missing or damaged,
//       energy.json.last-good valid      -> the last good copy                 (last_good)
//     neither file exists                -> zero, normal on the first start    (none)
//     both damaged                       -> zero, with both reasons            (reset)
//   A damaged energy.json is moved aside to `energy.json.corrupt` (for a human to inspect)
//   before anything else is written, so it can never overwrite the last good copy.
// - The lead calls save() every persist interval and on stop: a power cut loses at most one
//   interval of counting. A failed save (full disk, read-only directory) returns the reason
//   and leaves the previous file intact; the next save tries again.
//
// The state directory must exist (the app creates it at start). stamp_ms is a monotonic time
// of the process that saved and means nothing to the next one: it is not stored, and loaded
// counters have stamp_ms = 0. File format (version 1):
//   {"version": 1, "wh_charged": 1234.5, "wh_discharged": 987.6,
//    "ah_charged": 24.1, "ah_discharged": 19.3}
// Doubles are written with the shortest text that reads back bit-identical.
//
// Bounds: a file of about 150 bytes; save() costs two fsyncs (milliseconds on an SD card).
// No exception escapes. Single-threaded: one EnergyStore per state directory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/msg/energy_counters.hpp"
#include "platform/linux/energy_error.hpp"

namespace tbgw::platform {

enum class EnergyLoadSource : std::uint8_t {
  file = 0,       // energy.json was valid
  last_good = 1,  // energy.json missing or damaged; the last good copy was used
  none = 2,       // no file at all: first start, counting from zero
  reset = 3,      // every copy damaged: counting from zero (worth an alert)
};

const char* to_string(EnergyLoadSource s);

struct EnergyLoadResult {
  msg::EnergyCounters counters{};
  EnergyLoadSource source = EnergyLoadSource::none;
  std::string detail;  // one log line: what was read, what was wrong, what was kept
};

struct EnergyStoreStats {
  std::uint64_t saves = 0;
  std::uint64_t save_failures = 0;
};

class EnergyStore {
 public:
  static constexpr std::string_view kFileName = "energy.json";
  static constexpr std::string_view kLastGoodSuffix = ".last-good";
  static constexpr std::string_view kCorruptSuffix = ".corrupt";
  static constexpr int kFormatVersion = 1;

  explicit EnergyStore(const std::filesystem::path& state_dir);

  // Call once at start, before the first save().
  EnergyLoadResult load();

  // Writes `c` atomically. Fails (file name and system error in the error) when nothing was
  // replaced, or when the replacement's durability is unknown.
  Result<void, EnergyError> save(const msg::EnergyCounters& c);

  const std::filesystem::path& file_path() const { return file_; }
  const std::filesystem::path& last_good_path() const { return last_good_; }
  const EnergyStoreStats& stats() const { return stats_; }

 private:
  std::filesystem::path file_;
  std::filesystem::path last_good_;
  std::filesystem::path corrupt_;
  bool file_known_good_ = false;  // energy.json may become the last good copy
  EnergyStoreStats stats_{};
};

// The file format, exposed for tests and for the diagnostics page.
std::string energy_counters_to_json(const msg::EnergyCounters& c);
// Parses and validates (version, every total present, finite, not negative); the error says
// what is wrong (the detail: the parser's message with its byte offset, the field, the version).
Result<msg::EnergyCounters, EnergyError> energy_counters_from_json(std::string_view text);

}  // namespace tbgw::platform
