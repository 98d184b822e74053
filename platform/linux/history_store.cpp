// HistoryStore, write side: open (with the bad-file check), batched writes, retention and the
// size cap. The read side is in history_store_read.cpp.
#include "platform/linux/history_store.hpp"

#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <system_error>

#include "platform/linux/history_sql.hpp"

namespace tbgw::platform {

namespace sql = history_sql;
using history::kFieldCount;
using history::kFields;

const char* to_string(HistoryTier t) {
  switch (t) {
    case HistoryTier::raw:
      return "raw";
    case HistoryTier::minute:
      return "1m";
    case HistoryTier::quarter:
      return "15m";
  }
  return "?";
}

std::optional<HistoryTier> parse_history_tier(std::string_view s) {
  for (const auto t : {HistoryTier::raw, HistoryTier::minute, HistoryTier::quarter}) {
    if (s == to_string(t)) return t;
  }
  return std::nullopt;
}

const char* to_string(HistoryHealth h) {
  switch (h) {
    case HistoryHealth::closed:
      return "closed";
    case HistoryHealth::ok:
      return "ok";
    case HistoryHealth::disk_full:
      return "disk_full";
    case HistoryHealth::failed:
      return "failed";
  }
  return "?";
}

HistoryStore::HistoryStore(const std::filesystem::path& state_dir, HistoryRetention retention)
    : dir_(state_dir), file_(state_dir / kFileName), retention_(retention) {}

HistoryStore::~HistoryStore() {
  close();
}

void HistoryStore::close() {
  if (db_ != nullptr) sqlite3_close_v2(db_);
  db_ = nullptr;
  health_ = HistoryHealth::closed;
}

namespace {

// SQLite reports a write refused for lack of space as SQLITE_FULL only for a short write; a
// write refused outright (ENOSPC, EFBIG under a file size limit) arrives as a plain I/O error,
// often with the errno already gone. So after an I/O error, look at the space itself.
bool out_of_space(const std::filesystem::path& dir, const std::filesystem::path& file) {
  struct statvfs vfs {};
  if (::statvfs(dir.c_str(), &vfs) == 0 &&
      static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize < (4U << 20)) {
    return true;
  }
  rlimit lim{};
  if (::getrlimit(RLIMIT_FSIZE, &lim) != 0 || lim.rlim_cur == RLIM_INFINITY) return false;
  std::error_code ec;
  for (const char* side : {"", "-wal"}) {
    const auto size = std::filesystem::file_size(file.string() + side, ec);
    if (!ec && size + (1U << 20) >= lim.rlim_cur) return true;
  }
  return false;
}

}  // namespace

void HistoryStore::fail(int rc, const std::string& what) {
  const int sys = db_ != nullptr ? sqlite3_system_errno(db_) : 0;
  const bool full = (rc & 0xFF) == SQLITE_FULL || sys == ENOSPC || sys == EFBIG || sys == EDQUOT ||
                    ((rc & 0xFF) == SQLITE_IOERR && out_of_space(dir_, file_));
  health_ = full ? HistoryHealth::disk_full : HistoryHealth::failed;
  reason_ = file_.string() + ": " + what + ": " + sqlite3_errstr(rc);
  if (db_ != nullptr && sqlite3_errcode(db_) == rc)
    reason_ += std::string(" (") + sqlite3_errmsg(db_) + ")";
  if (sys != 0) reason_ += std::string(", ") + std::strerror(sys);
  if (full) reason_ += "; history writes stopped until space is free";
}

bool HistoryStore::open_connection(int flags) {
  close();
  const int rc = sqlite3_open_v2(file_.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    fail(rc, "open");
    sqlite3_close_v2(db_);
    db_ = nullptr;
    return false;
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, 2000);
  return true;
}

std::string HistoryStore::check_file() {
  std::int64_t app_id = 0, version = 0, tables = 0;
  if (!sql::query_int(db_, "PRAGMA application_id", app_id) ||
      !sql::query_int(db_, "PRAGMA user_version", version) ||
      !sql::query_int(db_, "SELECT count(*) FROM sqlite_schema", tables)) {
    return std::string("not a readable SQLite database (") + sqlite3_errmsg(db_) + ")";
  }
  if (app_id == 0 && version == 0 && tables == 0) return "";  // empty: new database
  if (app_id != kApplicationId) {
    return "a foreign database (application_id " + std::to_string(app_id) + ", not tinybms-gw)";
  }
  if (version > kSchemaVersion) {
    return "history schema version " + std::to_string(version) + " is newer than this program's " +
           std::to_string(kSchemaVersion);
  }
  sql::Stmt check(db_, "PRAGMA quick_check(5)");
  if (!check.ok()) return std::string("quick_check failed: ") + sqlite3_errmsg(db_);
  std::string problems;
  int rc = SQLITE_OK;
  while ((rc = sqlite3_step(check.get())) == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(check.get(), 0));
    const std::string line = text != nullptr ? text : "";
    if (line != "ok") problems += (problems.empty() ? "" : "; ") + line;
  }
  if (rc != SQLITE_DONE) return std::string("quick_check failed: ") + sqlite3_errmsg(db_);
  return problems.empty() ? "" : "damaged: " + problems;
}

