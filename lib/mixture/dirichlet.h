// Bounded Dirichlet sampling, as RegMix's design and simulate-and-rank both draw: a Dirichlet
// draw placed in a box of per-domain bounds, rejected when it leaves it. Seeded through the
// caller's generator (common/random.h), so a seed gives the same mixtures everywhere.
#pragma once

#include <cstddef>
#include <vector>

#include "common/random.h"

namespace mixrun {

// The box a draw d must fall in: w_j = lo_j + mass·d_j ≤ hi_j + tolerance. Lower bounds hold by
// construction (mass = 1 − Σ lo), upper bounds by rejection. Empty lo: w = d.
struct DirichletBox {
  std::vector<double> lo;
  double mass = 1;
  std::vector<double> hi;
  double tolerance = 0;
};

// Draws Dirichlet(alpha) into out[0 .. alpha.size()) and places it in `box`; false when the draw
// falls outside (then `out` holds no mixture).
template <typename Generator>
bool DrawBoundedDirichlet(Generator& generator, const std::vector<double>& alpha,
                          const DirichletBox& box, double* out) {
  DirichletVariate(generator, alpha, out);
  for (size_t j = 0; j < alpha.size(); ++j) {
    if (!box.lo.empty()) out[j] = box.lo[j] + box.mass * out[j];
    if (!(out[j] <= box.hi[j] + box.tolerance)) return false;
  }
  return true;
}

}  // namespace mixrun
