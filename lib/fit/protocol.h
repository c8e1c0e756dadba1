// RunFitProtocol: the one way every law is fitted —
//   1. the full fit on the training rows (Estimator::Fit), in-sample accuracy;
//   2. optional bootstrap: refits on resampled rows → parameter SEs and percentile intervals, and
//      the refits' spread at each point (the mean interval);
//   3. cross-validation over folds that keep a configuration's rows together: the calibration of
//      the prediction interval (fit/calibration.h) and, when asked, k-fold accuracy with coverage;
//   4. a held-out test set: accuracy and the coverage of both intervals;
//   5. stats and the state a stored fit predicts from.
// Deterministic for a seed, whatever the thread count.
#pragma once

#include "fit/estimator.h"
#include "fit/fit_report.h"
#include "fit/fit_request.h"

namespace mixrun {

// Fills every field of the report except law and options; `test` may have no rows.
Result<FitReport> RunFitProtocol(Estimator& estimator, const FitRows& train, const FitRows& test,
                                 const FitRequest& request);

}  // namespace mixrun
