// The 95% interval of a mixture's predicted loss: percentiles of the bootstrap refits'
// predictions when the fits have them, else ±1.96 × the stored held-out RMSE (test set, k-fold,
// or gbdt's CV), else ±1.96 × the in-sample RMSE — with the source named.
#pragma once

#include <string>
#include <vector>

#include "common/run_point.h"
#include "common/status.h"
#include "optimize/loaded_fit.h"

namespace mixrun {

struct PredictionInterval {
  double prediction = 0;  // Σ weight · prediction of every fit
  double low = 0, high = 0;
  std::string source;  // e.g. "bootstrap (1000 refits)", "±1.96 × held-out RMSE (test, n 64)"
};

// With several fits, each fit's half-widths are combined in quadrature (weighted), treating the
// fits' errors as independent.
Result<PredictionInterval> PredictWithInterval(const std::vector<LoadedFit>& fits,
                                               const Mixture& mixture);

}  // namespace mixrun
