// Rng: the simulator's deterministic random source (same seed -> same run).
//
// std::mt19937_64 is portable but the standard distributions are not (libstdc++ and libc++
// draw differently), so uniform and normal draws are computed here from raw 64-bit outputs
// (integers and uniforms are bit-identical everywhere; normals go through libm's log/cos, so
// across C libraries they may differ in the last bit):
// xoshiro256** seeded through SplitMix64 (Blackman & Vigna), doubles from the top 53 bits,
// normals by Box-Muller without caching a second value (one call = a fixed number of draws).
//
// Separate streams keep unrelated randomness independent: the battery spreads come from
// stream 0 and the link faults from stream 1, so switching a fault on never changes the battery.
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>

namespace tbgw::sim {

class Rng {
 public:
  explicit Rng(std::uint64_t seed, std::uint64_t stream = 0) {
    std::uint64_t x = seed ^ (0x9E3779B97F4A7C15ULL * (stream + 1));
    for (auto& s : state_) s = splitmix64(x);
  }

  std::uint64_t next_u64() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  // Uniform in [0, 1).
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

  // Uniform integer in [0, n), n > 0 (the tiny modulo bias is irrelevant here).
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : next_u64() % n; }

  // True with probability p (p <= 0: never, p >= 1: always; no draw is consumed either way,
  // so a fault switched off leaves the stream where it was).
  bool chance(double p) {
    if (p <= 0.0) return false;
    if (p >= 1.0) return true;
    return uniform() < p;
  }

  // Standard normal draw, clamped to +-limit_sigma so one unlucky seed cannot make a cell
  // absurd (a 280 Ah cell with 40 % less capacity).
  double normal(double limit_sigma = 3.0) {
    const double u1 = 1.0 - uniform();  // (0, 1]
    const double u2 = uniform();
    const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
    return z < -limit_sigma ? -limit_sigma : (z > limit_sigma ? limit_sigma : z);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static std::uint64_t splitmix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  std::uint64_t state_[4]{};
};

}  // namespace tbgw::sim
