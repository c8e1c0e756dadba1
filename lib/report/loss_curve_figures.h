// Loss curves: each run's history of one eval metric over the tokens it had seen (the step when
// no run knows its tokens), one line per run, coloured by its weight of the domain with the
// largest mean weight among the runs (by the run's index when the runs have no mixture).
// Contract: runs with fewer than two points of the metric are left out; no figure when none has.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/run_point.h"
#include "report/figure.h"

namespace mixrun {

// The metrics worth a curve among the runs' histories: eval/target/loss first, then each
// eval/<domain>/loss, in name order.
std::vector<std::string> LossCurveMetrics(const std::vector<RunPoint>& runs);

// The figure "loss_curves_<metric as a file stem>" of `metric` over `runs` (with its history
// loaded), or nullopt when no run has two points of it.
std::optional<Figure> LossCurveFigure(const std::vector<RunPoint>& runs, const std::string& metric,
                                      const std::string& experiment);

}  // namespace mixrun
