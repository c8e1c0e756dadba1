// CounterRng: random numbers as a pure function of (seed, index) — SplitMix64's finaliser over a
// Weyl sequence — so a sampler's whole state is how many draws it has made.
#pragma once

#include <cstdint>

namespace mixrun {

class CounterRng {
 public:
  explicit CounterRng(uint64_t seed) : key_(Mix(seed ^ 0x6A09E667F3BCC909ULL)) {}

  // 64 random bits for draw `index` on stream `stream` (independent streams of one seed).
  uint64_t Bits(uint64_t index, uint64_t stream) const {
    return Mix(key_ + Mix(index * 0x9E3779B97F4A7C15ULL + stream));
  }
  // Uniform in [0, 1) with 53 random bits.
  double Uniform(uint64_t index, uint64_t stream) const {
    return static_cast<double>(Bits(index, stream) >> 11) * 0x1.0p-53;
  }
  // Uniform integer in [0, n), n ≥ 1 (multiply-shift: bias below 2^-64·n, negligible).
  uint64_t Below(uint64_t n, uint64_t index, uint64_t stream) const {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Bits(index, stream)) * n) >> 64);
  }

 private:
  static uint64_t Mix(uint64_t z) {
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  uint64_t key_;
};

}  // namespace mixrun
