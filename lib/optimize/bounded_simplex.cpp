#include "optimize/bounded_simplex.h"

#include <algorithm>
#include <cmath>

namespace mixrun {

std::vector<double> ProjectOntoBoundedSimplex(const std::vector<double>& y,
                                              const std::vector<double>& lo,
                                              const std::vector<double>& hi,
                                              const std::vector<double>& scale) {
  const size_t m = y.size();
  auto s = [&](size_t j) { return scale.empty() ? 1.0 : scale[j]; };
  auto clipped_sum = [&](double tau) {
    double total = 0;
    for (size_t j = 0; j < m; ++j) total += std::clamp(y[j] - tau * s(j), lo[j], hi[j]);
    return total;
  };
  // The sum falls from Σ hi (τ ≤ min(y − hi)) to Σ lo (τ ≥ max(y − lo)) as τ grows; bisection on
  // that bracket to machine precision costs ~100·m operations, nothing next to one prediction.
  double low = INFINITY, high = -INFINITY;
  for (size_t j = 0; j < m; ++j) {
    low = std::min(low, (y[j] - hi[j]) / s(j));
    high = std::max(high, (y[j] - lo[j]) / s(j));
  }
  for (int iteration = 0; iteration < 200 && high - low > 0; ++iteration) {
    const double middle = 0.5 * (low + high);
    if (middle <= low || middle >= high) break;
    (clipped_sum(middle) > 1 ? low : high) = middle;
  }
  const double tau = 0.5 * (low + high);
  std::vector<double> w(m);
  double total = 0;
  double free = 0;
  for (size_t j = 0; j < m; ++j) {
    w[j] = std::clamp(y[j] - tau * s(j), lo[j], hi[j]);
    total += w[j];
    if (w[j] > lo[j] && w[j] < hi[j]) free += s(j);
  }
  // The last rounding error goes to the coordinates strictly inside their bounds, so that the
  // weights sum to 1 to the last bit a config's validation checks, and bounds stay exact.
  if (free > 0) {
    const double share = (1 - total) / free;
    for (size_t j = 0; j < m; ++j) {
      if (w[j] > lo[j] && w[j] < hi[j]) w[j] = std::clamp(w[j] + share * s(j), lo[j], hi[j]);
    }
  }
  return w;
}

}  // namespace mixrun
