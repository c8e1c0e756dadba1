// The two-step downstream-task law (Gadre et al. 2024; OLMo's model ladder, Bhagia et al. 2024):
// step 1, a loss law in N and D (chinchilla or overtrain) fitted on --metric; step 2, the task
// metric from the loss through a link fitted on the runs' observed losses — Gadre's exponential
// y = ε − k·e^(−γL), or the ladder's sigmoid y = a/(1 + e^(−k(L − L₀))) + b. The target y is the
// mean of the --task-metric values of a run (accuracies), or 1 − that mean (the error) with
// --task-error. A prediction chains both steps: y(L̂(N, D)); the bootstrap and the folds refit
// both steps on the same resample, so both intervals carry the uncertainty of each.
#pragma once

#include <string>
#include <vector>

#include "common/run_point.h"
#include "common/status.h"
#include "fit/law_entry.h"

namespace mixrun {

// Gadre's link. Parameters: ε, k, γ. Feature: L. The sign of k is free: an accuracy rises as the
// loss falls (k < 0), an error falls (k > 0).
struct ExpLinkFunctor {
  template <typename T>
  T operator()(const T* p, const double* features) const {
    using std::exp;
    return p[0] - p[1] * exp(-p[2] * features[0]);
  }
};

// The ladder's link. Parameters: a, k, L₀, b. Feature: L.
struct SigmoidLinkFunctor {
  template <typename T>
  T operator()(const T* p, const double* features) const {
    using std::exp;
    return p[0] / (1.0 + exp(-p[1] * (features[0] - p[2]))) + p[3];
  }
};

// The target of a run: the mean of the task metrics (1 − the mean with task_error); errors name
// the run and the missing or non-finite metric.
Result<double> TaskTarget(const RunPoint& run, const std::vector<std::string>& task_metrics,
                          bool task_error);

// The catalog's row: task.
const LawEntry& TaskLaw();

}  // namespace mixrun
