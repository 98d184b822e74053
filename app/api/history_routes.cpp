// GET /api/history, GET /api/history.csv, GET /api/alerts/history: reads of
// STATE_DIR/history.sqlite, run on the HistoryQueries thread (never on the loop).
//
// Parameters: from, to (unix ms or ISO 8601 UTC; default: the last hour up to now), tier
// (raw | minute | quarter, also 1m / 15m; default auto: raw up to 2 h, minute up to 7 days,
// quarter beyond), max_points (JSON: default 5000, at most 50000). A JSON result cut at the
// bound says so ("truncated": true). The CSV is the whole range, streamed in pages with a memory
// bound that does not grow with the range (history_csv_stream.hpp). A full query queue, or
// two exports already running, answers 503 with Retry-After.
#include <charconv>

#include "app/api/history_csv_stream.hpp"
#include "app/api/router_impl.hpp"
#include "core/history/history_record.hpp"
#include "platform/linux/clock.hpp"
#include "platform/linux/history_export.hpp"

namespace tbgw::app::api {

namespace {

constexpr std::int64_t kDefaultSpanMs = 3'600'000;
// The latest time a query may name: 9999-12-31T23:59:59.999Z.
constexpr std::int64_t kLatestTimeMs = 253'402'300'799'999;
constexpr std::int64_t kRawMaxSpanMs = 2 * 3'600'000;
constexpr std::int64_t kMinuteMaxSpanMs = 7 * 86'400'000LL;
constexpr std::size_t kDefaultPoints = 5'000;
constexpr std::size_t kMaxPoints = 50'000;

std::optional<std::int64_t> parse_time(const std::string& s) {
  std::int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc() && p == s.data() + s.size()) return v;
  return platform::parse_iso8601_utc(s);
}

struct HistoryParams {
  std::int64_t from_ms = 0;
  std::int64_t to_ms = 0;
  platform::HistoryTier tier = platform::HistoryTier::raw;
  std::size_t max_points = kDefaultPoints;
};

std::optional<ApiResponse> parse_params(const ApiRequest& request, bool tiers, HistoryParams& p) {
  std::vector<std::pair<std::string, std::string>> errors;
  p.to_ms = platform::unix_now_ms();
  p.from_ms = p.to_ms - kDefaultSpanMs;
  // Every time is range-checked before any arithmetic on it: INT64_MIN - a span overflowed.
  auto read_time = [&errors, &request](const char* key, std::int64_t& out) {
    const auto text = query_param(request.query, key);
    if (!text) return false;
    const auto v = parse_time(*text);
    if (!v) {
      errors.emplace_back(key, "expected unix milliseconds or ISO 8601 UTC");
    } else if (*v < 0 || *v > kLatestTimeMs) {
      errors.emplace_back(
          key, "outside 1970-01-01 .. 9999-12-31 (0.." + std::to_string(kLatestTimeMs) + " ms)");
    } else {
      out = *v;
    }
    return true;
  };
  // Absent "to" keeps now; its value errors are in `errors`. Only "from" needs the answer.
  (void)read_time("to", p.to_ms);
  if (!read_time("from", p.from_ms)) p.from_ms = p.to_ms - kDefaultSpanMs;
  if (errors.empty() && p.from_ms >= p.to_ms) errors.emplace_back("from", "must be before to");
  if (auto mp = query_param(request.query, "max_points")) {
    std::size_t n = 0;
    const auto [ptr, ec] = std::from_chars(mp->data(), mp->data() + mp->size(), n);
    if (ec != std::errc() || ptr != mp->data() + mp->size() || n == 0 || n > kMaxPoints) {
      errors.emplace_back("max_points", "expected 1.." + std::to_string(kMaxPoints));
    } else {
      p.max_points = n;
    }
  }
  const std::int64_t span = p.to_ms - p.from_ms;
  p.tier = span <= kRawMaxSpanMs      ? platform::HistoryTier::raw
           : span <= kMinuteMaxSpanMs ? platform::HistoryTier::minute
                                      : platform::HistoryTier::quarter;
  if (auto t = query_param(request.query, "tier"); t && tiers && *t != "auto") {
    if (*t == "raw")
      p.tier = platform::HistoryTier::raw;
    else if (*t == "minute" || *t == "1m")
      p.tier = platform::HistoryTier::minute;
    else if (*t == "quarter" || *t == "15m")
      p.tier = platform::HistoryTier::quarter;
    else
      errors.emplace_back("tier", "expected raw, minute, quarter or auto");
  }
  if (!errors.empty()) return error_response(400, "bad_query", "bad history query", errors);
  return std::nullopt;
}

const char* tier_name(platform::HistoryTier t) {
  switch (t) {
    case platform::HistoryTier::raw:
      return "raw";
    case platform::HistoryTier::minute:
      return "minute";
    case platform::HistoryTier::quarter:
      return "quarter";
  }
  return "raw";
}

json value_or_null(float v, std::int32_t scale) {
  return rounded(v, 1.0 / scale);
}

// Runs on the query thread: the whole JSON document, or an error.
ApiResponse query_json(platform::HistoryStore& store, const HistoryParams& p) {
  json columns = json::array({"time_ms"});
  if (p.tier != platform::HistoryTier::raw) columns.push_back("samples");
  for (const auto& f : history::kFields) {
    if (p.tier == platform::HistoryTier::raw) {
      columns.push_back(f.name);
    } else {
      columns.push_back(std::string(f.name) + "_min");
      columns.push_back(std::string(f.name) + "_mean");
      columns.push_back(std::string(f.name) + "_max");
    }
  }
  json rows = json::array();
  bool truncated = false;
  Result<void, platform::HistoryQueryError> done;
  if (p.tier == platform::HistoryTier::raw) {
    done = store.for_each_raw(p.from_ms, p.to_ms, [&](const history::HistoryRecord& r) {
      if (rows.size() >= p.max_points) return !(truncated = true);
      json row = json::array({r.unix_ms});
      for (std::size_t i = 0; i < history::kFieldCount; ++i) {
        row.push_back(value_or_null(r.values[i], history::kFields[i].scale));
      }
      rows.push_back(std::move(row));
      return true;
    });
  } else {
    done =
        store.for_each_aggregate(p.tier, p.from_ms, p.to_ms, [&](const history::AggregateRow& r) {
          if (rows.size() >= p.max_points) return !(truncated = true);
          json row = json::array({r.bucket_start_ms, r.sample_count});
          for (std::size_t i = 0; i < history::kFieldCount; ++i) {
            const auto scale = history::kFields[i].scale;
            row.push_back(value_or_null(r.min[i], scale));
            row.push_back(value_or_null(r.mean[i], scale));
            row.push_back(value_or_null(r.max[i], scale));
          }
          rows.push_back(std::move(row));
          return true;
        });
  }
  if (!done) return error_response(500, "query_failed", platform::to_string(done.error()));
  return json_response({{"tier", tier_name(p.tier)},
                        {"from_ms", p.from_ms},
                        {"to_ms", p.to_ms},
                        {"truncated", truncated},
                        {"columns", std::move(columns)},
                        {"rows", std::move(rows)}});
}

ApiResponse query_alerts(platform::HistoryStore& store, const HistoryParams& p) {
  json entries = json::array();
  bool truncated = false;
  const auto done = store.for_each_alert(p.from_ms, p.to_ms, [&](const history::AlertRecord& a) {
    if (entries.size() >= p.max_points) return !(truncated = true);
    entries.push_back({{"time_ms", a.unix_ms},
                       {"source", history::to_string(a.source)},
                       {"id", std::string(a.key_view())},
                       {"severity", history::to_string(a.severity)},
                       {"edge", history::to_string(a.edge)},
                       {"value", rounded(a.value, 0.001)},
                       {"threshold", rounded(a.threshold, 0.001)},
                       {"message", std::string(a.message_view())}});
    return true;
  });
  if (!done) return error_response(500, "query_failed", platform::to_string(done.error()));
  return json_response({{"from_ms", p.from_ms},
                        {"to_ms", p.to_ms},
                        {"truncated", truncated},
                        {"entries", std::move(entries)}});
}

enum class Kind { json_samples, alerts };

// The CSV export: streamed in pages (history_csv_stream.hpp). The first page is read before
// answering, so a database that cannot be read answers 503 instead of a cut download.
void submit_csv(ApiRouter::Impl& impl, const HistoryParams& p, Reply& reply) {
  auto stream = HistoryCsvStream::start(impl.history, impl.csv_exports, p.tier, p.from_ms, p.to_ms);
  if (!stream) {
    ApiResponse r =
        error_response(503, "busy", "two history exports are already running; try again");
    r.headers.emplace_back("Retry-After", "5");
    return reply(std::move(r));
  }
  auto shared = std::make_shared<Reply>(std::move(reply));
  const std::string filename = std::string("history-") + tier_name(p.tier) + ".csv";
  stream->next([stream, shared, filename](std::string piece, bool last, bool failed) {
    if (failed) {
      (*shared)(error_response(503, "history_unavailable",
                               "the history database cannot be read now; try again"));
      return;
    }
    stream->put_back(std::move(piece), last);
    ApiResponse r;
    r.content_type = "text/csv; charset=utf-8";
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + filename + "\"");
    r.stream = stream;
    (*shared)(std::move(r));
  });
}

