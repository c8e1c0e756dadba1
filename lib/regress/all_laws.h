// The one entry point for every law — chinchilla, power, mixing (laws/) and regmix (here): fit runs
// into a FitReport, and bring a stored fit back as a FittedLaw. The command line calls only these.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/run_point.h"
#include "common/status.h"
#include "laws/fit_types.h"

namespace mixrun {

// chinchilla, power, mixing, regmix.
const std::vector<std::string>& KnownLaws();

// Fits request.law to `train`; `test` (may be empty) gives held-out accuracy in stats.test.
// Bad requests or data are InvalidInput naming the fault; a fit that cannot converge is Failed.
Result<FitReport> FitLaw(const FitRequest& request, const std::vector<RunPoint>& train,
                         const std::vector<RunPoint>& test);

// A stored fit: `options` is fits.options_json, `params` fits.params_json (FitReport::ParamsJson).
Result<std::unique_ptr<FittedLaw>> LoadFit(const std::string& law, const nlohmann::json& options,
                                           const nlohmann::json& params);

}  // namespace mixrun
