// Seeded Dirichlet draws on mixrun's SplitMix generator (common/random.h), identical on every platform
// (std:: distributions differ between standard libraries; recommendations must not).
#pragma once

#include <cstdint>
#include <vector>

#include "common/random_variates.h"
#include "common/random.h"

namespace mixrun {

class DirichletSampler {
 public:
  explicit DirichletSampler(Rng rng) : rng_(rng) {}

  // One draw of Dirichlet(alpha) into out[0..alpha.size()); entries with alpha 0 are 0.
  void Draw(const std::vector<double>& alpha, double* out) { DirichletVariate(rng_, alpha, out); }

 private:
  Rng rng_;
};

}  // namespace mixrun
