// Rng: a small seeded generator (SplitMix64) whose output is the same on every platform.
// std::uniform_*_distribution differ between standard libraries; fits must not, so draws go here.
#pragma once

#include <cmath>
#include <cstdint>

namespace mixrun {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  // A generator for stream `stream` of `seed`: independent streams for, e.g., each bootstrap
  // resample, so results do not depend on which thread draws them.
  Rng(uint64_t seed, uint64_t stream) : state_(seed) {
    state_ = Next() ^ (stream * 0xD1B54A32D192ED03ULL);
  }

  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1).
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Uniform(double low, double high) { return low + (high - low) * Uniform(); }
  // Uniform integer in [0, n), without modulo bias.
  uint64_t Below(uint64_t n) {
    const uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t draw;
    do draw = Next();
    while (draw >= limit);
    return draw % n;
  }

 private:
  uint64_t state_;
};

}  // namespace mixrun
