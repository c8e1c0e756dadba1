// The Chinchilla law L(N, D) = E + A/N^α + B/D^β, fitted as Hoffmann et al. (2022, approach 3) and
// Besiroglu et al. (2024): log L̂ = LSE(a − α·log N, b − β·log D, e) with A = eᵃ, B = eᵇ, E = eᵉ.
#pragma once

#include <ceres/jet.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/run_point.h"
#include "common/status.h"
#include "laws/curve_law.h"
#include "laws/law_model.h"

namespace mixrun {

// log(exp(x) + exp(y) + exp(z)) without overflow; works for doubles and Jets. The largest term
// factors out exactly, which saves one of the three exps (they dominate the cost of a fit).
template <typename T>
T LogSumExp3(const T& x, const T& y, const T& z) {
  using std::exp;
  using std::log1p;
  if (x >= y && x >= z) return x + log1p(exp(y - x) + exp(z - x));
  if (y >= z) return y + log1p(exp(x - y) + exp(z - y));
  return z + log1p(exp(x - z) + exp(y - z));
}

// Parameters in fitting order: a, b, e, alpha, beta. Features: log N, log D. Prediction: log L.
struct ChinchillaFunctor {
  template <typename T>
  T operator()(const T* p, const double* features) const {
    return LogSumExp3<T>(p[0] - p[3] * features[0], p[1] - p[4] * features[1], p[2]);
  }
};

inline constexpr int kChinchillaParams = 5;
inline constexpr double kChinchillaHuberDelta = 1e-3;

std::unique_ptr<LawModel> NewChinchillaModel();

// Hoffmann's grid: α, β ∈ {0, 0.5, …, 2}, e ∈ {−1, −0.5, …, 1}, a, b ∈ {0, 5, …, 25}: 4500 starts.
std::vector<std::vector<double>> ChinchillaStarts();

// A, B, E, alpha, beta from the fitting parameters (a, b, e, alpha, beta).
std::map<std::string, double> ChinchillaParams(const std::vector<double>& fit);

// The compute-optimal allocation for C = 6ND: N_opt = G·(C/6)^(β/(α+β)), D_opt = (C/6)/N_opt,
// G = (αA/(βB))^(1/(α+β)). Returns N_opt, D_opt, tokens_per_param, and the exponents
// n_opt_exponent = β/(α+β), d_opt_exponent = α/(α+β); the first three only when compute > 0.
std::map<std::string, double> ChinchillaDerived(const std::vector<double>& fit, double compute);

// The law as the curve pipeline fits it (δ from the request or 1e-3; compute from the request).
// Rows: features log N, log D of each run (D = C/(6N) when only C is known), y the metric.
std::shared_ptr<const CurveLawSpec> ChinchillaSpec(const FitRequest& request);

// The catalog's row: chinchilla.
const LawEntry& ChinchillaLaw();

}  // namespace mixrun
