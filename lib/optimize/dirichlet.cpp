#include "optimize/dirichlet.h"

#include <cmath>

namespace mixrun {
namespace {

// Standard normal by Box–Muller (one of the pair; the generator is cheap).
double Normal(Rng& rng) {
  const double u = 1.0 - rng.Uniform();  // (0, 1]
  const double v = rng.Uniform();
  return std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * M_PI * v);
}

}  // namespace

double LogGamma(Rng& rng, double shape) {
  if (shape < 1) {
    const double u = 1.0 - rng.Uniform();
    return LogGamma(rng, shape + 1) + std::log(u) / shape;
  }
  const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
  while (true) {
    double x, v;
    do {
      x = Normal(rng);
      v = 1.0 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const double u = 1.0 - rng.Uniform();
    if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) return std::log(d * v);
  }
}

void DrawDirichlet(Rng& rng, const std::vector<double>& alpha, double* out) {
  const size_t m = alpha.size();
  double top = -INFINITY;
  for (size_t j = 0; j < m; ++j) {
    out[j] = alpha[j] > 0 ? LogGamma(rng, alpha[j]) : -INFINITY;
    top = std::max(top, out[j]);
  }
  // Normalise in logs (a softmax), so that the largest deviate sets the scale.
  double total = 0;
  for (size_t j = 0; j < m; ++j) {
    out[j] = std::isfinite(out[j]) ? std::exp(out[j] - top) : 0.0;
    total += out[j];
  }
  for (size_t j = 0; j < m; ++j) out[j] /= total;
}

}  // namespace mixrun
