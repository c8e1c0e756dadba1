// The catalog of laws: one row per law (fit/law_entry.h) — name, family, what it reads of a run,
// how it is fitted and loaded. fit-law, report, recommend and --predict find every law here;
// adding a law is one functor or estimator plus one row.
#pragma once

#include <string>
#include <vector>

#include "common/run_point.h"
#include "common/status.h"
#include "fit/fit_report.h"
#include "fit/fit_request.h"
#include "fit/fitted_law.h"
#include "fit/law_entry.h"

namespace mixrun {

// Every law, in the order --help lists them.
const std::vector<const LawEntry*>& LawCatalog();

// The row of `law`; NotFound-style InvalidInput naming the known laws otherwise.
Result<const LawEntry*> FindLaw(const std::string& law);

// Fits request.law to `train`; `test` (may be empty) gives held-out accuracy and coverage.
// Bad requests or data are InvalidInput naming the fault; a fit that cannot converge is Failed.
Result<FitReport> FitLaw(const FitRequest& request, const std::vector<RunPoint>& train,
                         const std::vector<RunPoint>& test);

// What the key "x" of a --predict point names for a fit of `request`: the power law's variable
// (n, d, c, m, step), or the metric loss2loss predicts from.
std::string PredictionVariable(const FitRequest& request);

// A stored fit: `options` is fits.options_json, `params` fits.params_json (FitReport::ParamsJson).
Result<std::unique_ptr<FittedLaw>> LoadFit(const std::string& law, const nlohmann::json& options,
                                           const nlohmann::json& params);

}  // namespace mixrun
