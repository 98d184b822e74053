// history_export: the text forms of the history for `tinybms-gw history export`.
//
// CSV: one header row, then one row per stored row. JSON: one object per line (JSON Lines).
// Times are ISO 8601 UTC with milliseconds ("2024-05-01T12:00:00.000Z"; for aggregates the
// bucket start). Values are printed at their storage resolution (the field's scale), so an
// export reads back to exactly what is stored. A missing value is an empty CSV cell or a JSON
// null. Columns: raw -> time, status, cell_count, then every field (cell1_mv..cell16_mv);
// aggregates -> time, samples, status, cell_count, then <field>_min, _mean, _max per field;
// alerts -> time, source, key, severity, edge, value, threshold, message (value/threshold with
// up to 15 significant digits; key and message quoted as CSV or JSON need).
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "platform/linux/history_store.hpp"
#include "platform/linux/iso8601_time.hpp"  // parse_iso8601_utc, format_iso8601_utc

namespace tbgw::platform {

enum class HistoryFormat : std::uint8_t { csv = 0, json = 1 };
std::optional<HistoryFormat> parse_history_format(std::string_view s);

// What `history export` prints: the battery samples (of one tier) or the alert log.
enum class HistoryWhat : std::uint8_t { samples = 0, alerts = 1 };
std::optional<HistoryWhat> parse_history_what(std::string_view s);  // "samples" | "alerts"

// Writes rows with from_ms <= t < to_ms. Fails only on a query failure.
Result<void, HistoryQueryError> export_history(HistoryStore& store, HistoryTier tier,
                                               std::int64_t from_ms, std::int64_t to_ms,
                                               HistoryFormat format, std::ostream& out);
// The same in pages, for a streamed export whose memory must not grow with the range: the CSV
// header once, then pages of at most `max_rows` rows. `page.next_from_ms` is where the next
// page starts, or nullopt when the range is done (an empty page also means done).
struct ExportPage {
  std::size_t rows = 0;
  std::optional<std::int64_t> next_from_ms;
};
void write_history_header(HistoryTier tier, HistoryFormat format, std::ostream& out);
Result<ExportPage, HistoryQueryError> export_history_page(HistoryStore& store, HistoryTier tier,
                                                          std::int64_t from_ms, std::int64_t to_ms,
                                                          HistoryFormat format, std::ostream& out,
                                                          std::size_t max_rows);
// The alert log entries with from_ms <= t < to_ms, in time order.
Result<void, HistoryQueryError> export_alerts(HistoryStore& store, std::int64_t from_ms,
                                              std::int64_t to_ms, HistoryFormat format,
                                              std::ostream& out);

}  // namespace tbgw::platform
