// The laws fitted by the Ceres engine — chinchilla, power, mixing — behind one call each to fit
// and to load back. regress/all_laws.h adds regmix and is what the command line calls.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/run_point.h"
#include "common/status.h"
#include "laws/fit_types.h"

namespace mixrun {

// True for chinchilla, power and mixing.
bool IsParametricLaw(const std::string& law);

// Validates the request and the runs (errors as InvalidInput), then fits; `test` may be empty.
Result<FitReport> FitParametricLaw(const FitRequest& request, const std::vector<RunPoint>& train,
                                   const std::vector<RunPoint>& test);

// A stored fit (fits.options_json, fits.params_json) brought back to predict.
Result<std::unique_ptr<FittedLaw>> LoadParametricFit(const std::string& law,
                                                     const nlohmann::json& options,
                                                     const nlohmann::json& params);

// Checks shared by every law: threads, bootstrap, kfold in range.
Status CheckCommonRequest(const FitRequest& request, size_t train_runs);

}  // namespace mixrun
