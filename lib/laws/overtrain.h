// The over-training law of Gadre et al. (2024): L(C, M) = E + (a·M^η + b·M^(−η))·C^(−η), with
// C = 6ND the compute and M = D/N the tokens per parameter — Chinchilla with equal exponents,
// written in the variables an over-trained run is planned in. Fitted like Chinchilla on log loss:
// log L̂ = LSE(a' + η·log M − η·log C, b' − η·log M − η·log C, e) with a = eᵃ', b = eᵇ', E = eᵉ.
#pragma once

#include <map>
#include <memory>
#include <vector>

#include "common/run_point.h"
#include "common/status.h"
#include "laws/chinchilla.h"
#include "laws/curve_law.h"

namespace mixrun {

// Parameters in fitting order: a', b', e, eta. Features: log C, log M. Prediction: log L.
struct OvertrainFunctor {
  template <typename T>
  T operator()(const T* p, const double* features) const {
    const double log_c = features[0], log_m = features[1];
    return LogSumExp3<T>(p[0] + p[3] * (log_m - log_c), p[1] - p[3] * (log_m + log_c), p[2]);
  }
};

inline constexpr int kOvertrainParams = 4;

// The features of a run: log C and log M from its N and D (D = C/(6N) when only C is known).
Result<std::vector<double>> OvertrainFeatures(const RunPoint& run);

// a, b, E, eta from the fitting parameters.
std::map<std::string, double> OvertrainParams(const std::vector<double>& fit);

// The loss-optimal tokens per parameter at any fixed compute, M* = (b/a)^(1/(2η)) (the law's
// minimum over M), and the Chinchilla exponents it implies (α = β = 2η, since N, D ∝ √C at fixed
// M).
std::map<std::string, double> OvertrainDerived(const std::vector<double>& fit);

// The law as the curve pipeline fits it (δ from the request or 1e-3) on `metric`.
std::shared_ptr<const CurveLawSpec> OvertrainSpec(const FitRequest& request);

// The catalog's row: overtrain.
const LawEntry& OvertrainLaw();

}  // namespace mixrun
