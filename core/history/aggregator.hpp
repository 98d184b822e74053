// Aggregator: downsamples raw history records into fixed time buckets (1 minute, 15 minutes)
// with the min, mean and max of every field, per-cell voltages included.
//
// Theory of operation
// - Buckets are aligned on the unix epoch: a record at t belongs to the bucket starting at
//   floor(t / bucket_ms) * bucket_ms, so every process and every restart agrees on bucket
//   edges and the store can merge a bucket split by a restart.
// - Records come in time order. The first record of a new bucket closes the open one, which
//   add() returns; flush() closes the open bucket at shutdown (it may be partial: its
//   sample_count says so). There is no timer: an idle input leaves the bucket open.
// - Clock rule: a record stamped at or before the last accepted one is dropped and counted
//   (dropped_not_after_last). Time never runs backwards inside a bucket, buckets close in
//   order, so durations are never negative and rows never reorder. A backward NTP step thus
//   pauses history until the wall clock passes the last accepted time again; a forward step
//   only closes the open bucket early.
// - NaN values (no sensor, unused cells) are skipped per field; a field with no value in a
//   bucket stays NaN in min, mean and max. status_raw and cell_count are those of the last
//   record of the bucket.
//
// Bounds: constant memory (one accumulator per field), no allocation, O(fields) per record.
// Single-threaded.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <type_traits>

#include "core/history/history_record.hpp"

namespace tbgw::history {

struct AggregateRow {
  std::int64_t bucket_start_ms = 0;  // unix ms, a multiple of the bucket length
  std::uint32_t sample_count = 0;
  std::uint16_t status_raw = 0;
  std::uint8_t cell_count = 0;
  std::array<float, kFieldCount> min{};
  std::array<float, kFieldCount> mean{};
  std::array<float, kFieldCount> max{};
};

static_assert(std::is_trivially_copyable_v<AggregateRow>);

inline constexpr std::int64_t kMinuteMs = 60'000;
inline constexpr std::int64_t kQuarterHourMs = 15 * kMinuteMs;

class Aggregator {
 public:
  // bucket_ms > 0.
  explicit Aggregator(std::int64_t bucket_ms);

  // Adds `r` to its bucket. Returns the bucket it closed, if any.
  std::optional<AggregateRow> add(const HistoryRecord& r);
  // Closes and returns the open bucket (nothing when no record is pending).
  std::optional<AggregateRow> flush();

  std::int64_t bucket_ms() const { return bucket_ms_; }
  std::int64_t bucket_start(std::int64_t unix_ms) const;
  std::uint64_t dropped_not_after_last() const { return dropped_; }

 private:
  struct Acc {
    double sum = 0.0;
    float min = 0.0F;
    float max = 0.0F;
    std::uint32_t n = 0;
  };
  void reset(std::int64_t start);
  AggregateRow close() const;

  std::int64_t bucket_ms_;
  bool open_ = false;
  bool have_last_ = false;
  std::int64_t last_ms_ = 0;
  std::int64_t start_ms_ = 0;
  std::uint32_t count_ = 0;
  std::uint16_t status_raw_ = 0;
  std::uint8_t cell_count_ = 0;
  std::array<Acc, kFieldCount> acc_{};
  std::uint64_t dropped_ = 0;
};

}  // namespace tbgw::history
