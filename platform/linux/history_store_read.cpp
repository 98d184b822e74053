// HistoryStore, read side: read-only open (export), range queries, integrity check, sizes.
#include <sqlite3.h>

#include <limits>

#include "platform/linux/history_sql.hpp"
#include "platform/linux/history_store.hpp"

namespace tbgw::platform {

namespace sql = history_sql;
using history::kFieldCount;
using history::kFields;

namespace {

const char* table_of(HistoryTier t) {
  switch (t) {
    case HistoryTier::raw:
      return sql::kRawTable;
    case HistoryTier::minute:
      return sql::kMinuteTable;
    case HistoryTier::quarter:
      return sql::kQuarterTable;
  }
  return sql::kRawTable;
}

Err<HistoryQueryError> query_failed(sqlite3* db) {
  return make_error(HistoryQueryErrc::query, 0, sqlite3_errmsg(db));
}

}  // namespace

const char* to_string(HistoryQueryErrc e) {
  switch (e) {
    case HistoryQueryErrc::not_open:
      return "not open:";
    case HistoryQueryErrc::not_aggregate:
      return "raw is not an aggregate tier";
    case HistoryQueryErrc::query:
      return "query:";
  }
  return "history query failed";
}

HistoryOpenResult HistoryStore::open_read_only() {
  std::error_code ec;
  if (!std::filesystem::exists(file_, ec)) {
    return make_error(
        HistoryOpenErrc::missing, 0,
        file_.string() + " does not exist (no history recorded in this state directory)");
  }
  if (!open_connection(SQLITE_OPEN_READONLY)) {
    return make_error(HistoryOpenErrc::cannot_open, 0, reason_);
  }
  const std::string bad = check_file();
  if (!bad.empty()) {
    close();
    health_ = HistoryHealth::failed;
    reason_ = file_.string() + " is " + bad;
    return make_error(HistoryOpenErrc::unusable, 0, reason_);
  }
  health_ = HistoryHealth::ok;
  return "history opened read-only: " + file_.string();
}

std::string HistoryStore::integrity_check() {
  if (db_ == nullptr) return "not open";
  sql::Stmt s(db_, "PRAGMA integrity_check");
  if (!s.ok()) return std::string("integrity_check: ") + sqlite3_errmsg(db_);
  std::string out;
  int rc = SQLITE_OK;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0));
    out += (out.empty() ? "" : "; ") + std::string(text != nullptr ? text : "");
  }
  if (rc != SQLITE_DONE) return std::string("integrity_check: ") + sqlite3_errmsg(db_);
  return out;
}

std::int64_t HistoryStore::last_time_ms() {
  return db_ != nullptr ? newest_ms_ : 0;
}

std::uint64_t HistoryStore::used_bytes() {
  std::int64_t pages = 0, free_pages = 0, page_size = 0;
  if (db_ == nullptr || !sql::query_int(db_, "PRAGMA page_count", pages) ||
      !sql::query_int(db_, "PRAGMA freelist_count", free_pages) ||
      !sql::query_int(db_, "PRAGMA page_size", page_size)) {
    return 0;
  }
  return static_cast<std::uint64_t>((pages - free_pages) * page_size);
}

std::int64_t HistoryStore::row_count(HistoryTier t) {
  std::int64_t n = 0;
  if (db_ == nullptr) return 0;
  // A failed count reads as 0 ("nothing known"); the query error itself shows on the next
  // write or read, which report it.
  (void)sql::query_int(db_, std::string("SELECT count(*) FROM ") + table_of(t), n);
  return n;
}

bool HistoryStore::has_alert_table() {
  std::int64_t n = 0;
  return sql::query_int(db_,
                        std::string("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND "
                                    "name = '") +
                            sql::kAlertTable + "'",
                        n) &&
         n > 0;
}

std::int64_t HistoryStore::alert_count() {
  std::int64_t n = 0;
  if (db_ == nullptr || !has_alert_table()) return 0;
  // As in row_count(): a failed count reads as 0.
  (void)sql::query_int(db_, std::string("SELECT count(*) FROM ") + sql::kAlertTable, n);
  return n;
}

