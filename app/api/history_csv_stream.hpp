// HistoryCsvStream: GET /api/history.csv as a stream of pages (api_types.hpp BodyStream), so
// an export's memory does not grow with its range. Each page is at most kPageRows rows, read on
// the HistoryQueries thread from where the previous page ended (t is unique per tier, so a page
// starts at the last row's t + 1) and handed to the server, which asks for the next one only
// after writing this one: a slow client slows the export instead of growing a buffer.
//
// Bounds: one page in memory per export (kPageRows rows, ~80 kB), at most kMaxExports exports
// at once (the route answers 503 beyond, Retry-After: 5). A query failure in the middle ends
// the transfer without its closing chunk, so the client sees an incomplete download.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "app/api/api_types.hpp"
#include "app/api/history_queries.hpp"
#include "platform/linux/history_store.hpp"

namespace tbgw::app::api {

class HistoryCsvStream final : public BodyStream,
                               public std::enable_shared_from_this<HistoryCsvStream> {
 public:
  static constexpr std::size_t kPageRows = 500;
  static constexpr int kMaxExports = 2;

  // Takes one of `running`'s kMaxExports places; nullptr when all are taken.
  static std::shared_ptr<HistoryCsvStream> start(HistoryQueries& queries,
                                                 std::shared_ptr<std::atomic<int>> running,
                                                 platform::HistoryTier tier, std::int64_t from_ms,
                                                 std::int64_t to_ms,
                                                 std::size_t page_rows = kPageRows);
  ~HistoryCsvStream() override;

  void next(Deliver deliver) override;
  // Puts a piece already produced back in front (the route reads the first page before it
  // answers, so a database that cannot be read is a 503, not a cut download).
  void put_back(std::string piece, bool last);

  HistoryCsvStream(HistoryQueries& queries, std::shared_ptr<std::atomic<int>> running,
                   platform::HistoryTier tier, std::int64_t from_ms, std::int64_t to_ms,
                   std::size_t page_rows);

 private:
  HistoryQueries& queries_;
  std::shared_ptr<std::atomic<int>> running_;
  platform::HistoryTier tier_;
  std::int64_t next_from_ms_;
  std::int64_t to_ms_;
  std::size_t page_rows_;
  bool header_sent_ = false;
  bool done_ = false;
  std::optional<std::pair<std::string, bool>> ready_;  // put_back()
};

}  // namespace tbgw::app::api
