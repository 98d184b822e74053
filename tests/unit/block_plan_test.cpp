// plan_reads: the live refresh plans, the 127-register limit, errors, and optimality against a
// brute force over every partition of small random sets.
#include "core/tinybms/block_plan.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <set>
#include <vector>

#include "core/tinybms/snapshot_decoder.hpp"

namespace {

using namespace tbgw::tinybms;

std::vector<Block> blocks_of(const BlockPlan& plan) {
  return {plan.items().begin(), plan.items().end()};
}

TEST(BlockPlan, GIVEN_live_set_and_reserved_allowed_WHEN_planned_THEN_two_reads_102_bytes) {
  const auto r = plan_reads(kLiveRegisters, {.reserved = ReservedSpan::allowed});
  ASSERT_TRUE(r.ok());
  // 16-31 (32 bytes) costs more than a new request (13); 44 and 49 (2 bytes each) do not.
  EXPECT_EQ(blocks_of(*r), (std::vector<Block>{{0, 16}, {32, 22}}));
  EXPECT_EQ(r->wire_bytes(), 45U + 57U);
  EXPECT_TRUE(r->spans_reserved());  // 49
  EXPECT_EQ(r->registers_read(), 38U);
}

TEST(BlockPlan, GIVEN_live_set_and_reserved_forbidden_WHEN_planned_THEN_three_reads_113_bytes) {
  const auto r = plan_reads(kLiveRegisters, {.reserved = ReservedSpan::forbidden});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(blocks_of(*r), (std::vector<Block>{{0, 16}, {32, 17}, {50, 4}}));
  EXPECT_EQ(r->wire_bytes(), 45U + 47U + 21U);
  EXPECT_FALSE(r->spans_reserved());
}

TEST(BlockPlan, GIVEN_live_set_WHEN_bounds_computed_THEN_theoretical_minimum_85_bytes) {
  EXPECT_EQ(count_wanted(kLiveRegisters), 36U);
  EXPECT_EQ(theoretical_min_wire_bytes(kLiveRegisters), 8U + 5U + 2U * 36U);
  EXPECT_EQ((Block{0, 56}.wire_bytes()), 125U);  // the single 0-55 read of the spec
  EXPECT_EQ(theoretical_min_wire_bytes({}), 0U);
}

TEST(BlockPlan, GIVEN_more_than_127_contiguous_WHEN_planned_THEN_split_into_reads_of_127) {
  const AddressRange wanted[] = {{0, 300}};
  const auto r = plan_reads(wanted);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->count, 3U);
  std::size_t covered = 0;
  for (const Block& b : r->items()) {
    EXPECT_LE(b.count, kMaxRegistersPerRead);
    covered += b.count;
  }
  EXPECT_EQ(covered, 301U);
  EXPECT_EQ(r->items().front().first, 0);
  EXPECT_EQ(r->items().back().last(), 300);
  EXPECT_EQ(r->wire_bytes(), 3U * 13U + 2U * 301U);
}

TEST(BlockPlan, GIVEN_smaller_block_limit_WHEN_planned_THEN_respected) {
  const AddressRange wanted[] = {{300, 343}};
  const auto r =
      plan_reads(wanted, {.reserved = ReservedSpan::allowed, .max_registers_per_block = 31});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->count, 2U);
  for (const Block& b : r->items()) EXPECT_LE(b.count, 31);
}

TEST(BlockPlan, GIVEN_settings_band_WHEN_planned_without_reserved_THEN_skips_reserved_gaps) {
  const AddressRange wanted[] = {{300, 301}, {303, 308}, {310, 323}, {328, 343}};
  const auto spanning = plan_reads(wanted);
  ASSERT_TRUE(spanning.ok());
  EXPECT_EQ(blocks_of(*spanning), (std::vector<Block>{{300, 44}}));
  const auto safe = plan_reads(wanted, {.reserved = ReservedSpan::forbidden});
  ASSERT_TRUE(safe.ok());
  EXPECT_EQ(blocks_of(*safe), (std::vector<Block>{{300, 2}, {303, 6}, {310, 14}, {328, 16}}));
}

TEST(BlockPlan, GIVEN_wanted_reserved_address_WHEN_forbidden_THEN_still_read_because_asked) {
  const AddressRange wanted[] = {{48, 50}};
  const auto r = plan_reads(wanted, {.reserved = ReservedSpan::forbidden});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(blocks_of(*r), (std::vector<Block>{{48, 3}}));
}

TEST(BlockPlan, GIVEN_overlapping_unsorted_ranges_WHEN_planned_THEN_same_as_their_union) {
  const AddressRange messy[] = {{50, 53}, {0, 10}, {5, 15}, {32, 48}, {45, 46}};
  const AddressRange clean[] = {{0, 15}, {32, 48}, {50, 53}};
  const auto a = plan_reads(messy);
  const auto b = plan_reads(clean);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(blocks_of(*a), blocks_of(*b));
}

