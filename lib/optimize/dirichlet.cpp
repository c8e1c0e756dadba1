#include "optimize/dirichlet.h"

#include <cmath>

namespace mixrun {

double DirichletSampler::Normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  const double u = 1.0 - rng_.Uniform();  // (0, 1]
  const double v = rng_.Uniform();
  const double radius = std::sqrt(-2.0 * std::log(u));
  spare_ = radius * std::sin(2.0 * M_PI * v);
  has_spare_ = true;
  return radius * std::cos(2.0 * M_PI * v);
}

double DirichletSampler::LogGamma(double shape) {
  if (shape < 1) {
    const double u = 1.0 - rng_.Uniform();
    return LogGamma(shape + 1) + std::log(u) / shape;
  }
  const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
  while (true) {
    double x, v;
    do {
      x = Normal();
      v = 1.0 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const double u = 1.0 - rng_.Uniform();
    const double x2 = x * x;
    // The squeeze accepts ~98% of proposals without a logarithm.
    if (u < 1.0 - 0.0331 * x2 * x2) return std::log(d * v);
    if (std::log(u) < 0.5 * x2 + d - d * v + d * std::log(v)) return std::log(d * v);
  }
}

void DirichletSampler::Draw(const std::vector<double>& alpha, double* out) {
  const size_t m = alpha.size();
  double top = -INFINITY;
  for (size_t j = 0; j < m; ++j) {
    out[j] = alpha[j] > 0 ? LogGamma(alpha[j]) : -INFINITY;
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
