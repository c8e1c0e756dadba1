// The power law L(x) = E + A/x^α in one scaling variable x: model size N, tokens D, compute C,
// tokens per parameter M = D/N, or
// training step (then it fits every point of the runs' metric histories: a per-run law for one
// run). Fitted like Chinchilla on log loss: log L̂ = LSE(a − α·log x, e), A = eᵃ, E = eᵉ.
#pragma once

#include <string>
#include <vector>

#include "common/run_point.h"
#include "common/status.h"
#include "laws/curve_law.h"

namespace mixrun {

// Parameters in fitting order: a, e, alpha. Feature: log x. Prediction: log L.
struct PowerFunctor {
  template <typename T>
  T operator()(const T* p, const double* features) const {
    using std::exp;
    using std::log1p;
    const T scaled = p[0] - p[2] * features[0];
    // LSE of two terms: the larger factors out.
    if (scaled >= p[1]) return scaled + log1p(exp(p[1] - scaled));
    return p[1] + log1p(exp(scaled - p[1]));
  }
};

inline constexpr int kPowerParams = 3;

// Fails for an x other than n, d, c, m, step. Rows: feature log x, y the metric; for x = step one
// row per history sample (step > 0) of every run. `min_points`: CurveLawSpec's (0: P + 1).
Result<std::shared_ptr<const CurveLawSpec>> PowerSpec(const FitRequest& request,
                                                      size_t min_points = 0);

// The catalog's row: power.
const LawEntry& PowerLaw();

}  // namespace mixrun
