// The joint mixture-and-scale laws of Shukor et al. (2025) as the engine fits them: each form is a
// tiny templated functor of (parameters, log mixture) giving M(h), log A(h) and log B(h); the law
// of one row is L(h, N, D) = E + M(h) + exp(log A(h) − α·n) + exp(log B(h) − β·d), with n, d the
// centred log N, log D. MixscaleFunctor is that law per row (for JetLawModel and prediction);
// mixscale_cost.h fits the same objective at the cost of one form evaluation per mixture.
#pragma once

#include <ceres/jet.h>

#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "laws/law_model.h"

namespace mixrun {

inline constexpr int kMaxMixscaleDomains = 16;

// Features of one row in the engine: log h_1 … log h_k (−inf for a domain the run leaves out),
// h_1 … h_k, then n = log N − log N₀ and d = log D − log D₀, centred on the training runs' means
// (N₀, D₀ are kept with the fit): a − α·log N would tie a to α, and the fit would crawl along
// that ridge. The mixture's features (the first 2k) are what a form reads.
inline constexpr int MixscaleFeatures(int domains) { return 2 * domains + 2; }

// log Σ_j C_j·h_j^γ_j = log Σ_j exp(c_j + γ_j·log(k·h_j)) over the domains present, with h
// measured against the uniform mixture 1/k so that c_j and γ_j are not tied together. The largest
// term factors out, so no exp overflows.
template <int K, typename T>
T LogMixtureSum(const T* c, const T* gamma, const double* log_h) {
  using std::exp;
  using std::log1p;
  const double log_k = std::log(static_cast<double>(K));
  T terms[K];
  int largest = -1;
  for (int j = 0; j < K; ++j) {
    if (!std::isfinite(log_h[j])) continue;
    terms[j] = c[j] + gamma[j] * (log_h[j] + log_k);
    if (largest < 0 || terms[j] > terms[largest]) largest = j;
  }
  if (largest < 0) return T(-std::numeric_limits<double>::infinity());
  T sum(0.0);
  for (int j = 0; j < K; ++j) {
    // A term that underflows adds nothing, and its derivative (0·∞ for γ_j = ∞) must not either.
    if (!std::isfinite(log_h[j]) || j == largest || terms[j] - terms[largest] < -700.0) continue;
    sum += exp(terms[j] - terms[largest]);
  }
  return terms[largest] + log1p(sum);
}

// The log of the h-weighted power mean of exp(τ): (1/λ)·log Σ_j h_j·exp(λ·τ_j) over the domains
// present, τ of the last domain 0, from `shifted` = expm1(λ·τ_j). At λ → 0 it tends to
// Σ_j h_j·τ_j; below |λ| = 1e-6 its Taylor series (mean + λ/2·variance + λ²/6·third moment)
// gives the value and the derivatives there.
template <int K, typename T>
T LogPowerMean(const T& lambda, const T* tau, const T* shifted, const double* h) {
  using std::log1p;
  if (lambda >= 1e-6 || lambda <= -1e-6) {
    T sum(0.0);
    for (int j = 0; j + 1 < K; ++j) {
      if (h[j] > 0) sum += h[j] * shifted[j];
    }
    return log1p(sum) / lambda;
  }
  T mean(0.0), second(0.0), third(0.0);
  for (int j = 0; j + 1 < K; ++j) {
    if (!(h[j] > 0)) continue;
    mean += h[j] * tau[j];
    second += h[j] * tau[j] * tau[j];
    third += h[j] * tau[j] * tau[j] * tau[j];
  }
  const T variance = second - mean * mean;
  const T skew = third - 3.0 * mean * second + 2.0 * mean * mean * mean;
  return mean + lambda / 2.0 * variance + lambda * lambda / 6.0 * skew;
}

// A form is the law's mixture dependence in three blocks of parameters, laid out
//   e | mixture block (M) | scale block of A | scale block of B | α | β.
// Each block goes through two steps: Prepare (what depends on the parameters only: the exps of
// γ, of λ·τ) and then, per mixture, M(h) = Mixture(prepared, mixture features) and
// log A(h) = LogScale(prepared A block, mixture features), B alike. A block reads only its own
// parameters, and its preparation is done once for all mixtures: mixscale_cost.h relies on both.
template <int K, int ScaleSize, int ScalePrepared>
struct MixscaleLayout {
  static constexpr int kDomains = K;
  static constexpr int kMixtureBegin = 1, kMixtureSize = 2 * K;
  static constexpr int kScaleSize = ScaleSize, kScalePrepared = ScalePrepared;
  static constexpr int kABegin = 1 + 2 * K, kBBegin = kABegin + ScaleSize;
  static constexpr int kAlpha = kBBegin + ScaleSize, kBeta = kAlpha + 1;
  static constexpr int kParams = kBeta + 1;