std::string HistoryStore::move_aside() {
  close();
  char stamp[32];
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  std::filesystem::path target = file_.string() + ".corrupt-" + stamp;
  std::error_code ec;
  for (int i = 1; std::filesystem::exists(target, ec) && i < 100; ++i) {
    target = file_.string() + ".corrupt-" + stamp + "-" + std::to_string(i);
  }
  if (::rename(file_.c_str(), target.c_str()) != 0) {
    return "could not move it aside to " + target.string() + ": " + std::strerror(errno);
  }
  for (const char* side : {"-wal", "-shm"}) {
    const std::string from = file_.string() + side;
    if (std::filesystem::exists(from, ec)) {
      // Best effort: a -wal or -shm left behind does not match the fresh database's header
      // salt and SQLite discards it, so its loss costs nothing but the inspection copy.
      (void)::rename(from.c_str(), (target.string() + side).c_str());
    }
  }
  ++stats_.moved_aside;
  return "kept as " + target.string() + " for inspection; starting a fresh history";
}

bool HistoryStore::prepare_schema() {
  const std::string setup =
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA journal_size_limit=4194304;"
      "PRAGMA application_id=" +
      std::to_string(kApplicationId) + "; PRAGMA user_version=" + std::to_string(kSchemaVersion) +
      ";" + "BEGIN IMMEDIATE;" + sql::create_schema_sql() + "COMMIT;";
  const int rc = sql::exec(db_, setup);
  if (rc != SQLITE_OK) {
    fail(rc, "create schema");
    sql::exec(db_, "ROLLBACK");
    return false;
  }
  std::int64_t newest = 0;
  for (const char* t : {sql::kRawTable, sql::kMinuteTable, sql::kQuarterTable}) {
    std::int64_t v = 0;
    if (sql::query_int(db_, std::string("SELECT coalesce(max(t), 0) FROM ") + t, v) && v > newest) {
      newest = v;
    }
  }
  newest_ms_ = newest;
  return true;
}

const char* to_string(HistoryOpenErrc e) {
  switch (e) {
    case HistoryOpenErrc::missing:
      return "history file missing:";
    case HistoryOpenErrc::cannot_open:
      return "history cannot be opened:";
    case HistoryOpenErrc::unusable:
      return "history file unusable:";
    case HistoryOpenErrc::schema:
      return "history schema not created:";
  }
  return "history not available";
}

