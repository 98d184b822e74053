#include "app/api/history_csv_stream.hpp"

#include <spdlog/spdlog.h>

#include <sstream>

#include "platform/linux/history_export.hpp"

namespace tbgw::app::api {

std::shared_ptr<HistoryCsvStream> HistoryCsvStream::start(HistoryQueries& queries,
                                                          std::shared_ptr<std::atomic<int>> running,
                                                          platform::HistoryTier tier,
                                                          std::int64_t from_ms, std::int64_t to_ms,
                                                          std::size_t page_rows) {
  if (running->fetch_add(1) >= kMaxExports) {
    running->fetch_sub(1);
    return nullptr;
  }
  return std::make_shared<HistoryCsvStream>(queries, std::move(running), tier, from_ms, to_ms,
                                            page_rows);
}

HistoryCsvStream::HistoryCsvStream(HistoryQueries& queries,
                                   std::shared_ptr<std::atomic<int>> running,
                                   platform::HistoryTier tier, std::int64_t from_ms,
                                   std::int64_t to_ms, std::size_t page_rows)
    : queries_(queries),
      running_(std::move(running)),
      tier_(tier),
      next_from_ms_(from_ms),
      to_ms_(to_ms),
      page_rows_(page_rows) {}

HistoryCsvStream::~HistoryCsvStream() {
  running_->fetch_sub(1);
}

void HistoryCsvStream::put_back(std::string piece, bool last) {
  ready_.emplace(std::move(piece), last);
}

void HistoryCsvStream::next(Deliver deliver) {
  if (ready_) {
    auto [piece, last] = std::move(*ready_);
    ready_.reset();
    deliver(std::move(piece), last, false);
    return;
  }
  if (done_) {
    deliver({}, true, false);
    return;
  }
  struct Page {
    std::string text;
    std::optional<std::int64_t> next_from_ms;
    bool failed = false;
  };
  auto self = shared_from_this();
  auto shared_deliver = std::make_shared<Deliver>(std::move(deliver));
  const bool queued = queries_.submit(
      [self, shared_deliver, tier = tier_, from = next_from_ms_, to = to_ms_, rows = page_rows_,
       header = !header_sent_](platform::HistoryStore* store,
                               const std::string&) -> std::function<void()> {
        Page page;
        if (store == nullptr) {
          page.failed = true;
        } else {
          std::ostringstream out;
          if (header) platform::write_history_header(tier, platform::HistoryFormat::csv, out);
          const auto info = platform::export_history_page(*store, tier, from, to,
                                                          platform::HistoryFormat::csv, out, rows);
          page.failed = !info;
          // The client only sees a cut-off download: the reason goes to the log.
          if (!info) spdlog::warn("history CSV export: {}", platform::to_string(info.error()));
          page.text = std::move(out).str();
          if (info) page.next_from_ms = info->next_from_ms;
        }
        return [self, shared_deliver, page = std::move(page)]() mutable {
          self->header_sent_ = true;
          if (page.next_from_ms) {
            self->next_from_ms_ = *page.next_from_ms;
          } else {
            self->done_ = true;
          }
          (*shared_deliver)(std::move(page.text), self->done_ && !page.failed, page.failed);
        };
      },
      [shared_deliver] { (*shared_deliver)({}, true, true); }, header_sent_);
  if (!queued) (*shared_deliver)({}, true, true);
}

}  // namespace tbgw::app::api
