// RegMix's way to choose a mixture (Liu et al. 2024): draw candidates from Dirichlet(strength ·
// prior) within the bounds, predict each, and average the top k. Works for any model (gbdt too).
// Seeded; the answer is the same for every thread count.
#pragma once

#include <cstdint>
#include <vector>

#include "common/status.h"
#include "mixture/dirichlet.h"
#include "optimize/constraints.h"
#include "optimize/objective.h"

namespace mixrun {

struct SimulateOptions {
  int64_t samples = 100000;  // candidates within the bounds to rank
  int top_k = 128;           // best candidates averaged
  double strength = 1;       // Dirichlet concentration = strength · prior (RegMix's notebook: 1)
  uint64_t seed = 42;
  // Draws stop after samples × max_draw_factor (rejections included); fewer than top_k
  // candidates within the bounds by then is InvalidInput.
  int64_t max_draw_factor = 100;
};

struct SimulateResult {
  std::vector<double> mixture;  // mean of the top-k candidates (inside the bounds: they are convex)
  int64_t drawn = 0;            // Dirichlet draws made
  int64_t accepted = 0;         // within the bounds, ranked
  int top_k = 0;                // candidates averaged (≤ options.top_k when few were accepted)
  double best_objective = 0;    // the best single candidate's objective
  std::vector<double> top_spread;  // per domain: standard deviation over the top k
};

// Dirichlet(strength · prior) over the domains the bounds leave free, mapped into the box:
// w = lo + (1 − Σ lo)·d, so lower bounds hold by construction and upper ones by rejection
// (DrawBoundedDirichlet). `pinned` when the bounds leave nothing to draw (w = lo).
struct BoundedDirichlet {
  std::vector<double> alpha;  // 0 for a domain whose bounds pin it
  DirichletBox box;
  bool pinned = false;
};
BoundedDirichlet MakeBoundedDirichlet(const Constraints& constraints,
                                      const std::vector<double>& prior, double strength);

// `prior` in the objective's domain order (positive shares). Lower bounds hold by construction
// (w = lo + (1 − Σ lo)·d, d a draw over the free domains), upper bounds by rejection.
Result<SimulateResult> Simulate(const Objective& objective, const Constraints& constraints,
                                const std::vector<double>& prior, const SimulateOptions& options);

}  // namespace mixrun
