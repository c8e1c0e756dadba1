// Bounded Dirichlet sampling, as RegMix's design and simulate-and-rank both draw: a Dirichlet
// draw placed in a box of per-domain bounds, rejected when it leaves it. Seeded through the
// caller's generator (common/random.h), so a seed gives the same mixtures everywhere.
#pragma once

#include <algorithm>
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

// Places a draw d of m weights in `box`, in place; false when it falls outside (then `w` holds no
// mixture).
inline bool PlaceInBox(const DirichletBox& box, size_t m, double* w) {
  for (size_t j = 0; j < m; ++j) {
    if (!box.lo.empty()) w[j] = box.lo[j] + box.mass * w[j];
    if (!(w[j] <= box.hi[j] + box.tolerance)) return false;
  }
  return true;
}

// Draws Dirichlet(alpha) into out[0 .. alpha.size()) and places it in `box`; false when the draw
// falls outside (then `out` holds no mixture).
template <typename Generator>
bool DrawBoundedDirichlet(Generator& generator, const std::vector<double>& alpha,
                          const DirichletBox& box, double* out) {
  DirichletVariate(generator, alpha, out);
  return PlaceInBox(box, alpha.size(), out);
}

// `draws` Dirichlet(alpha) draws at once (DirichletRows: the fast stream, for simulate), placed
// in `box`; those inside are kept in draw order at the front of `out` (draws × alpha.size()
// values). Returns how many were kept.
inline size_t DrawBoundedDirichletRows(Rng& rng, const std::vector<double>& alpha,
                                       const DirichletBox& box, size_t draws, double* out) {
  const size_t m = alpha.size();
  DirichletRows(rng, alpha, draws, out);
  size_t kept = 0;
  for (size_t r = 0; r < draws; ++r) {
    double* row = out + r * m;
    if (!PlaceInBox(box, m, row)) continue;
    if (kept != r) std::copy(row, row + m, out + kept * m);
    ++kept;
  }
  return kept;
}

}  // namespace mixrun
