// history_sql: the SQLite schema of STATE_DIR/history.sqlite and a small statement wrapper,
// shared by HistoryStore's write side (history_store.cpp) and read side
// (history_store_read.cpp). Only platform/ includes <sqlite3.h>.
//
// Schema (version 1, application_id 'TBGW'):
//   raw(t INTEGER PRIMARY KEY, status, cell_count, <field>_x<scale> ...)
//   m1 / m15(t INTEGER PRIMARY KEY, n, status, cell_count,
//            <field>_x<scale>_min, _mean, _max ...)
//   alerts(id INTEGER PRIMARY KEY, t, source, key, severity, edge, value, threshold, message,
//          UNIQUE(source, key, t, edge)), index alerts_t(t)
// t is unix milliseconds (for aggregates the bucket start); being the rowid it is the time
// index, and rows are stored in time order. Values are integers (value * scale), NULL for no
// value. alerts holds the alert log (core/history/alert_record.hpp): names as text, value and
// threshold as REAL (NULL for none); the UNIQUE constraint with INSERT OR IGNORE drops a TinyBMS
// event imported again after a restart. Aggregate rows that meet an existing bucket (a bucket split
// by a restart) merge: counts add, min/max combine, means are weighted by the sample counts.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>

#include "core/history/aggregator.hpp"
#include "core/history/history_record.hpp"

namespace tbgw::platform::history_sql {

inline constexpr const char* kRawTable = "raw";
inline constexpr const char* kMinuteTable = "m1";
inline constexpr const char* kQuarterTable = "m15";
inline constexpr const char* kAlertTable = "alerts";

std::string create_schema_sql();
std::string insert_raw_sql();
std::string upsert_aggregate_sql(const char* table);
std::string select_raw_sql();                         // ?1 from, ?2 to (inclusive, exclusive)
std::string select_aggregate_sql(const char* table);  // same parameters
std::string insert_alert_sql();
std::string select_alert_sql();  // same parameters

// Integer storage of one value; NaN becomes NULL.
void bind_value(sqlite3_stmt* s, int index, float value, std::int32_t scale);
float column_value(sqlite3_stmt* s, int index, std::int32_t scale);

// Owns one prepared statement; finalizes it on destruction.
class Stmt {
 public:
  Stmt() = default;
  Stmt(sqlite3* db, const std::string& sql);
  ~Stmt();
  Stmt(Stmt&& o) noexcept : s_(o.s_), rc_(o.rc_) { o.s_ = nullptr; }
  Stmt& operator=(Stmt&& o) noexcept;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  bool ok() const { return s_ != nullptr; }
  int prepare_rc() const { return rc_; }
  sqlite3_stmt* get() const { return s_; }
  void reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }

 private:
  sqlite3_stmt* s_ = nullptr;
  int rc_ = SQLITE_OK;
};

// Runs one or more statements without results. Returns the SQLite result code.
int exec(sqlite3* db, const std::string& sql);
// Runs a query that returns one integer (pragmas, count). Returns false on error.
bool query_int(sqlite3* db, const std::string& sql, std::int64_t& out);

}  // namespace tbgw::platform::history_sql