Result<void, HistoryQueryError> HistoryStore::for_each_alert(
    std::int64_t from_ms, std::int64_t to_ms,
    const std::function<bool(const history::AlertRecord&)>& fn) {
  if (db_ == nullptr) return make_error(HistoryQueryErrc::not_open, 0, file_.native());
  if (!has_alert_table()) return {};  // written before the alert log existed
  sql::Stmt s(db_, sql::select_alert_sql());
  if (!s.ok()) return query_failed(db_);
  sqlite3_bind_int64(s.get(), 1, from_ms);
  sqlite3_bind_int64(s.get(), 2, to_ms);
  const auto text = [&](int col) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), col));
    return std::string_view(p != nullptr ? p : "",
                            static_cast<std::size_t>(sqlite3_column_bytes(s.get(), col)));
  };
  const auto real = [&](int col) {
    return sqlite3_column_type(s.get(), col) == SQLITE_NULL
               ? std::numeric_limits<double>::quiet_NaN()
               : sqlite3_column_double(s.get(), col);
  };
  int rc = SQLITE_OK;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    history::AlertRecord a;
    a.unix_ms = sqlite3_column_int64(s.get(), 0);
    // An unknown name (a newer program's) reads as the most conservative meaning.
    a.source = history::parse_alert_source(text(1)).value_or(history::AlertSource::gateway);
    a.set_key(text(2));
    a.severity = history::parse_alert_severity(text(3)).value_or(history::AlertSeverity::alarm);
    a.edge = history::parse_alert_edge(text(4)).value_or(history::AlertEdge::event);
    a.value = real(5);
    a.threshold = real(6);
    a.set_message(text(7));
    if (!fn(a)) return {};
  }
  if (rc != SQLITE_DONE) return query_failed(db_);
  return {};
}

Result<void, HistoryQueryError> HistoryStore::for_each_raw(
    std::int64_t from_ms, std::int64_t to_ms,
    const std::function<bool(const history::HistoryRecord&)>& fn) {
  if (db_ == nullptr) return make_error(HistoryQueryErrc::not_open, 0, file_.native());
  sql::Stmt s(db_, sql::select_raw_sql());
  if (!s.ok()) return query_failed(db_);
  sqlite3_bind_int64(s.get(), 1, from_ms);
  sqlite3_bind_int64(s.get(), 2, to_ms);
  int rc = SQLITE_OK;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    history::HistoryRecord r;
    r.unix_ms = sqlite3_column_int64(s.get(), 0);
    r.status_raw = static_cast<std::uint16_t>(sqlite3_column_int(s.get(), 1));
    r.cell_count = static_cast<std::uint8_t>(sqlite3_column_int(s.get(), 2));
    for (std::size_t i = 0; i < kFieldCount; ++i) {
      r.values[i] = sql::column_value(s.get(), static_cast<int>(3 + i), kFields[i].scale);
    }
    if (!fn(r)) return {};
  }
  if (rc != SQLITE_DONE) return query_failed(db_);
  return {};
}

Result<void, HistoryQueryError> HistoryStore::for_each_aggregate(
    HistoryTier tier, std::int64_t from_ms, std::int64_t to_ms,
    const std::function<bool(const history::AggregateRow&)>& fn) {
  if (db_ == nullptr) return make_error(HistoryQueryErrc::not_open, 0, file_.native());
  if (tier == HistoryTier::raw) return make_error(HistoryQueryErrc::not_aggregate);
  sql::Stmt s(db_, sql::select_aggregate_sql(table_of(tier)));
  if (!s.ok()) return query_failed(db_);
  sqlite3_bind_int64(s.get(), 1, from_ms);
  sqlite3_bind_int64(s.get(), 2, to_ms);
  int rc = SQLITE_OK;
  while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
    history::AggregateRow r;
    r.bucket_start_ms = sqlite3_column_int64(s.get(), 0);
    r.sample_count = static_cast<std::uint32_t>(sqlite3_column_int64(s.get(), 1));
    r.status_raw = static_cast<std::uint16_t>(sqlite3_column_int(s.get(), 2));
    r.cell_count = static_cast<std::uint8_t>(sqlite3_column_int(s.get(), 3));
    for (std::size_t i = 0; i < kFieldCount; ++i) {
      const int at = static_cast<int>(4 + 3 * i);
      r.min[i] = sql::column_value(s.get(), at, kFields[i].scale);
      r.mean[i] = sql::column_value(s.get(), at + 1, kFields[i].scale);
      r.max[i] = sql::column_value(s.get(), at + 2, kFields[i].scale);
    }
    if (!fn(r)) return {};
  }
  if (rc != SQLITE_DONE) return query_failed(db_);
  return {};
}

}  // namespace tbgw::platform