TEST(BlockPlan, GIVEN_invalid_requests_WHEN_planned_THEN_errors) {
  const AddressRange out_of_range[] = {{510, 512}};
  const AddressRange inverted[] = {{5, 3}};
  std::vector<AddressRange> scattered;  // 17 addresses 20 apart: 17 reads of 1 register
  for (std::uint16_t i = 0; i < 17; ++i) {
    scattered.push_back({static_cast<std::uint16_t>(i * 20), static_cast<std::uint16_t>(i * 20)});
  }
  EXPECT_EQ(plan_reads({}).error(), PlanError::nothing_wanted);
  EXPECT_EQ(plan_reads(out_of_range).error(), PlanError::address_out_of_range);
  EXPECT_EQ(plan_reads(inverted).error(), PlanError::inverted_range);
  EXPECT_EQ(plan_reads(scattered).error(), PlanError::too_many_blocks);
  EXPECT_EQ(plan_reads(kLiveRegisters, {.max_registers_per_block = 0}).error(),
            PlanError::invalid_block_limit);
  EXPECT_EQ(plan_reads(kLiveRegisters, {.max_registers_per_block = 128}).error(),
            PlanError::invalid_block_limit);
  scattered.pop_back();
  EXPECT_TRUE(plan_reads(scattered).ok());  // 16 reads: the capacity
}

// --- Brute force: every way to cut the sorted wanted addresses into consecutive groups.
bool forbidden_filler(std::uint16_t a, const std::set<std::uint16_t>& wanted, ReservedSpan p) {
  return p == ReservedSpan::forbidden && wanted.count(a) == 0 && is_reserved(a);
}

std::size_t brute_force_bytes(const std::vector<std::uint16_t>& addr,
                              const std::set<std::uint16_t>& wanted, const PlanOptions& o) {
  const std::size_t n = addr.size();
  std::size_t best = SIZE_MAX;
  for (std::uint32_t cuts = 0; cuts < (1U << (n - 1)); ++cuts) {
    std::size_t bytes = 0;
    std::size_t start = 0;
    bool ok = true;
    for (std::size_t i = 0; i < n && ok; ++i) {
      const bool end_here = i == n - 1 || ((cuts >> i) & 1U) != 0;
      if (!end_here) continue;
      const std::size_t span = addr[i] - addr[start] + 1U;
      ok = span <= o.max_registers_per_block;
      for (std::uint16_t a = addr[start]; a <= addr[i] && ok; ++a) {
        ok = !forbidden_filler(a, wanted, o.reserved);
      }
      bytes += 13U + 2U * span;
      start = i + 1;
    }
    if (ok) best = std::min(best, bytes);
  }
  return best;
}

TEST(BlockPlan, GIVEN_random_small_sets_WHEN_planned_THEN_optimal_and_valid) {
  constexpr std::uint32_t kSeed = 20240611;
  std::mt19937 rng(kSeed);
  const std::uint16_t bases[] = {0, 30, 90, 280, 320, 440};
  const std::uint16_t limits[] = {127, 20, 8, 1};
  for (int trial = 0; trial < 400; ++trial) {
    SCOPED_TRACE(::testing::Message() << "seed " << kSeed << " trial " << trial);
    const std::uint16_t base = bases[rng() % std::size(bases)];
    const std::size_t n = 1 + rng() % 12;
    std::set<std::uint16_t> wanted;
    while (wanted.size() < n) wanted.insert(static_cast<std::uint16_t>(base + rng() % 70));
    std::vector<AddressRange> ranges;
    for (std::uint16_t a : wanted) ranges.push_back({a, a});
    const std::vector<std::uint16_t> addr(wanted.begin(), wanted.end());
    const PlanOptions options{
        .reserved = (rng() % 2 == 0) ? ReservedSpan::allowed : ReservedSpan::forbidden,
        .max_registers_per_block = limits[rng() % std::size(limits)]};

    const auto plan = plan_reads(ranges, options);
    const std::size_t best = brute_force_bytes(addr, wanted, options);
    if (!plan.ok()) {  // only possible when the optimum needs more than 16 reads
      EXPECT_EQ(plan.error(), PlanError::too_many_blocks);
      EXPECT_GT(best, 16U * 15U);
      continue;
    }
    EXPECT_EQ(plan->wire_bytes(), best);
    EXPECT_GE(plan->wire_bytes(), theoretical_min_wire_bytes(ranges));
    std::set<std::uint16_t> covered;
    for (std::size_t i = 0; i < plan->count; ++i) {
      const Block& b = plan->blocks[i];
      EXPECT_GE(b.count, 1);
      EXPECT_LE(b.count, options.max_registers_per_block);
      if (i > 0) {
        EXPECT_GT(b.first, plan->blocks[i - 1].last());
      }
      for (std::uint16_t a = b.first; a <= b.last(); ++a) {
        covered.insert(a);
        EXPECT_FALSE(forbidden_filler(a, wanted, options.reserved)) << a;
      }
    }
    for (std::uint16_t a : wanted) EXPECT_EQ(covered.count(a), 1U) << a;
  }
}

}  // namespace
