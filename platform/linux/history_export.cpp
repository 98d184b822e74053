#include "platform/linux/history_export.hpp"

#include <cmath>
#include <cstdio>
#include <ctime>

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

std::optional<std::int64_t> parse_iso8601_utc(std::string_view s) {
  if (!s.empty() && (s.back() == 'Z' || s.back() == 'z')) s.remove_suffix(1);
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, ms = 0;
  const std::string text(s);
  int used = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3 || used != 10) {
    return std::nullopt;
  }
  std::string_view rest = s.substr(10);
  if (!rest.empty()) {
    if (rest[0] != 'T' && rest[0] != 't' && rest[0] != ' ') return std::nullopt;
    const std::string r(rest.substr(1));
    int n = 0;
    if (std::sscanf(r.c_str(), "%2d:%2d%n", &h, &mi, &n) != 2 || n != 5) return std::nullopt;
    std::string_view more = std::string_view(r).substr(5);
    if (!more.empty()) {
      const std::string m(more);
      if (std::sscanf(m.c_str(), ":%2d%n", &sec, &n) != 1 || n != 3) return std::nullopt;
      more.remove_prefix(3);
      if (!more.empty()) {
        const std::string f(more);
        if (std::sscanf(f.c_str(), ".%3d%n", &ms, &n) != 1 || n != 4 || more.size() != 4) {
          return std::nullopt;
        }
      }
    }
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  const std::time_t t = timegm(&tm);
  if (tm.tm_mday != d) return std::nullopt;  // 2024-02-30 normalised away: reject
  return static_cast<std::int64_t>(t) * 1000 + ms;
}

std::string format_iso8601_utc(std::int64_t unix_ms) {
  std::int64_t s = unix_ms / 1000, ms = unix_ms % 1000;
  if (ms < 0) ms += 1000, --s;
  const std::time_t t = static_cast<std::time_t>(s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

bool export_history(HistoryStore& store, HistoryTier tier, std::int64_t from_ms, std::int64_t to_ms,
                    HistoryFormat format, std::ostream& out, std::string& error) {
  if (format == HistoryFormat::csv) csv_header(tier, out);
  RowWriter w(format, out);
  if (tier == HistoryTier::raw) {
    return store.for_each_raw(
        from_ms, to_ms,
        [&](const history::HistoryRecord& r) {
          w.begin();
          w.text("time", format_iso8601_utc(r.unix_ms));
          w.plain("status", std::to_string(r.status_raw));
          w.plain("cell_count", std::to_string(r.cell_count));
          for (std::size_t i = 0; i < kFieldCount; ++i) {
            w.plain(kFields[i].name, number(r.values[i], kFields[i].scale));
          }
          w.end();
          return static_cast<bool>(out);
        },
        error);
  }
  return store.for_each_aggregate(
      tier, from_ms, to_ms,
      [&](const history::AggregateRow& r) {
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
        return static_cast<bool>(out);
      },
      error);
}

bool export_alerts(HistoryStore& store, std::int64_t from_ms, std::int64_t to_ms,
                   HistoryFormat format, std::ostream& out, std::string& error) {
  if (format == HistoryFormat::csv) {
    out << "time,source,key,severity,edge,value,threshold,message\n";
  }
  RowWriter w(format, out);
  return store.for_each_alert(
      from_ms, to_ms,
      [&](const history::AlertRecord& a) {
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
      },
      error);
}

}  // namespace tbgw::platform
