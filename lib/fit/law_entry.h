// LawEntry: one row of the catalog of laws (catalog/catalog.h) — a name, what the law reads of a
// run, how to prepare it on training runs and how to load a stored fit — and the two generic
// calls every law goes through: FitWith (the fit protocol) and LoadWith (a stored fit back).
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "common/run_point.h"
#include "common/status.h"
#include "fit/estimator.h"
#include "fit/fit_report.h"
#include "fit/fit_request.h"
#include "fit/fitted_law.h"

namespace mixrun {

// A law ready to fit: how it reads runs, its estimator, and the training rows.
struct PreparedLaw {
  std::shared_ptr<const RunReader> reader;
  std::unique_ptr<Estimator> estimator;
  FitRows train;
  std::vector<FitReport> stages;  // a chain's earlier stages, fitted while preparing
};

// Turns one stored parameter set (state "fit" or an element of "bootstrap") into a predictor.
using PredictorDecoder = std::function<Result<std::unique_ptr<Predictor>>(const nlohmann::json&)>;

struct LawLoader {
  std::shared_ptr<const RunReader> reader;
  PredictorDecoder decode;
};

struct LawEntry {
  std::string name;    // fit-law's LAW
  std::string family;  // e.g. "scale law (Ceres)", "regression (xgboost)"
  std::string reads;   // what it reads of a run, for --help and docs
  // Checks the request against the runs and prepares the law (errors as InvalidInput).
  std::function<Result<PreparedLaw>(const FitRequest&, const std::vector<RunPoint>& train)> prepare;
  // The reader and decoder of a stored fit, from its request and state.
  std::function<Result<LawLoader>(const FitRequest&, const nlohmann::json& state)> load;
  // Optional: request defaults from the training runs and the experiment's config JSON.
  std::function<Status(FitRequest&, const std::vector<RunPoint>&, const nlohmann::json& config)>
      defaults;
  // Optional: metrics whose whole history the law reads (power in steps).
  std::function<std::set<std::string>(const FitRequest&)> history;
};

// Prepares the law, reads the test runs, and runs the fit protocol; `test` may be empty.
Result<FitReport> FitWith(const LawEntry& entry, const FitRequest& request,
                          const std::vector<RunPoint>& train, const std::vector<RunPoint>& test);

// A stored fit: its request (options_json) and state (params_json's "state"). A fit stored
// before calibrations existed loads without a prediction interval.
Result<std::unique_ptr<FittedLaw>> LoadWith(const LawEntry& entry, const FitRequest& request,
                                            const nlohmann::json& state);

}  // namespace mixrun
