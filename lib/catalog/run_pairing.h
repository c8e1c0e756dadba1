// Pairing the runs of two experiments by scale, for laws between two training sets (loss2loss
// train-to-train): a run pairs with the other experiment's runs of the same N and D (relative
// difference ≤ 1e-6), whose metric, averaged over those runs (seeds), it then carries under
// PairedMetricName(experiment, metric).
#pragma once

#include <string>
#include <vector>

#include "common/run_point.h"
#include "common/status.h"

namespace mixrun {

struct PairingSummary {
  size_t paired = 0;
  std::vector<std::string> unpaired;  // labels of the runs dropped for want of a partner
};

// Adds the paired metric to every run of `runs` that has a partner in `partners` and drops the
// others; fails when no run pairs. `partner_experiment` names the partners in the metric's name
// and in errors.
Result<PairingSummary> PairByScale(std::vector<RunPoint>& runs,
                                   const std::vector<RunPoint>& partners,
                                   const std::string& partner_experiment,
                                   const std::string& metric);

}  // namespace mixrun
