// AlertRecord: one entry of the stored alert log, the row format of the `alerts` history table.
//
// The log holds two kinds of entries side by side, so the owner reads one timeline:
// - our own alerts (source gateway): the raise, clear and acknowledge edges the alert engine
//   produces, with the value and threshold that caused them;
// - the TinyBMS's own events (source bms, edge event): its fault/warning/info ring, converted
//   to wall-clock time by the importer. The ring is re-imported after every restart, so the
//   store ignores an entry it already holds (same source, key, time and edge).
//
// Rules
// - Time is wall clock (unix milliseconds), passed in by the caller, like HistoryRecord.
// - `key` names what the entry is about, stable across versions ("cell_high", "bms_0x05");
//   `message` is the human line with units ("cell 7 at 3.652 V above 3.650 V"). Both are
//   fixed NUL-terminated arrays, truncated on set (message at a UTF-8 character boundary).
// - value/threshold are NaN when the entry has none (a BMS event, an acknowledge).
//
// Trivially copyable (about 176 bytes), so the loop can hand it to the storage worker by copy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <type_traits>

namespace tbgw::history {

enum class AlertSource : std::uint8_t { gateway = 0, bms = 1 };
enum class AlertSeverity : std::uint8_t { info = 0, warning = 1, alarm = 2, fault = 3 };
enum class AlertEdge : std::uint8_t { raised = 0, cleared = 1, acknowledged = 2, event = 3 };

// Names as stored in the database and printed by the export ("gateway", "bms", "warning",
// "raised"...); parse_* accept exactly these.
const char* to_string(AlertSource s);
const char* to_string(AlertSeverity s);
const char* to_string(AlertEdge e);
std::optional<AlertSource> parse_alert_source(std::string_view s);
std::optional<AlertSeverity> parse_alert_severity(std::string_view s);
std::optional<AlertEdge> parse_alert_edge(std::string_view s);

struct AlertRecord {
  static constexpr std::size_t kKeySize = 32;       // including the terminating NUL
  static constexpr std::size_t kMessageSize = 120;  // including the terminating NUL

  std::int64_t unix_ms = 0;
  AlertSource source = AlertSource::gateway;
  AlertSeverity severity = AlertSeverity::info;
  AlertEdge edge = AlertEdge::raised;
  char key[kKeySize] = {};
  double value = std::numeric_limits<double>::quiet_NaN();
  double threshold = std::numeric_limits<double>::quiet_NaN();
  char message[kMessageSize] = {};

  // Copy with truncation; the arrays stay NUL-terminated.
  void set_key(std::string_view k);
  void set_message(std::string_view m);
  std::string_view key_view() const;
  std::string_view message_view() const;
};

static_assert(std::is_trivially_copyable_v<AlertRecord>);

}  // namespace tbgw::history