HistoryOpenResult HistoryStore::open() {
  std::string detail;
  if (!open_connection(SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) {
    return make_error(HistoryOpenErrc::cannot_open, 0, reason_);
  }
  const std::string bad = check_file();
  if (!bad.empty()) {
    const std::string moved = move_aside();
    detail = "history " + file_.string() + " is " + bad + "; " + moved;
    if (!open_connection(SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) {
      return make_error(HistoryOpenErrc::cannot_open, 0, detail + "; " + reason_);
    }
    if (!check_file().empty()) {  // it could not be moved aside: do not write into it
      health_ = HistoryHealth::failed;
      reason_ = detail;
      close();
      health_ = HistoryHealth::failed;
      return make_error(HistoryOpenErrc::unusable, 0, detail);
    }
  }
  if (!prepare_schema()) {
    return make_error(HistoryOpenErrc::schema, 0, detail + (detail.empty() ? "" : "; ") + reason_);
  }
  health_ = HistoryHealth::ok;
  reason_.clear();
  if (detail.empty()) detail = "history opened: " + file_.string();
  return detail;
}

bool HistoryStore::insert_batch(const HistoryBatch& batch) {
  sql::Stmt raw(db_, sql::insert_raw_sql());
  if (!raw.ok()) return fail(raw.prepare_rc(), "prepare insert"), false;
  for (const auto& rec : batch.raw) {
    sqlite3_bind_int64(raw.get(), 1, rec.unix_ms);
    sqlite3_bind_int(raw.get(), 2, rec.status_raw);
    sqlite3_bind_int(raw.get(), 3, rec.cell_count);
    for (std::size_t i = 0; i < kFieldCount; ++i) {
      sql::bind_value(raw.get(), static_cast<int>(4 + i), rec.values[i], kFields[i].scale);
    }
    const int rc = sqlite3_step(raw.get());
    if (rc != SQLITE_DONE) return fail(rc, "insert raw"), false;
    raw.reset();
    if (rec.unix_ms > newest_ms_) newest_ms_ = rec.unix_ms;
  }
  const std::pair<const char*, const std::vector<history::AggregateRow>*> tiers[] = {
      {sql::kMinuteTable, &batch.minute}, {sql::kQuarterTable, &batch.quarter}};
  for (const auto& [table, rows] : tiers) {
    if (rows->empty()) continue;
    sql::Stmt up(db_, sql::upsert_aggregate_sql(table));
    if (!up.ok()) return fail(up.prepare_rc(), "prepare upsert"), false;
    for (const auto& row : *rows) {
      sqlite3_bind_int64(up.get(), 1, row.bucket_start_ms);
      sqlite3_bind_int64(up.get(), 2, row.sample_count);
      sqlite3_bind_int(up.get(), 3, row.status_raw);
      sqlite3_bind_int(up.get(), 4, row.cell_count);
      for (std::size_t i = 0; i < kFieldCount; ++i) {
        const int at = static_cast<int>(5 + 3 * i);
        sql::bind_value(up.get(), at, row.min[i], kFields[i].scale);
        sql::bind_value(up.get(), at + 1, row.mean[i], kFields[i].scale);
        sql::bind_value(up.get(), at + 2, row.max[i], kFields[i].scale);
      }
      const int rc = sqlite3_step(up.get());
      if (rc != SQLITE_DONE) return fail(rc, std::string("insert ") + table), false;
      up.reset();
      if (row.bucket_start_ms > newest_ms_) newest_ms_ = row.bucket_start_ms;
    }
  }
  return insert_alerts(batch.alerts);
}

bool HistoryStore::insert_alerts(const std::vector<history::AlertRecord>& alerts) {
  if (alerts.empty()) return true;
  sql::Stmt ins(db_, sql::insert_alert_sql());
  if (!ins.ok()) return fail(ins.prepare_rc(), "prepare insert alert"), false;
  for (const auto& a : alerts) {
    const auto key = a.key_view();
    const auto message = a.message_view();
    sqlite3_bind_int64(ins.get(), 1, a.unix_ms);
    sqlite3_bind_text(ins.get(), 2, history::to_string(a.source), -1, SQLITE_STATIC);
    sqlite3_bind_text(ins.get(), 3, key.data(), static_cast<int>(key.size()), SQLITE_STATIC);
    sqlite3_bind_text(ins.get(), 4, history::to_string(a.severity), -1, SQLITE_STATIC);
    sqlite3_bind_text(ins.get(), 5, history::to_string(a.edge), -1, SQLITE_STATIC);
    for (const auto& [at, v] : {std::pair{6, a.value}, std::pair{7, a.threshold}}) {
      if (std::isfinite(v)) {
        sqlite3_bind_double(ins.get(), at, v);
      } else {
        sqlite3_bind_null(ins.get(), at);
      }
    }
    sqlite3_bind_text(ins.get(), 8, message.data(), static_cast<int>(message.size()),
                      SQLITE_STATIC);
    const int rc = sqlite3_step(ins.get());
    if (rc != SQLITE_DONE) return fail(rc, "insert alert"), false;
    if (sqlite3_changes(db_) == 0) {
      ++pending_duplicates_;
    } else {
      ++pending_alerts_;
    }
    ins.reset();
  }
  return true;
}

bool HistoryStore::apply_retention_and_cap(std::int64_t newest_ms) {
  // In size-cap order: the finest tier goes first, the alert log (small, precious) last.
  const std::pair<const char*, std::int64_t> keep[] = {{sql::kRawTable, retention_.raw_ms},
                                                       {sql::kMinuteTable, retention_.minute_ms},
                                                       {sql::kQuarterTable, retention_.quarter_ms},
                                                       {sql::kAlertTable, retention_.alerts_ms}};
  for (const auto& [table, ms] : keep) {
    if (newest_ms <= 0) break;  // nothing sampled yet: no time to measure retention from
    const int rc = sql::exec(
        db_, std::string("DELETE FROM ") + table + " WHERE t < " + std::to_string(newest_ms - ms));
    if (rc != SQLITE_OK) return fail(rc, "retention"), false;
    stats_.rows_expired += static_cast<std::uint64_t>(sqlite3_changes(db_));
  }
  if (retention_.max_bytes == 0) return true;
  for (int round = 0; round < 256 && used_bytes() > retention_.max_bytes; ++round) {
    const char* victim = nullptr;
    std::int64_t n = 0;
    for (const auto& [table, ms] : keep) {
      (void)ms;
      if (sql::query_int(db_, std::string("SELECT count(*) FROM ") + table, n) && n > 0) {
        victim = table;
        break;
      }
    }
    if (victim == nullptr) break;  // nothing left to drop
    const std::int64_t chunk = std::max<std::int64_t>(64, n / 8);
    const int rc = sql::exec(db_, std::string("DELETE FROM ") + victim +
                                      " WHERE rowid IN (SELECT rowid FROM " + victim +
                                      " ORDER BY t LIMIT " + std::to_string(chunk) + ")");
    if (rc != SQLITE_OK) return fail(rc, "size cap"), false;
    stats_.rows_dropped_cap += static_cast<std::uint64_t>(sqlite3_changes(db_));
  }
  return true;
}

bool HistoryStore::write(const HistoryBatch& batch) {
  if (db_ == nullptr) {
    if (health_ == HistoryHealth::closed) reason_ = file_.string() + ": not open";
    ++stats_.write_failures;
    return false;
  }
  if (batch.empty()) return true;
  const std::int64_t newest_before = newest_ms_;
  pending_alerts_ = pending_duplicates_ = 0;
  int rc = sql::exec(db_, "BEGIN IMMEDIATE");
  bool ok = rc == SQLITE_OK;
  if (!ok) fail(rc, "begin");
  ok = ok && insert_batch(batch) && apply_retention_and_cap(newest_ms_);
  if (ok) {
    rc = sql::exec(db_, "COMMIT");
    if (rc != SQLITE_OK) {
      fail(rc, "commit");
      ok = false;
    }
  }
  if (!ok) {
    if (sqlite3_get_autocommit(db_) == 0) sql::exec(db_, "ROLLBACK");
    newest_ms_ = newest_before;
    ++stats_.write_failures;
    return false;
  }
  health_ = HistoryHealth::ok;
  reason_.clear();
  ++stats_.batches;
  stats_.rows += batch.raw.size() + batch.minute.size() + batch.quarter.size();
  stats_.alerts += pending_alerts_;
  stats_.alerts_duplicate += pending_duplicates_;
  return true;
}

}  // namespace tbgw::platform
