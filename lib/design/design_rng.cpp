#include "design/design_rng.h"

#include <cmath>

#include "common/random_variates.h"

namespace mixrun {
namespace {

uint64_t SplitMix64(uint64_t& x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t RotateLeft(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

DesignRng::DesignRng(uint64_t seed) {
  for (uint64_t& word : state_) word = SplitMix64(seed);
}

uint64_t DesignRng::Next() {
  const uint64_t result = RotateLeft(state_[1] * 5, 7) * 9;
  const uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = RotateLeft(state_[3], 45);
  return result;
}

double DesignRng::Uniform() { return OpenUniform(*this); }

uint64_t DesignRng::Below(uint64_t n) {
  // Rejects the top partial block of 2^64 so every residue is equally likely.
  const uint64_t limit = -n % n;  // 2^64 mod n
  uint64_t x;
  do {
    x = Next();
  } while (x < limit);
  return x % n;
}

double DesignRng::Normal() { return NormalVariate(*this); }

double DesignRng::LogGamma(double shape) { return LogGammaVariate(*this, shape); }

}  // namespace mixrun