void submit(ApiRouter::Impl& impl, const HistoryParams& p, Kind kind, Reply& reply) {
  auto shared = std::make_shared<Reply>(std::move(reply));
  const bool queued = impl.history.submit(
      [p, kind, shared](platform::HistoryStore* store,
                        const std::string& open_error) -> std::function<void()> {
        ApiResponse r;
        if (store == nullptr) {
          r = error_response(503, "history_unavailable", open_error);
        } else if (kind == Kind::json_samples) {
          r = query_json(*store, p);
        } else {
          r = query_alerts(*store, p);
        }
        return [shared, r = std::move(r)]() mutable { (*shared)(std::move(r)); };
      },
      [shared] { (*shared)(error_response(503, "shutting_down", "the gateway is stopping")); });
  if (!queued) {
    ApiResponse r = error_response(503, "busy", "too many history queries; try again");
    r.headers.emplace_back("Retry-After", "1");
    (*shared)(std::move(r));
  }
}

}  // namespace

void route_history(ApiRouter::Impl& impl, const ApiRequest& request, bool csv, Reply& reply) {
  HistoryParams p;
  if (auto bad = parse_params(request, true, p)) return reply(std::move(*bad));
  if (csv) return submit_csv(impl, p, reply);
  submit(impl, p, Kind::json_samples, reply);
}

void route_alert_history(ApiRouter::Impl& impl, const ApiRequest& request, Reply& reply) {
  HistoryParams p;
  if (auto bad = parse_params(request, false, p)) return reply(std::move(*bad));
  submit(impl, p, Kind::alerts, reply);
}

}  // namespace tbgw::app::api
