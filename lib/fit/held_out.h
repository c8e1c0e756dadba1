// Held-out accuracy of predictions already made (a stored fit's, on runs it never saw): how close
// the values came, and how often and how wide each kind of 95% interval held the measured value.
#pragma once

#include <vector>

#include "fit/calibration.h"
#include "fit/fit_stats.h"

namespace mixrun {

// Requires predictions.size() == observed.size(). The coverage and mean width of each kind of
// interval are over the predictions that have one; absent when none has (k stays 0).
HeldOut MeasureHeldOut(const std::vector<PointPrediction>& predictions,
                       const std::vector<double>& observed);

}  // namespace mixrun
