// Normal, gamma and Dirichlet variates by fixed algorithms on any 64-bit generator (a class with
// `uint64_t Next()`), so that a seed gives the same draws on every platform and standard library.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace mixrun {

// Uniform in the open interval (0, 1) with 53 random bits: never 0, so its log is finite.
template <typename Generator>
double OpenUniform(Generator& generator) {
  return (static_cast<double>(generator.Next() >> 11) + 0.5) * 0x1.0p-53;
}

// Standard normal by Marsaglia's polar method (only log and sqrt, both correctly rounded). One
// deviate of each pair is used, so a draw depends on no state cached between calls.
template <typename Generator>
double NormalVariate(Generator& generator) {
  double u, v, s;
  do {
    u = 2 * OpenUniform(generator) - 1;
    v = 2 * OpenUniform(generator) - 1;
    s = u * u + v * v;
  } while (s >= 1 || s == 0);
  return u * std::sqrt(-2 * std::log(s) / s);
}

// log of a Gamma(shape, 1) variate, shape > 0 (Marsaglia & Tsang 2000, with its squeeze; shapes
// below 1 via Gamma(a) = Gamma(a + 1)·U^(1/a)). In logs, because the tiny concentrations of rare
// domains (0.1 × 0.002) give deviates that underflow to 0 in plain doubles.
template <typename Generator>
double LogGammaVariate(Generator& generator, double shape) {
  if (shape < 1) {
    return LogGammaVariate(generator, shape + 1) + std::log(OpenUniform(generator)) / shape;
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9 * d);
  while (true) {
    double x, v;
    do {
      x = NormalVariate(generator);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const double u = OpenUniform(generator);
    if (u < 1 - 0.0331 * (x * x) * (x * x)) return std::log(d * v);
    if (std::log(u) < 0.5 * x * x + d * (1 - v + std::log(v))) return std::log(d * v);
  }
}

// One Dirichlet(alpha) draw into out[0 .. alpha.size()), normalised in log space (a softmax) so
// that tiny concentrations cannot make every component underflow; alpha_j = 0 gives weight 0.
template <typename Generator>
void DirichletVariate(Generator& generator, const std::vector<double>& alpha, double* out) {
  double top = -INFINITY;
  for (size_t j = 0; j < alpha.size(); ++j) {
    out[j] = alpha[j] > 0 ? LogGammaVariate(generator, alpha[j]) : -INFINITY;
    top = std::max(top, out[j]);
  }
  double total = 0;
  for (size_t j = 0; j < alpha.size(); ++j) {
    out[j] = std::exp(out[j] - top);
    total += out[j];
  }
  for (size_t j = 0; j < alpha.size(); ++j) out[j] /= total;
}

}  // namespace mixrun