  // c_1…c_k, g_1…g_k → c_1…c_k, γ_1…γ_k with γ_j = exp g_j > 0: a domain's weight never raises
  // the loss, and h_j → 0 is continuous.
  template <typename T>
  static void PrepareMixture(const T* block, T* prepared) {
    using std::exp;
    for (int j = 0; j < K; ++j) {
      prepared[j] = block[j];
      prepared[K + j] = exp(block[K + j]);
    }
  }
  // M(h) = 1/(Σ_j C_j h_j^γ_j), C_j = exp(c_j + γ_j·log k).
  template <typename T>
  static T Mixture(const T* prepared, const double* mixture) {
    using std::exp;
    return exp(-LogMixtureSum<K>(prepared, prepared + K, mixture));
  }
};

// additive (Shukor et al. 2025): L = E + 1/(Σ_j C_j h_j^γ_j) + A/N^α + B/D^β, with
// E = exp e, A = exp(a + α·log N₀), B = exp(b + β·log D₀). Scale blocks: (a), (b).
template <int K>
struct MixscaleAdditiveForm : MixscaleLayout<K, 1, 1> {
  template <typename T>
  static void PrepareScale(const T* block, T* prepared) {
    prepared[0] = block[0];
  }
  template <typename T>
  static T LogScale(const T* prepared, const double*) {
    return prepared[0];
  }
};

// joint (Shukor et al. 2025): A and B depend on the mixture, A(h) = (Σ_j C^A_j h_j)^γA and
// B(h) = (Σ_j C^B_j h_j)^γB. Fitted as log A(h) = a + (1/λA)·log Σ_j h_j·exp(λA·τA_j) with
// τA_k = 0 — the same law with γA = 1/λA and C^A_j = exp(λA·(a + α·log N₀ + τA_j)) — and B
// alike. Why: on real data the optimum often lies at γA → ∞ with the C^A_j merging (the limit
// A(h) = A·exp(Σ_j τA_j h_j)), and the paper's parameters then crawl along that valley for
// thousands of iterations; here the limit is the point λA = 0 and the fit converges. With
// λ = τ = 0 the joint law is the additive law. Scale blocks: (a, λA, τA_1…τA_{k−1}), B alike;
// prepared, they gain expm1(λ·τ_j).
template <int K>
struct MixscaleJointForm : MixscaleLayout<K, K + 1, 2 * K> {
  template <typename T>
  static void PrepareScale(const T* block, T* prepared) {
    using std::expm1;
    for (int j = 0; j < K + 1; ++j) prepared[j] = block[j];
    for (int j = 0; j + 1 < K; ++j) prepared[K + 1 + j] = expm1(block[1] * block[2 + j]);
  }
  template <typename T>
  static T LogScale(const T* prepared, const double* mixture) {
    return prepared[0] + LogPowerMean<K>(prepared[1], prepared + 2, prepared + K + 1, mixture + K);
  }
};

// The law of one row from a form: the functor JetLawModel and Predict use.
template <typename Form>
struct MixscaleFunctor {
  template <typename T>
  T operator()(const T* p, const double* features) const {
    using std::exp;
    constexpr int K = Form::kDomains;
    T mixture[Form::kMixtureSize], scale_a[Form::kScalePrepared], scale_b[Form::kScalePrepared];
    Form::PrepareMixture(p + Form::kMixtureBegin, mixture);
    Form::PrepareScale(p + Form::kABegin, scale_a);
    Form::PrepareScale(p + Form::kBBegin, scale_b);
    return exp(p[0]) + Form::Mixture(mixture, features) +
           exp(Form::LogScale(scale_a, features) - p[Form::kAlpha] * features[2 * K]) +
           exp(Form::LogScale(scale_b, features) - p[Form::kBeta] * features[2 * K + 1]);
  }
};

// Names of a form's parameters, in order. Unbounded: the positive quantities are exponentials,
// and bounds would cost Ceres a line search at every step that touches one.
std::vector<ParamSpec> MixscaleParamSpecs(bool joint, int domains);

// The model of a form over `domains` mixture domains (2 ≤ domains ≤ kMaxMixscaleDomains), else
// nullptr: the compressed cost of mixscale_cost.h, or with `per_row` the plain JetLawModel of
// MixscaleFunctor (the reference the tests hold it to).
std::unique_ptr<LawModel> NewMixscaleModel(bool joint, int domains, bool per_row = false);

}  // namespace mixrun
