#include "design/design_rng.h"

#include <cmath>

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

double DesignRng::Uniform() { return (static_cast<double>(Next() >> 11) + 0.5) * 0x1.0p-53; }

uint64_t DesignRng::Below(uint64_t n) {
  // Rejects the top partial block of 2^64 so every residue is equally likely.
  const uint64_t limit = -n % n;  // 2^64 mod n
  uint64_t x;
  do {
    x = Next();
  } while (x < limit);
  return x % n;
}

double DesignRng::Normal() {
  double u, v, s;
  do {
    u = 2 * Uniform() - 1;
    v = 2 * Uniform() - 1;
    s = u * u + v * v;
  } while (s >= 1 || s == 0);
  // Only one of the pair is used, so that a draw depends on nothing cached between calls.
  return u * std::sqrt(-2 * std::log(s) / s);
}

double DesignRng::LogGamma(double shape) {
  if (shape < 1) {
    // Gamma(a) = Gamma(a + 1) · U^(1/a); in logs: log G(a + 1) + log(U) / a.
    return LogGamma(shape + 1) + std::log(Uniform()) / shape;
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9 * d);
  while (true) {
    double x, v;
    do {
      x = Normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const double u = Uniform();
    if (u < 1 - 0.0331 * (x * x) * (x * x)) return std::log(d * v);
    if (std::log(u) < 0.5 * x * x + d * (1 - v + std::log(v))) return std::log(d * v);
  }
}

}  // namespace mixrun
