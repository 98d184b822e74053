// RegisterBank: the last raw value read from each TinyBMS register, with its validity and age.
//
// Theory of operation. The poller stores every verified block reply here (`store`), and the
// decoders (snapshot_decoder, bms_settings, version_info) read typed values back. Nothing is
// scaled here: the bank holds 16-bit words exactly as the BMS sent them (after the codec undid
// the wire byte order). 32-bit values follow the TinyBMS word order "CDAB": the lower address
// holds the low 16 bits (spec: reg 36 = 0x1EB8, 37 = 0x425F -> 0x425F1EB8 = 55.78 V).
//
// Each address has a valid bit and the Millis of its last store, so a consumer can refuse to mix
// a fresh pack voltage with cells from a refresh that failed (`oldest_stamp`). `invalidate` is
// for a BMS that went away or was reset: values then read as absent, never as stale numbers.
//
// Bounds: addresses 0-511 (kSize), ~5 KiB, no allocation. A store that would run past 511
// stores nothing and returns false. Single-threaded, like every core object.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "core/util/time.hpp"

namespace tbgw::tinybms {

class RegisterBank {
 public:
  static constexpr std::size_t kSize = 512;

  // Stores `words` at first_addr, first_addr + 1, ... and stamps them with `now`.
  bool store(std::uint16_t first_addr, std::span<const std::uint16_t> words, Millis now);
  bool store(std::uint16_t addr, std::uint16_t word, Millis now) {
    return store(addr, std::span<const std::uint16_t>(&word, 1), now);
  }

  // Marks registers as never read. Addresses past 511 are ignored.
  void invalidate(std::uint16_t first_addr, std::size_t count);
  void invalidate_all();

  bool valid(std::uint16_t addr) const;
  // True when every address of [first_addr, first_addr + count) is valid.
  bool all_valid(std::uint16_t first_addr, std::size_t count) const;

  std::optional<std::uint16_t> get(std::uint16_t addr) const;
  std::optional<std::int16_t> get_i16(std::uint16_t addr) const;
  // The u32 whose low word is at lo_addr and high word at lo_addr + 1 (both must be valid).
  std::optional<std::uint32_t> get_u32(std::uint16_t lo_addr) const;
  // The IEEE-754 float with the bits of get_u32(lo_addr). May be NaN or infinite: the bank
  // reports what the BMS sent; judging plausibility is the decoders' job.
  std::optional<float> get_float(std::uint16_t lo_addr) const;

  // When the register was last stored; nullopt when it is not valid.
  std::optional<Millis> stamp(std::uint16_t addr) const;
  // The oldest stamp of [first_addr, first_addr + count); nullopt when any is not valid.
  std::optional<Millis> oldest_stamp(std::uint16_t first_addr, std::size_t count) const;

 private:
  static constexpr std::size_t kBitsPerWord = 64;
  void set_valid(std::size_t addr, bool v);

  std::array<std::uint16_t, kSize> words_{};
  std::array<Millis, kSize> stamps_{};
  std::array<std::uint64_t, kSize / kBitsPerWord> valid_{};
};

}  // namespace tbgw::tinybms
