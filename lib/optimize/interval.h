// A mixture's predicted loss under one or more fits, with both kinds of interval
// (fit/calibration.h): the mean interval (bootstrap refits: where the law's expected loss lies) and
// the prediction interval (calibrated: where one new run's loss will lie). With several fits, each
// fit's half-widths are combined in quadrature (weighted), treating the fits' errors as
// independent.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/run_point.h"
#include "common/status.h"
#include "fit/calibration.h"
#include "optimize/loaded_fit.h"

namespace mixrun {

struct PredictionInterval {
  double prediction = 0;     // Σ weight · prediction of every fit
  double low = 0, high = 0;  // the 95% prediction interval
  std::string source;        // how it was made, e.g. "cv-conformal, 10 folds, q 2.1 × σ 0.012"
  std::optional<Interval> mean;  // the 95% mean interval; absent without bootstrap refits
  std::string mean_source;       // e.g. "bootstrap (1000 refits)", or why there is none

  Interval prediction_interval() const { return {low, high}; }
};

// The mixture's prediction; mixture-and-scale fits predict it at `scale`.
Result<PredictionInterval> PredictWithInterval(const std::vector<LoadedFit>& fits,
                                               const Mixture& mixture,
                                               const std::optional<ModelScale>& scale = {});

}  // namespace mixrun
