// The `optimize` method for smooth laws (mixing, linear, loglinear): multi-start spectral
// projected gradient (Birgin, Martínez & Raydan 2000) on the bounded simplex, keeping the best.
// Deterministic for a seed.
#pragma once

#include <cstdint>
#include <vector>

#include "common/status.h"
#include "optimize/constraints.h"
#include "optimize/objective.h"

namespace mixrun {

struct GradientSearchOptions {
  int random_starts = 12;  // Dirichlet(1) draws, besides the given anchors
  uint64_t seed = 42;
  int max_iterations = 3000;
  double tolerance = 1e-9;  // on the projected gradient step's largest coordinate
};

struct GradientSearchResult {
  std::vector<double> mixture;
  double objective = 0;
  int starts = 0;
  int converged = 0;        // starts that met the tolerance
  int iterations = 0;       // of the best start
  int agreeing_starts = 0;  // starts ending within 1e-4 (L1) of the best: a multi-modality hint
};

// Starts from every anchor (e.g. the prior, uniform, the best observed run: projected onto the
// bounds first) and from random_starts seeded draws.
Result<GradientSearchResult> GradientSearch(const Objective& objective,
                                            const Constraints& constraints,
                                            const std::vector<std::vector<double>>& anchors,
                                            const GradientSearchOptions& options);

}  // namespace mixrun
