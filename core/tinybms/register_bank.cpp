// RegisterBank: see register_bank.hpp.
#include "core/tinybms/register_bank.hpp"

#include <bit>

namespace tbgw::tinybms {

void RegisterBank::set_valid(std::size_t addr, bool v) {
  const std::uint64_t bit = std::uint64_t{1} << (addr % kBitsPerWord);
  if (v) {
    valid_[addr / kBitsPerWord] |= bit;
  } else {
    valid_[addr / kBitsPerWord] &= ~bit;
  }
}

bool RegisterBank::store(std::uint16_t first_addr, std::span<const std::uint16_t> words,
                         Millis now) {
  if (words.size() > kSize || first_addr > kSize - words.size()) return false;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::size_t addr = first_addr + i;
    words_[addr] = words[i];
    stamps_[addr] = now;
    set_valid(addr, true);
  }
  return true;
}

void RegisterBank::invalidate(std::uint16_t first_addr, std::size_t count) {
  for (std::size_t addr = first_addr; addr < kSize && addr - first_addr < count; ++addr) {
    set_valid(addr, false);
  }
}

void RegisterBank::invalidate_all() {
  valid_.fill(0);
}

bool RegisterBank::valid(std::uint16_t addr) const {
  if (addr >= kSize) return false;
  return ((valid_[addr / kBitsPerWord] >> (addr % kBitsPerWord)) & 1U) != 0;
}

bool RegisterBank::all_valid(std::uint16_t first_addr, std::size_t count) const {
  return oldest_stamp(first_addr, count).has_value();
}

std::optional<std::uint16_t> RegisterBank::get(std::uint16_t addr) const {
  if (!valid(addr)) return std::nullopt;
  return words_[addr];
}

std::optional<std::int16_t> RegisterBank::get_i16(std::uint16_t addr) const {
  const auto w = get(addr);
  if (!w) return std::nullopt;
  return std::bit_cast<std::int16_t>(*w);
}

std::optional<std::uint32_t> RegisterBank::get_u32(std::uint16_t lo_addr) const {
  const auto lo = get(lo_addr);
  const auto hi = lo_addr < kSize - 1 ? get(static_cast<std::uint16_t>(lo_addr + 1))
                                      : std::optional<std::uint16_t>{};
  if (!lo || !hi) return std::nullopt;
  return (static_cast<std::uint32_t>(*hi) << 16) | *lo;
}

std::optional<float> RegisterBank::get_float(std::uint16_t lo_addr) const {
  static_assert(sizeof(float) == sizeof(std::uint32_t));
  const auto bits = get_u32(lo_addr);
  if (!bits) return std::nullopt;
  return std::bit_cast<float>(*bits);
}

std::optional<Millis> RegisterBank::stamp(std::uint16_t addr) const {
  if (!valid(addr)) return std::nullopt;
  return stamps_[addr];
}

std::optional<Millis> RegisterBank::oldest_stamp(std::uint16_t first_addr,
                                                 std::size_t count) const {
  if (count == 0 || count > kSize || first_addr > kSize - count) return std::nullopt;
  Millis oldest = stamps_[first_addr];
  for (std::size_t addr = first_addr; addr < first_addr + count; ++addr) {
    if (!valid(static_cast<std::uint16_t>(addr))) return std::nullopt;
    if (stamps_[addr] < oldest) oldest = stamps_[addr];
  }
  return oldest;
}

}  // namespace tbgw::tinybms
