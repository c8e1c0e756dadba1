// RegMix's Dirichlet design (docs/ARCHITECTURE.md §6; Liu et al. 2024, mixture_config/synthesize_mixture.py):
// random mixtures around a prior, within availability bounds, on a min_weight grid, distinct.
#pragma once

#include <cstdint>
#include <vector>

#include "common/status.h"
#include "mixture/mixture.h"

namespace mixrun {

struct DirichletDesignOptions {
  WeightVector prior;  // the domains' shares before temperature, summing to 1
  int count = 0;       // mixtures returned
  double temperature = 1.0;
  double strength_min = 0.1, strength_max = 5.0;
  int strength_count = 15;   // strengths log-spaced in [strength_min, strength_max]
  double max_epochs = 15.0;  // upper bound per domain: min(max_epochs · prior, 1)
  double min_weight = 2e-4;  // weights below it become 0; the rest are multiples of it (0: off)
  int oversample = 100;      // candidates drawn per requested mixture
  uint64_t seed = 42;
};

// The procedure: bound_j = min(max_epochs · p_j, 1) from the untempered prior; p ← p^τ; then
// count × oversample times: pick a strength s uniformly among the log-spaced values, draw
// Dirichlet(s·p), reject it when a weight exceeds its bound, zero weights below min_weight,
// renormalise, round to the min_weight grid by largest remainders (so the sum stays exactly 1),
// and reject it if rounding pushed a weight over its bound. Accepted candidates are de-duplicated
// (L1 ≤ kDuplicateL1; the first drawn is kept) and `count` of them are sampled without
// replacement. RegMix draws all strengths and keeps one at random, the same distribution.
//
// min_weight must be 0 or 1/K for an integer K (checked here and by the config). Errors name the
// config key they concern ("/mixtures/count: ..."), without the file.
Result<std::vector<WeightVector>> DrawDirichletDesign(const DirichletDesignOptions& options);

}  // namespace mixrun
