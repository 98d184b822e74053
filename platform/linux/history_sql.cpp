#include "platform/linux/history_sql.hpp"

#include <cmath>

namespace tbgw::platform::history_sql {

using history::kFieldCount;
using history::kFields;

namespace {

constexpr const char* kStats[] = {"_min", "_mean", "_max"};

std::string aggregate_table_sql(const char* table) {
  std::string s = std::string("CREATE TABLE IF NOT EXISTS ") + table +
                  " (t INTEGER PRIMARY KEY, n INTEGER NOT NULL, status INTEGER, cell_count "
                  "INTEGER";
  for (const auto& f : kFields) {
    for (const char* st : kStats) s += std::string(", ") + f.column + st + " INTEGER";
  }
  return s + ");\n";
}

}  // namespace

std::string create_schema_sql() {
  std::string s =
      "CREATE TABLE IF NOT EXISTS raw (t INTEGER PRIMARY KEY, status INTEGER, "
      "cell_count INTEGER";
  for (const auto& f : kFields) s += std::string(", ") + f.column + " INTEGER";
  s += ");\n";
  s += aggregate_table_sql(kMinuteTable);
  s += aggregate_table_sql(kQuarterTable);
  s += "CREATE TABLE IF NOT EXISTS alerts (id INTEGER PRIMARY KEY, t INTEGER NOT NULL, "
       "source TEXT NOT NULL, key TEXT NOT NULL, severity TEXT NOT NULL, edge TEXT NOT NULL, "
       "value REAL, threshold REAL, message TEXT NOT NULL, UNIQUE(source, key, t, edge));\n"
       "CREATE INDEX IF NOT EXISTS alerts_t ON alerts (t);\n";
  return s;
}

std::string insert_raw_sql() {
  std::string cols = "t, status, cell_count";
  std::string vals = "?, ?, ?";
  for (const auto& f : kFields) {
    cols += std::string(", ") + f.column;
    vals += ", ?";
  }
  return "INSERT OR IGNORE INTO raw (" + cols + ") VALUES (" + vals + ")";
}

std::string upsert_aggregate_sql(const char* table) {
  std::string cols = "t, n, status, cell_count";
  std::string vals = "?, ?, ?, ?";
  std::string merge =
      "n = n + excluded.n, status = excluded.status, "
      "cell_count = excluded.cell_count";
  for (const auto& f : kFields) {
    const std::string c = f.column;
    for (const char* st : kStats) {
      cols += ", " + c + st;
      vals += ", ?";
    }
    const std::string mn = c + "_min", me = c + "_mean", mx = c + "_max";
    merge += ", " + mn + " = min(coalesce(" + mn + ", excluded." + mn + "), coalesce(excluded." +
             mn + ", " + mn + "))";
    merge += ", " + mx + " = max(coalesce(" + mx + ", excluded." + mx + "), coalesce(excluded." +
             mx + ", " + mx + "))";
    // Weighted by sample counts (an approximation when a field had gaps in one part).
    merge += ", " + me + " = CASE WHEN " + me + " IS NULL THEN excluded." + me + " WHEN excluded." +
             me + " IS NULL THEN " + me + " ELSE CAST(round((" + me + " * n + excluded." + me +
             " * excluded.n) * 1.0 / (n + excluded.n)) AS INTEGER) END";
  }
  return std::string("INSERT INTO ") + table + " (" + cols + ") VALUES (" + vals +
         ") ON CONFLICT(t) DO UPDATE SET " + merge;
}

std::string select_raw_sql() {
  std::string s = "SELECT t, status, cell_count";
  for (const auto& f : kFields) s += std::string(", ") + f.column;
  return s + " FROM raw WHERE t >= ?1 AND t < ?2 ORDER BY t";
}

std::string select_aggregate_sql(const char* table) {
  std::string s = "SELECT t, n, status, cell_count";
  for (const auto& f : kFields) {
    for (const char* st : kStats) s += std::string(", ") + f.column + st;
  }
  return s + " FROM " + table + " WHERE t >= ?1 AND t < ?2 ORDER BY t";
}

std::string insert_alert_sql() {
  return "INSERT OR IGNORE INTO alerts (t, source, key, severity, edge, value, threshold, "
         "message) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
}

std::string select_alert_sql() {
  return "SELECT t, source, key, severity, edge, value, threshold, message FROM alerts "
         "WHERE t >= ?1 AND t < ?2 ORDER BY t, id";
}

void bind_value(sqlite3_stmt* s, int index, float value, std::int32_t scale) {
  if (std::isnan(value) || std::isinf(value)) {
    sqlite3_bind_null(s, index);
    return;
  }
  sqlite3_bind_int64(s, index, std::llround(static_cast<double>(value) * scale));
}

float column_value(sqlite3_stmt* s, int index, std::int32_t scale) {
  if (sqlite3_column_type(s, index) == SQLITE_NULL) return history::kNoValue;
  return static_cast<float>(static_cast<double>(sqlite3_column_int64(s, index)) / scale);
}

Stmt::Stmt(sqlite3* db, const std::string& sql) {
  rc_ = sqlite3_prepare_v3(db, sql.c_str(), static_cast<int>(sql.size() + 1),
                           SQLITE_PREPARE_PERSISTENT, &s_, nullptr);
  if (rc_ != SQLITE_OK) {
    sqlite3_finalize(s_);
    s_ = nullptr;
  }
}

Stmt::~Stmt() {
  sqlite3_finalize(s_);
}

Stmt& Stmt::operator=(Stmt&& o) noexcept {
  if (this != &o) {
    sqlite3_finalize(s_);
    s_ = o.s_;
    rc_ = o.rc_;
    o.s_ = nullptr;
  }
  return *this;
}

int exec(sqlite3* db, const std::string& sql) {
  return sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
}

bool query_int(sqlite3* db, const std::string& sql, std::int64_t& out) {
  Stmt s(db, sql);
  if (!s.ok()) return false;
  const int rc = sqlite3_step(s.get());
  if (rc == SQLITE_ROW) {
    out = sqlite3_column_int64(s.get(), 0);
    return true;
  }
  if (rc == SQLITE_DONE) {
    out = 0;
    return true;
  }
  return false;
}

}  // namespace tbgw::platform::history_sql
