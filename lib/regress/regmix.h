// RegMix (Liu et al. 2024): a regression from mixture weights to a target loss, trained on many
// small runs and used to rank candidate mixtures. Models: linear, loglinear (linear on log loss),
// gbdt (xgboost; depth and rounds chosen by k-fold CV on the training runs only).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "common/run_point.h"
#include "common/status.h"
#include "laws/fit_types.h"

namespace mixrun {

// Fits request.model on `train` (features: normalised weights over the sorted union of the
// training runs' domains; target: request.metric); `test` may be empty.
Result<FitReport> FitRegmixLaw(const FitRequest& request, const std::vector<RunPoint>& train,
                               const std::vector<RunPoint>& test);

// The fitted regression from fits.options_json and FitReport::state.
Result<std::unique_ptr<FittedLaw>> LoadRegmixLaw(const nlohmann::json& options,
                                                 const nlohmann::json& state);

}  // namespace mixrun
