// DesignRng: the seeded random source of mixture designs — xoshiro256** seeded by SplitMix64,
// with uniform, normal and gamma variates computed by fixed algorithms, so that a design drawn
// from a seed is the same on every platform and standard library (std:: distributions are not).
#pragma once

#include <cstdint>

namespace mixrun {

class DesignRng {
 public:
  explicit DesignRng(uint64_t seed);

  uint64_t Next();
  // Uniform in the open interval (0, 1), 53 random bits.
  double Uniform();
  // Uniform integer in [0, n), n > 0, without modulo bias.
  uint64_t Below(uint64_t n);
  // Standard normal (Marsaglia's polar method: only log and sqrt, both well specified).
  double Normal();
  // log of a Gamma(shape, 1) variate, shape > 0 (Marsaglia & Tsang 2000; shapes below 1 via
  // Gamma(shape + 1)·U^(1/shape)). In logs, because Dirichlet draws with the tiny concentrations
  // of rare domains (0.1 × 0.002) underflow to 0 in plain doubles.
  double LogGamma(double shape);

 private:
  uint64_t state_[4];
};

}  // namespace mixrun
