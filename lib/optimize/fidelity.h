// Fidelity: at which proxy scale to train a suggested mixture, when the law predicts across scale
// (mixscale) and the decision is at a larger one (--at). Contract: a pure function of the
// bootstrap refits' predictions; the choice maximises the expected information about the
// decision's loss per FLOP, so a cheap small run is chosen exactly when it informs enough.
//
// Over the refits b, T_b is the mixture's predicted loss at the target scale and S_b at proxy
// scale s. One run at s measures S plus noise of SD σ (the fit's calibration). Treating (T, S)
// as jointly Gaussian over the ensemble, observing it shrinks Var(T) by
//   gain_s = Cov(T, S)² / (Var(S) + σ²),
// and the run costs 6·N·D FLOPs; the value is gain_s / cost_s (cost-aware value of information,
// as multi-fidelity Bayesian optimisation weighs its fidelities).
#pragma once

#include <string>
#include <vector>

#include "common/run_point.h"
#include "fit/fitted_law.h"

namespace mixrun {

struct FidelityOption {
  ModelScale scale;
  double cost = 0;       // 6·N·D FLOPs of one run
  double gain = 0;       // expected reduction of Var(T), loss²
  double explained = 0;  // gain / Var(T): the share of the target's variance one run removes
};

struct FidelityChoice {
  size_t chosen = 0;  // index into options
  std::vector<FidelityOption> options;
  double target_variance = 0;  // Var(T) over the refits
  std::string reason;
};

// target[b] and at_scale[s][b]: refit b's predictions; scales[s] the options; noise_sd σ.
// Ties (and an ensemble that does not vary) go to the cheaper scale.
FidelityChoice ChooseFidelity(const std::vector<double>& target,
                              const std::vector<std::vector<double>>& at_scale,
                              const std::vector<ModelScale>& scales, double noise_sd);

// The distinct (N, D) of runs that have both, smallest compute first.
std::vector<ModelScale> ScalesOfRuns(const std::vector<RunPoint>& runs);

// "N 124M, D 2.5B"
std::string ScaleText(const ModelScale& scale);

}  // namespace mixrun
