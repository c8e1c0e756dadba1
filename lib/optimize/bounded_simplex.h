// The set recommend searches: mixtures on the simplex (Σ w = 1) with per-domain bounds
// lo ≤ w ≤ hi. Euclidean projection onto it, for the gradient search and for starting points.
#pragma once

#include <vector>

namespace mixrun {

// Projects y (m values) onto {w : lo ≤ w ≤ hi, Σ w = 1}; the set must be non-empty
// (Σ lo ≤ 1 ≤ Σ hi, lo ≤ hi). The answer is w_j = clip(y_j − τ·scale_j, lo_j, hi_j) for the one τ
// that makes the weights sum to 1: the projection in the metric diag(1/scale) (empty scale: the
// Euclidean one).
std::vector<double> ProjectOntoBoundedSimplex(const std::vector<double>& y,
                                              const std::vector<double>& lo,
                                              const std::vector<double>& hi,
                                              const std::vector<double>& scale = {});

}  // namespace mixrun
