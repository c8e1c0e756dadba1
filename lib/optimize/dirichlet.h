// Seeded Dirichlet draws on mixrun's SplitMix generator (laws/rng.h), identical on every platform
// (std:: distributions differ between standard libraries; recommendations must not).
#pragma once

#include <cstdint>
#include <vector>

#include "laws/rng.h"

namespace mixrun {

class DirichletSampler {
 public:
  explicit DirichletSampler(Rng rng) : rng_(rng) {}

  // One draw of Dirichlet(alpha) into out[0..alpha.size()); entries with alpha 0 are 0.
  void Draw(const std::vector<double>& alpha, double* out);

  // log of a Gamma(shape, 1) deviate. Marsaglia–Tsang (with its squeeze) for shape ≥ 1; below 1
  // the boost Gamma(a) = Gamma(a + 1)·U^(1/a) taken in logs, because RegMix's priors give shapes
  // near 0.002 whose deviates underflow to 0 in linear scale.
  double LogGamma(double shape);

 private:
  double Normal();  // Box–Muller, both deviates of a pair used
  Rng rng_;
  bool has_spare_ = false;
  double spare_ = 0;
};

}  // namespace mixrun
