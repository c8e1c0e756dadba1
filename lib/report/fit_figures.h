// The figures of a stored fit against measured runs: predicted against actual, and the residuals,
// with each run's 95% prediction interval (where one new run's value will lie) and the fit's
// training runs marked apart from held-out runs. Contract: runs lacking the fit's target, or that
// the law cannot predict, are left out and counted in the caption (with the first one's reason).
#pragma once

#include <string>
#include <vector>

#include "catalog/stored_fit.h"
#include "common/run_point.h"
#include "common/status.h"
#include "report/figure.h"

namespace mixrun {

struct FitFigureRuns {
  std::vector<RunPoint> training;  // the runs the fit was fitted to
  std::vector<RunPoint> held_out;  // runs it did not see (e.g. a verification experiment)
  std::string held_out_name;       // the held-out runs' experiment, for the legend
};

// "predicted_vs_actual" and "residuals"; none when no run has the fit's target.
std::vector<Figure> FitAccuracyFigures(const StoredFit& fit, const FitFigureRuns& runs);

}  // namespace mixrun
