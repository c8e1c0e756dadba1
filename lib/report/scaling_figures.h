// The figures of a law of model size N and tokens D (chinchilla): the loss along iso-FLOP curves
// (fixed compute C = 6ND, varying N) with each curve's optimum, and the compute-optimal frontier
// N_opt(C) with its band from the bootstrap refits. Contract: optima are searched on a log grid
// of N (refined by a parabola through the three best points), the same for the full fit and every
// refit; `runs` (the fit's training runs) set the compute range shown and appear as points.
#pragma once

#include <vector>

#include "catalog/stored_fit.h"
#include "common/run_point.h"
#include "common/status.h"
#include "report/figure.h"

namespace mixrun {

// Whether the fit's law predicts from N and D alone, so these figures apply.
bool ReadsModelAndTokens(const StoredFit& fit);

// "isoflop" and "compute_frontier"; none when the runs give no finite compute.
Result<std::vector<Figure>> ScalingFigures(const StoredFit& fit, const std::vector<RunPoint>& runs);

}  // namespace mixrun
