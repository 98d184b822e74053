// plan_reads: see block_plan.hpp for the cost model and the dynamic programme.
#include "core/tinybms/block_plan.hpp"

#include <limits>

#include "core/tinybms/register_bank.hpp"

namespace tbgw::tinybms {
namespace {

static_assert(kPlanAddressSpace == RegisterBank::kSize);

// The set of wanted addresses as a bitmap over the address space.
class AddressSet {
 public:
  Result<void, PlanError> add(const AddressRange& r) {
    if (r.last < r.first) return Err(PlanError::inverted_range);
    if (r.last >= kPlanAddressSpace) return Err(PlanError::address_out_of_range);
    for (std::size_t a = r.first; a <= r.last; ++a) insert(a);
    return {};
  }
  void insert(std::size_t a) { bits_[a / 64] |= std::uint64_t{1} << (a % 64); }
  bool contains(std::size_t a) const { return ((bits_[a / 64] >> (a % 64)) & 1U) != 0; }

 private:
  std::array<std::uint64_t, kPlanAddressSpace / 64> bits_{};
};

// Cost of a plan prefix: bytes first, then the number of blocks (fewer round trips).
using Cost = std::uint32_t;
constexpr Cost kBlocksField = 1024;  // > max blocks (512); bytes <= 512 x 15 keeps it in range
constexpr Cost kUnreachable = std::numeric_limits<Cost>::max();
constexpr Cost block_cost(std::size_t first, std::size_t last) {
  return static_cast<Cost>(
             Block{static_cast<std::uint16_t>(first), static_cast<std::uint16_t>(last - first + 1)}
                 .wire_bytes()) *
             kBlocksField +
         1U;
}

}  // namespace

std::size_t BlockPlan::wire_bytes() const {
  std::size_t total = 0;
  for (const Block& b : items()) total += b.wire_bytes();
  return total;
}

std::size_t BlockPlan::registers_read() const {
  std::size_t total = 0;
  for (const Block& b : items()) total += b.count;
  return total;
}

bool BlockPlan::spans_reserved() const {
  for (const Block& b : items()) {
    for (std::size_t a = b.first; a <= b.last(); ++a) {
      if (is_reserved(static_cast<std::uint16_t>(a))) return true;
    }
  }
  return false;
}

std::size_t count_wanted(std::span<const AddressRange> wanted) {
  AddressSet set;
  for (const AddressRange& r : wanted) {
    for (std::size_t a = r.first; a <= r.last && a < kPlanAddressSpace; ++a) set.insert(a);
  }
  std::size_t n = 0;
  for (std::size_t a = 0; a < kPlanAddressSpace; ++a) n += set.contains(a) ? 1U : 0U;
  return n;
}

std::size_t theoretical_min_wire_bytes(std::span<const AddressRange> wanted) {
  const std::size_t n = count_wanted(wanted);
  return n == 0 ? 0 : kReadRequestBytes + kReadResponseOverheadBytes + 2 * n;
}

Result<BlockPlan, PlanError> plan_reads(std::span<const AddressRange> wanted,
                                        const PlanOptions& options) {
  const std::size_t max_len = options.max_registers_per_block;
  if (max_len < 1 || max_len > kMaxRegistersPerRead) return Err(PlanError::invalid_block_limit);

  AddressSet set;
  for (const AddressRange& r : wanted) {
    if (auto added = set.add(r); !added) return Err(added.error());
  }
  std::array<std::uint16_t, kPlanAddressSpace> addr{};  // sorted distinct wanted addresses
  std::size_t n = 0;
  for (std::size_t a = 0; a < kPlanAddressSpace; ++a) {
    if (set.contains(a)) addr[n++] = static_cast<std::uint16_t>(a);
  }
  if (n == 0) return Err(PlanError::nothing_wanted);

  // An address between two wanted ones that a block must not read.
  const auto forbidden_filler = [&](std::size_t a) {
    return options.reserved == ReservedSpan::forbidden && !set.contains(a) &&
           is_reserved(static_cast<std::uint16_t>(a));
  };

  // dp[i]: cheapest cost covering addr[0..i); from[i]: where its last block starts.
  std::array<Cost, kPlanAddressSpace + 1> dp{};
  std::array<std::uint16_t, kPlanAddressSpace + 1> from{};
  dp[0] = 0;
  for (std::size_t i = 1; i <= n; ++i) {
    dp[i] = kUnreachable;
    const std::size_t last = addr[i - 1];
    // The last block covers addr[j..i-1]; grow it leftwards until it breaks a rule.
    for (std::size_t j = i; j-- > 0;) {
      if (last - addr[j] + 1 > max_len) break;
      if (j + 1 < i) {  // the gap between addr[j] and addr[j+1] becomes part of the block
        bool blocked = false;
        for (std::size_t a = addr[j] + 1U; a < addr[j + 1]; ++a) blocked |= forbidden_filler(a);
        if (blocked) break;
      }
      const Cost c = dp[j] + block_cost(addr[j], last);
      if (c < dp[i]) {
        dp[i] = c;
        from[i] = static_cast<std::uint16_t>(j);
      }
    }
  }

  // Every single address is a valid block, so dp[n] is reachable; walk back to the blocks.
  const std::size_t blocks = dp[n] % kBlocksField;
  if (blocks > BlockPlan::kMaxBlocks) return Err(PlanError::too_many_blocks);
  BlockPlan plan;
  plan.count = blocks;
  std::size_t k = blocks;
  for (std::size_t i = n; i > 0; i = from[i]) {
    const std::size_t j = from[i];
    plan.blocks[--k] = Block{addr[j], static_cast<std::uint16_t>(addr[i - 1] - addr[j] + 1)};
  }
  return plan;
}

}  // namespace tbgw::tinybms
