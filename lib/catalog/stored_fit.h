// A fit as the store keeps it, brought back whole: its row, its request, its typed stats and the
// FittedLaw that predicts from it. LoadStoredFit is the one way every command reads a stored fit.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/run_point.h"
#include "common/status.h"
#include "fit/fit_report.h"
#include "fit/fit_request.h"
#include "fit/fit_stats.h"
#include "fit/fitted_law.h"
#include "store/store.h"

namespace mixrun {

struct StoredFit {
  int64_t id = 0;
  std::string law;
  std::optional<int64_t> experiment_id;
  nlohmann::json options;  // fits.options_json
  FitRequest request;      // the same, typed
  FitStats stats;          // fits.stats_json, typed
  std::shared_ptr<const FittedLaw> fitted;
  std::vector<int64_t> run_ids;  // the runs fitted (stats "run_ids"); empty when not recorded

  // "regmix gbdt", "mixing", ...
  std::string Describe() const;
  // The metric whose values the fit predicts ("eval/target/loss" for a mixing fit without one).
  std::string TargetMetric() const;
  // The fit's target as observed in a run: its metric, or for a mixing fit without one the
  // target-weighted sum of its domain metrics; nullopt when the run lacks them.
  std::optional<double> ObservedTarget(const RunPoint& run) const;
};

// The report fit-law printed when it made fit `id` (FitReport::FromStored), with its chain's
// earlier stages; NotFound when there is none, InvalidInput when its JSON is damaged.
Result<FitReport> LoadFitReport(Store& store, int64_t id);

// Fit `id` of the store; NotFound when there is none, InvalidInput when its JSON is damaged.
Result<StoredFit> LoadStoredFit(Store& store, int64_t id);

}  // namespace mixrun
