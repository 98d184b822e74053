#include "platform/linux/history_export.hpp"

#include <cmath>
#include <cstdio>
#include <limits>

namespace tbgw::platform {

using history::kFieldCount;
using history::kFields;

namespace {

int decimals(std::int32_t scale) {
  int d = 0;
  for (std::int32_t s = scale; s >= 10; s /= 10) ++d;
  return d;
}

// The stored resolution, or "" for no value.
std::string number(float v, std::int32_t scale) {
  if (std::isnan(v)) return "";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals(scale), static_cast<double>(v));
  return buf;
}

std::string json_string(std::string_view v) {
  std::string s = "\"";
  for (const char c : v) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      s += '\\';
      s += c;
    } else if (c == '\n') {
      s += "\\n";
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      s += buf;
    } else {
      s += c;
    }
  }
  return s + '"';
}

// RFC 4180: quoted when it holds a comma, quote or line break; quotes doubled.
std::string csv_cell(std::string_view v) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(v);
  std::string s = "\"";
  for (const char c : v) s += c == '"' ? std::string("\"\"") : std::string(1, c);
  return s + '"';
}

std::string real(double v) {
  if (!std::isfinite(v)) return "";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

class RowWriter {
 public:
  RowWriter(HistoryFormat f, std::ostream& out) : f_(f), out_(out) {}
  void begin() {
    first_ = true;
    if (f_ == HistoryFormat::json) out_ << '{';
  }
  void text(const std::string& name, const std::string& v) { put(name, '"' + v + '"', v); }
  void plain(const std::string& name, const std::string& v) {
    put(name, v.empty() ? "null" : v, v);
  }
  // A string that may hold anything (alert keys and messages): escaped for the format.
  void quoted(const std::string& name, std::string_view v) {
    put(name, json_string(v), csv_cell(v));
  }
  void end() { out_ << (f_ == HistoryFormat::json ? "}\n" : "\n"); }

 private:
  void put(const std::string& name, const std::string& json, const std::string& csv) {
    if (!first_) out_ << ',';
    first_ = false;
    if (f_ == HistoryFormat::json) {
      out_ << '"' << name << "\":" << json;
    } else {
      out_ << csv;
    }
  }
  HistoryFormat f_;
  std::ostream& out_;
  bool first_ = true;
};

void csv_header(HistoryTier tier, std::ostream& out) {
  out << (tier == HistoryTier::raw ? "time,status,cell_count" : "time,samples,status,cell_count");
  for (const auto& f : kFields) {
    if (tier == HistoryTier::raw) {
      out << ',' << f.name;
    } else {
      out << ',' << f.name << "_min," << f.name << "_mean," << f.name << "_max";
    }
  }
  out << '\n';
}

}  // namespace

std::optional<HistoryFormat> parse_history_format(std::string_view s) {
  if (s == "csv") return HistoryFormat::csv;
  if (s == "json") return HistoryFormat::json;
  return std::nullopt;
}

std::optional<HistoryWhat> parse_history_what(std::string_view s) {
  if (s == "samples") return HistoryWhat::samples;
  if (s == "alerts") return HistoryWhat::alerts;
  return std::nullopt;
}

void write_history_header(HistoryTier tier, HistoryFormat format, std::ostream& out) {
  if (format == HistoryFormat::csv) csv_header(tier, out);
}

Result<ExportPage, HistoryQueryError> export_history_page(HistoryStore& store, HistoryTier tier,
                                                          std::int64_t from_ms, std::int64_t to_ms,
                                                          HistoryFormat format, std::ostream& out,
                                                          std::size_t max_rows) {
  ExportPage page;
  RowWriter w(format, out);
  // Stops after max_rows rows; the next page starts after the last one (t is unique per tier).
  auto room = [&](std::int64_t t) {
    ++page.rows;
    if (page.rows < max_rows) return true;
    page.next_from_ms = t + 1;
    return false;
  };
  Result<void, HistoryQueryError> done;
  if (tier == HistoryTier::raw) {
    done = store.for_each_raw(from_ms, to_ms, [&](const history::HistoryRecord& r) {
      w.begin();
      w.text("time", format_iso8601_utc(r.unix_ms));
      w.plain("status", std::to_string(r.status_raw));
      w.plain("cell_count", std::to_string(r.cell_count));
      for (std::size_t i = 0; i < kFieldCount; ++i) {
        w.plain(kFields[i].name, number(r.values[i], kFields[i].scale));
      }
      w.end();
      return static_cast<bool>(out) && room(r.unix_ms);
    });
  } else {
    done = store.for_each_aggregate(tier, from_ms, to_ms, [&](const history::AggregateRow& r) {
      w.begin();
      w.text("time", format_iso8601_utc(r.bucket_start_ms));
      w.plain("samples", std::to_string(r.sample_count));
      w.plain("status", std::to_string(r.status_raw));
      w.plain("cell_count", std::to_string(r.cell_count));
      for (std::size_t i = 0; i < kFieldCount; ++i) {
        const std::string n = kFields[i].name;
        w.plain(n + "_min", number(r.min[i], kFields[i].scale));
        w.plain(n + "_mean", number(r.mean[i], kFields[i].scale));
        w.plain(n + "_max", number(r.max[i], kFields[i].scale));
      }
      w.end();
      return static_cast<bool>(out) && room(r.bucket_start_ms);
    });
  }
  if (!done) return Err(done.error());
  return page;
}

Result<void, HistoryQueryError> export_history(HistoryStore& store, HistoryTier tier,
                                               std::int64_t from_ms, std::int64_t to_ms,
                                               HistoryFormat format, std::ostream& out) {
  write_history_header(tier, format, out);
  const auto page = export_history_page(store, tier, from_ms, to_ms, format, out,
                                        std::numeric_limits<std::size_t>::max());
  if (!page) return Err(page.error());
  return {};
}

Result<void, HistoryQueryError> export_alerts(HistoryStore& store, std::int64_t from_ms,
                                              std::int64_t to_ms, HistoryFormat format,
                                              std::ostream& out) {
  if (format == HistoryFormat::csv) {
    out << "time,source,key,severity,edge,value,threshold,message\n";
  }
  RowWriter w(format, out);
  return store.for_each_alert(from_ms, to_ms, [&](const history::AlertRecord& a) {
    w.begin();
    w.text("time", format_iso8601_utc(a.unix_ms));
    w.text("source", history::to_string(a.source));
    w.quoted("key", a.key_view());
    w.text("severity", history::to_string(a.severity));
    w.text("edge", history::to_string(a.edge));
    w.plain("value", real(a.value));
    w.plain("threshold", real(a.threshold));
    w.quoted("message", a.message_view());
    w.end();
    return static_cast<bool>(out);
  });
}

}  // namespace tbgw::platform
