// Loss-to-loss prediction (Brandfonbrener et al. 2024): a shifted power law between two losses of
// the same models, L_B = K·(L_A − E_A)^κ + E_B. Train-to-test and test-to-test pair two metrics of
// one run (--from, --metric); train-to-train pairs a run with the run of another experiment at
// the same N and D (--from-experiment: catalog/fit_experiment.cpp copies that run's --from metric
// into the run under PairedMetricName). With offsets "scaling" (the paper's protocol) E_A and E_B
// are the irreducible losses E of each loss's own Chinchilla law on the same runs, refitted with
// every bootstrap resample and fold; with "free" all four are fitted. Huber on log L_B.
#pragma once

#include <string>
#include <vector>

#include "fit/law_entry.h"

namespace mixrun {

// log L̂_B = LSE(log K + κ·log(L_A − E_A), log E_B): the law in fitting space, for doubles and Jets
// (E_A may be a fitted parameter or a constant).
template <typename T, typename U>
T ShiftedPowerLog(const T& log_k, const T& kappa, const U& e_a, const T& log_e_b, double l_a) {
  using std::exp;
  using std::log;
  using std::log1p;
  const T scaled = log_k + kappa * log(l_a - e_a);
  if (scaled >= log_e_b) return scaled + log1p(exp(log_e_b - scaled));
  return log_e_b + log1p(exp(scaled - log_e_b));
}

// Every offset fitted. Parameters: log K, κ, E_A, log E_B. Feature: L_A.
struct Loss2LossFunctor {
  template <typename T>
  T operator()(const T* p, const double* features) const {
    return ShiftedPowerLog<T, T>(p[0], p[1], p[2], p[3], features[0]);
  }
};

// Offsets from the scaling laws, held fixed. Parameters: log K, κ. Features: L_A, E_A, log E_B.
struct Loss2LossFixedOffsetsFunctor {
  template <typename T>
  T operator()(const T* p, const double* features) const {
    return ShiftedPowerLog<T, double>(p[0], p[1], features[1], T(features[2]), features[0]);
  }
};

// The name under which a run carries the paired run's metric (train-to-train): "EXP:METRIC".
std::string PairedMetricName(const std::string& experiment, const std::string& metric);

// The metric loss2loss reads as L_A for `request` (--from, or its paired name).
std::string Loss2LossInput(const FitRequest& request);

// The catalog's row: loss2loss.
const LawEntry& Loss2LossLaw();

}  // namespace mixrun
