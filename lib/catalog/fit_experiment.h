// Fitting an experiment of the store: its finished runs (and a test experiment's), the law's
// defaults from the experiment's config, Epoch's drop of the highest losses, the fit, and the
// stored result — what `mixrun fit-law` does, as one call.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/run_point.h"
#include "common/status.h"
#include "fit/fit_report.h"
#include "fit/fit_request.h"
#include "store/store.h"

namespace mixrun {

struct ExperimentFit {
  int64_t fit_id = 0;
  FitRequest request;  // with the law's defaults filled in
  FitReport report;
  size_t test_runs = 0;
};

// request.experiment must name an experiment with finished runs.
Result<ExperimentFit> FitExperiment(Store& store, FitRequest request);

// Removes the `count` runs with the highest value of `metric` (Epoch's protocol drops 5); the
// rest stay in run-id order.
void DropHighest(std::vector<RunPoint>& runs, const std::string& metric, int count);

}  // namespace mixrun
