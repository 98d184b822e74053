// HistoryStore: the battery history in STATE_DIR/history.sqlite (SQLite, WAL mode), three
// tiers (raw records, 1-minute and 15-minute aggregates) and the alert log (our alert edges and
// the TinyBMS's own events; schema in history_sql.hpp).
//
// Theory of operation
// - open() checks the file before trusting it: not a database, another program's database
//   (application_id), a newer schema, or a failing `PRAGMA quick_check` -> the file (and its
//   -wal/-shm) is renamed to history.sqlite.corrupt-<UTC time>, never deleted, the reason is
//   returned for the log, and a fresh database is created.
// - write() stores one batch in one transaction (synchronous=FULL: one WAL fsync per batch),
//   then applies retention (relative to the newest stored time, not to the wall clock, so a
//   clock step cannot purge history) and the size cap (used pages above max_bytes -> drop the
//   oldest rows of the finest non-empty tier, raw first, then 1m, then 15m, the alert log
//   last). A crash or power cut at any moment loses at most the batch being written (WAL
//   atomic commit).
// - Alert entries go in the same transaction. An entry equal to a stored one (source, key,
//   time, edge) is ignored and counted (alerts_duplicate): the TinyBMS event ring is imported
//   again after every restart. Alert times do not move the newest stored time (a BMS clock set
//   wrong must not purge the samples); alert retention is measured from the newest sample.
// - Every SQLite error is caught here, as a result code: a full disk (SQLITE_FULL, ENOSPC,
//   EFBIG, EDQUOT) gives health disk_full, any other failure health failed, each with a reason
//   naming the file. The batch is rolled back; nothing else in the process is affected. The
//   next write() tries again (the worker spaces the retries).
// - The size cap counts used pages: deleted rows leave free pages that later inserts reuse,
//   so the file stays at its high-water mark (at most the cap plus one batch).
//
// Bounds: open() reads the whole file once (quick_check, O(size), seconds on an SD card for
// hundreds of MB: run it on the storage worker). No exception escapes. Single-threaded: one
// writer per file; readers (history export) may run in another process at the same time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/history/aggregator.hpp"
#include "core/history/alert_record.hpp"
#include "core/history/history_record.hpp"
#include "platform/linux/error.hpp"

struct sqlite3;

namespace tbgw::platform {

enum class HistoryTier : std::uint8_t { raw = 0, minute = 1, quarter = 2 };
const char* to_string(HistoryTier t);  // "raw", "1m", "15m"
std::optional<HistoryTier> parse_history_tier(std::string_view s);

enum class HistoryHealth : std::uint8_t {
  closed = 0,     // not opened yet (or closed)
  ok = 1,         // last open/write succeeded
  disk_full = 2,  // writes stopped: no space (or file size limit)
  failed = 3,     // writes stopped: cannot open, read-only, I/O error...
};
const char* to_string(HistoryHealth h);

struct HistoryRetention {
  std::int64_t raw_ms = 48LL * 3600 * 1000;
  std::int64_t minute_ms = 400LL * 86400 * 1000;
  std::int64_t quarter_ms = 3653LL * 86400 * 1000;  // 10 years
  std::int64_t alerts_ms = 3653LL * 86400 * 1000;   // 10 years
  std::uint64_t max_bytes = 1ULL << 30;             // 0: no cap
};

struct HistoryBatch {
  std::vector<history::HistoryRecord> raw;
  std::vector<history::AggregateRow> minute;
  std::vector<history::AggregateRow> quarter;
  std::vector<history::AlertRecord> alerts;
  bool empty() const { return raw.empty() && minute.empty() && quarter.empty() && alerts.empty(); }
  void clear() {
    raw.clear();
    minute.clear();
    quarter.clear();
    alerts.clear();
  }
};

struct HistoryStoreStats {
  std::uint64_t batches = 0;
  std::uint64_t rows = 0;              // sample rows (raw, 1m, 15m) written
  std::uint64_t alerts = 0;            // alert entries stored
  std::uint64_t alerts_duplicate = 0;  // alert entries already stored (BMS re-import)
  std::uint64_t write_failures = 0;
  std::uint64_t rows_expired = 0;      // retention
  std::uint64_t rows_dropped_cap = 0;  // size cap
  std::uint64_t moved_aside = 0;
};

// Why a range query failed (detail: the file, or SQLite's message).
enum class HistoryQueryErrc : std::uint8_t {
  not_open,       // open() or open_read_only() did not succeed (detail: the file)
  not_aggregate,  // for_each_aggregate() asked for the raw tier
  query,          // SQLite refused or failed the query (detail: sqlite3_errmsg)
};
const char* to_string(HistoryQueryErrc e);
using HistoryQueryError = Error<HistoryQueryErrc>;

// Why the database cannot be used. The detail is the log line (what was found, what was done,
// SQLite's reason), truncated at kMaxErrorDetail; reason() keeps it whole.
enum class HistoryOpenErrc : std::uint8_t {
  missing,      // open_read_only(): no file
  cannot_open,  // SQLite cannot open (or create) the file
  unusable,     // not a history database, and it could not be moved aside
  schema,       // the tables could not be created
};
const char* to_string(HistoryOpenErrc e);
using HistoryOpenError = Error<HistoryOpenErrc>;
// On success: one log line, what was found and what was done ("history opened: ...").
using HistoryOpenResult = Result<std::string, HistoryOpenError>;

class HistoryStore {
 public:
  static constexpr std::string_view kFileName = "history.sqlite";
  static constexpr std::int32_t kApplicationId = 0x54424757;  // "TBGW"
  static constexpr std::int32_t kSchemaVersion = 1;

