// The fitting engine: fits any LawModel by Huber-robust least squares with Ceres, from many starts.
// Every start runs a few loose iterations; the best few are then polished with tight tolerances.
// Results depend only on the inputs (never on the number of threads or their scheduling).
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "laws/law_model.h"

namespace mixrun {

// The iteration cap of a tight solve unless a law asks for fewer.
inline constexpr int kTightIterations = 1000;

struct EngineOptions {
  double huber_delta = 1e-3;
  int loose_iterations = 10;  // per start, before choosing which starts to polish
  int polish_count = 10;      // how many of the best loose results are converged tightly
  int polish_iterations = kTightIterations;  // at most, per polished start
  int threads = 2;
};

struct EngineFit {
  std::vector<double> params;
  double objective = 0;  // Σ multiplicity·huber_δ(residual)
  // The polished candidates, best first (params of each); refits (k-fold) start from these.
  std::vector<std::vector<double>> candidates;
};

// Fits from every start; fails only when no start yields a finite objective.
Result<EngineFit> FitMultiStart(const LawModel& model, const Observations& observations,
                                const std::vector<std::vector<double>>& starts,
                                const EngineOptions& options);

// Converges tightly from one point (function tolerance 1e-15, gradient 1e-12), in at most
// `max_iterations`. Loose tolerances are a trap here: with a small δ most residuals sit in
// Huber's linear part, and a refit with default tolerances stops at its start, which collapses
// bootstrap standard errors.
struct RefitResult {
  std::vector<double> params;
  double objective = 0;
  bool usable = false;
};
RefitResult RefitTightly(const LawModel& model, const Observations& observations,
                         const std::vector<double>& start, double huber_delta,
                         int max_iterations = kTightIterations);

// One warning per parameter that ended on one of its bounds: the optimum lies beyond what the
// law allows there, so that parameter's value and interval mean little ("PARAM is at its upper
// bound 2.16 (LAW)"). Empty when every parameter is inside.
std::vector<std::string> BoundWarnings(const LawModel& model, const std::vector<double>& params,
                                       const std::string& law);

// Σ multiplicity·huber_δ(prediction − y) at params.
double Objective(const LawModel& model, const Observations& observations,
                 const std::vector<double>& params, double huber_delta);

}  // namespace mixrun
