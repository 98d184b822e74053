// `tinybms-gw history export`: argument checks, then platform/linux/history_export.
#include "app/commands/history_command.hpp"

#include <cstdint>
#include <iostream>
#include <limits>
#include <tuple>

#include "platform/linux/history_export.hpp"
#include "platform/linux/history_store.hpp"

namespace tbgw::app {

int run_history_export(const std::string& state_dir, std::optional<std::string> from,
                       std::optional<std::string> to, std::string tier, std::string format,
                       std::string what) {
  const auto w = platform::parse_history_what(what);
  if (!w) {
    std::cerr << "history export: --what must be samples or alerts, not '" << what << "'\n";
    return 2;
  }
  const auto t = platform::parse_history_tier(tier);
  if (!t) {
    std::cerr << "history export: --tier must be raw, 1m or 15m, not '" << tier << "'\n";
    return 2;
  }
  const auto f = platform::parse_history_format(format);
  if (!f) {
    std::cerr << "history export: --format must be csv or json, not '" << format << "'\n";
    return 2;
  }
  std::int64_t from_ms = std::numeric_limits<std::int64_t>::min();
  std::int64_t to_ms = std::numeric_limits<std::int64_t>::max();
  for (auto [arg, out, name] : {std::tuple{&from, &from_ms, "--from"}, {&to, &to_ms, "--to"}}) {
    if (!*arg) continue;
    const auto ms = platform::parse_iso8601_utc(**arg);
    if (!ms) {
      std::cerr << "history export: " << name << " '" << **arg
                << "' is not an ISO 8601 UTC time (e.g. 2024-05-01 or 2024-05-01T12:00:00Z)\n";
      return 2;
    }
    *out = *ms;
  }
  platform::HistoryStore store(state_dir);
  const auto opened = store.open_read_only();
  if (!opened) {
    std::cerr << "history export: " << platform::to_string(opened.error()) << "\n";
    return 1;
  }
  std::ios::sync_with_stdio(false);
  const auto exported = *w == platform::HistoryWhat::alerts
                            ? platform::export_alerts(store, from_ms, to_ms, *f, std::cout)
                            : platform::export_history(store, *t, from_ms, to_ms, *f, std::cout);
  if (!exported) {
    std::cerr << "history export: " << platform::to_string(exported.error()) << "\n";
    return 1;
  }
  std::cout.flush();
  return std::cout ? 0 : 1;
}

}  // namespace tbgw::app