  explicit HistoryStore(const std::filesystem::path& state_dir, HistoryRetention retention = {});
  ~HistoryStore();
  HistoryStore(const HistoryStore&) = delete;
  HistoryStore& operator=(const HistoryStore&) = delete;

  // Opens or creates the database for writing (moving a bad file aside, see above).
  HistoryOpenResult open();
  // Opens an existing database for reading only (export): never creates, never moves.
  HistoryOpenResult open_read_only();
  void close();

  bool write(const HistoryBatch& batch);
  // `PRAGMA integrity_check`: "ok", or the problems it lists (or the error).
  std::string integrity_check();
  // Newest t over all tiers (0: empty or not open).
  std::int64_t last_time_ms();
  std::uint64_t used_bytes();
  std::int64_t row_count(HistoryTier t);
  std::int64_t alert_count();

  // Rows with from_ms <= t < to_ms in time order; `fn` returns false to stop early.
  Result<void, HistoryQueryError> for_each_raw(
      std::int64_t from_ms, std::int64_t to_ms,
      const std::function<bool(const history::HistoryRecord&)>& fn);
  Result<void, HistoryQueryError> for_each_aggregate(
      HistoryTier tier, std::int64_t from_ms, std::int64_t to_ms,
      const std::function<bool(const history::AggregateRow&)>& fn);
  // Alert entries with from_ms <= t < to_ms in time order (insertion order within one ms). A
  // database written before the alert log existed reads as an empty log.
  Result<void, HistoryQueryError> for_each_alert(
      std::int64_t from_ms, std::int64_t to_ms,
      const std::function<bool(const history::AlertRecord&)>& fn);

  HistoryHealth health() const { return health_; }
  const std::string& reason() const { return reason_; }
  const HistoryStoreStats& stats() const { return stats_; }
  const std::filesystem::path& file_path() const { return file_; }
  const HistoryRetention& retention() const { return retention_; }

 private:
  // False when SQLite refuses; fail() has set health_ and reason_ (the why).
  bool open_connection(int flags);
  // Why the open file is not a usable history database ("" when it is).
  std::string check_file();
  bool prepare_schema();  // false: reason_ says why
  std::string move_aside();
  void fail(int rc, const std::string& what);
  bool apply_retention_and_cap(std::int64_t newest_ms);
  bool insert_batch(const HistoryBatch& batch);
  bool insert_alerts(const std::vector<history::AlertRecord>& alerts);
  bool has_alert_table();

  std::filesystem::path dir_;
  std::filesystem::path file_;
  HistoryRetention retention_;
  sqlite3* db_ = nullptr;
  HistoryHealth health_ = HistoryHealth::closed;
  std::string reason_;
  HistoryStoreStats stats_{};
  std::int64_t newest_ms_ = 0;        // newest sample (alerts excluded, see above)
  std::uint64_t pending_alerts_ = 0;  // counted into stats_ when the batch commits
  std::uint64_t pending_duplicates_ = 0;
};

}  // namespace tbgw::platform
