// plan_reads: which 0x03 block reads fetch a set of wanted registers for the fewest bytes.
//
// Cost model (spec "Commands"): a Modbus read request is 8 bytes (AA 03 addrH addrL 00 RL crc)
// and its reply 5 + 2 x count bytes (AA 03 PL data crc), so one block costs 13 + 2 x count.
// Reading g unwanted registers between two wanted ones costs 2g; starting a new block costs 13:
// gaps of up to 6 registers are worth bridging. With the 127-register limit per request and the
// option below this is no longer a simple rule, so the planner solves it exactly: a dynamic
// programme over the sorted wanted addresses (n <= 512), where dp[i] is the cheapest plan for
// the first i wanted addresses and the last block covers wanted[j..i-1] for some j. Ties in
// bytes go to the plan with fewer blocks (fewer round trips). O(n x 127) steps.
//
// Reserved registers: it is unverified on hardware whether the BMS answers a block that spans
// reserved registers (16-31, 49, 56-99, ... every address without a catalogue entry). With
// ReservedSpan::forbidden no block contains a reserved address that is not itself wanted. The
// poller plans both, tries the cheaper one, and falls back to the other on repeated failure.
//
// Bounds: wanted addresses 0-511; at most BlockPlan::kMaxBlocks blocks (the plan is refused with
// too_many_blocks beyond that); no allocation; ~4 KiB of stack during planning.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/tinybms/registers.hpp"
#include "core/util/result.hpp"

namespace tbgw::tinybms {

inline constexpr std::size_t kReadRequestBytes = 8;           // AA 03 aH aL 00 RL crcL crcH
inline constexpr std::size_t kReadResponseOverheadBytes = 5;  // AA 03 PL ... crcL crcH
inline constexpr std::uint16_t kMaxRegistersPerRead = 127;    // 0x03 limit (Rev D 1.1.6)
inline constexpr std::size_t kPlanAddressSpace = 512;         // RegisterBank::kSize

struct Block {
  std::uint16_t first = 0;
  std::uint16_t count = 0;

  constexpr std::uint16_t last() const { return static_cast<std::uint16_t>(first + count - 1); }
  // Request + reply bytes of this block's 0x03 read.
  constexpr std::size_t wire_bytes() const {
    return kReadRequestBytes + kReadResponseOverheadBytes + 2U * count;
  }
  friend constexpr bool operator==(const Block&, const Block&) = default;
};

struct BlockPlan {
  static constexpr std::size_t kMaxBlocks = 16;
  std::array<Block, kMaxBlocks> blocks{};
  std::size_t count = 0;

  std::span<const Block> items() const { return {blocks.data(), count}; }
  std::size_t wire_bytes() const;
  std::size_t registers_read() const;
  // True when some block reads an address without a catalogue entry.
  bool spans_reserved() const;
};

inline constexpr std::size_t kMaxBlocks = BlockPlan::kMaxBlocks;

enum class ReservedSpan : std::uint8_t {
  allowed,    // blocks may read reserved registers between wanted ones (cheapest)
  forbidden,  // blocks read only defined or wanted registers (what real clients do)
};

struct PlanOptions {
  ReservedSpan reserved = ReservedSpan::allowed;
  std::uint16_t max_registers_per_block = kMaxRegistersPerRead;  // 1..127
};

enum class PlanError : std::uint8_t {
  nothing_wanted = 1,        // no address in the wanted ranges
  address_out_of_range = 2,  // a wanted address above 511
  inverted_range = 3,        // a range with last < first
  too_many_blocks = 4,       // the optimal plan needs more than kMaxBlocks reads
  invalid_block_limit = 5,   // max_registers_per_block outside 1..127
};

constexpr const char* to_string(PlanError e) {
  switch (e) {
    case PlanError::nothing_wanted:
      return "nothing_wanted";
    case PlanError::address_out_of_range:
      return "address_out_of_range";
    case PlanError::inverted_range:
      return "inverted_range";
    case PlanError::too_many_blocks:
      return "too_many_blocks";
    case PlanError::invalid_block_limit:
      return "invalid_block_limit";
  }
  return "unknown";
}

// The cheapest list of block reads covering every wanted address (ranges may overlap and come
// in any order). Blocks are returned in address order.
Result<BlockPlan, PlanError> plan_reads(std::span<const AddressRange> wanted,
                                        const PlanOptions& options = {});

// Distinct addresses in `wanted` (addresses above 511 are not counted).
std::size_t count_wanted(std::span<const AddressRange> wanted);

// The bound no plan can beat: one request and one reply header, 2 bytes per wanted register.
// 0 when nothing is wanted.
std::size_t theoretical_min_wire_bytes(std::span<const AddressRange> wanted);

}  // namespace tbgw::tinybms
