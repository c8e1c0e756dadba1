// A fit made in memory and brought back the way a stored fit comes back (catalog's LoadFit), so
// that recommend, suggest and study take it as they take fits from the store; for simulated
// backends and harnesses that keep no store.
#pragma once

#include <cstdint>
#include <vector>

#include "catalog/catalog.h"
#include "common/run_point.h"
#include "common/status.h"
#include "fit/fit_report.h"
#include "fit/fit_request.h"
#include "optimize/loaded_fit.h"

namespace mixrun::testing {

// `report` as a LoadedFit numbered `id` (its request read back from report.options).
inline Result<LoadedFit> LoadedFitFrom(const FitReport& report, int64_t id = 0) {
  LoadedFit fit;
  fit.id = id;
  fit.law = report.law;
  fit.options = report.options;
  MIXRUN_ASSIGN_OR_RETURN(fit.request, FitRequest::FromJson(report.options));
  fit.stats = report.stats;
  MIXRUN_ASSIGN_OR_RETURN(fit.fitted, LoadFit(report.law, report.options, report.ParamsJson()));
  return fit;
}

// Fits `request` to `runs` and loads the result as fit `id`.
inline Result<LoadedFit> FitInMemory(const FitRequest& request, const std::vector<RunPoint>& runs,
                                     int64_t id = 0) {
  MIXRUN_ASSIGN_OR_RETURN(FitReport report, FitLaw(request, runs, {}));
  return LoadedFitFrom(report, id);
}

}  // namespace mixrun::testing
