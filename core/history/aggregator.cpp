#include "core/history/aggregator.hpp"

#include <cmath>

namespace tbgw::history {

Aggregator::Aggregator(std::int64_t bucket_ms) : bucket_ms_(bucket_ms > 0 ? bucket_ms : 1) {}

std::int64_t Aggregator::bucket_start(std::int64_t unix_ms) const {
  std::int64_t q = unix_ms / bucket_ms_;
  if (unix_ms % bucket_ms_ < 0) --q;  // floor, also before 1970
  return q * bucket_ms_;
}

void Aggregator::reset(std::int64_t start) {
  open_ = true;
  start_ms_ = start;
  count_ = 0;
  acc_ = {};
}

AggregateRow Aggregator::close() const {
  AggregateRow row;
  row.bucket_start_ms = start_ms_;
  row.sample_count = count_;
  row.status_raw = status_raw_;
  row.cell_count = cell_count_;
  for (std::size_t i = 0; i < kFieldCount; ++i) {
    const Acc& a = acc_[i];
    if (a.n == 0) {
      row.min[i] = row.mean[i] = row.max[i] = kNoValue;
      continue;
    }
    row.min[i] = a.min;
    row.max[i] = a.max;
    row.mean[i] = static_cast<float>(a.sum / a.n);
  }
  return row;
}

std::optional<AggregateRow> Aggregator::add(const HistoryRecord& r) {
  if (have_last_ && r.unix_ms <= last_ms_) {
    ++dropped_;
    return std::nullopt;
  }
  have_last_ = true;
  last_ms_ = r.unix_ms;
  std::optional<AggregateRow> closed;
  const std::int64_t start = bucket_start(r.unix_ms);
  if (open_ && start != start_ms_) closed = close();
  if (!open_ || start != start_ms_) reset(start);

  ++count_;
  status_raw_ = r.status_raw;
  cell_count_ = r.cell_count;
  for (std::size_t i = 0; i < kFieldCount; ++i) {
    const float v = r.values[i];
    if (std::isnan(v)) continue;
    Acc& a = acc_[i];
    if (a.n == 0 || v < a.min) a.min = v;
    if (a.n == 0 || v > a.max) a.max = v;
    a.sum += static_cast<double>(v);
    ++a.n;
  }
  return closed;
}

std::optional<AggregateRow> Aggregator::flush() {
  if (!open_ || count_ == 0) return std::nullopt;
  AggregateRow row = close();
  open_ = false;
  return row;
}

}  // namespace tbgw::history
