// Laws of scale fitted on log loss with one LawModel (chinchilla, power): the fit (multi-start,
// bootstrap, held-out accuracy) and the fitted law brought back from its stored parameters.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "laws/fit_types.h"
#include "laws/law_model.h"

namespace mixrun {

struct CurveLawSpec {
  std::string law;
  std::unique_ptr<LawModel> model;  // predicts log L from features
  std::vector<std::vector<double>> starts;
  double huber_delta = 1e-3;
  // Features of a run for prediction (e.g. log N, log D).
  std::function<Result<std::vector<double>>(const RunPoint&)> features;
  // Readable parameters and derived quantities from the fitted vector.
  std::function<std::map<std::string, double>(const std::vector<double>&)> named;
  std::function<std::map<std::string, double>(const std::vector<double>&)> derived;
};

// Fits `train` (y = log loss); `test` may be empty. Fills params, derived, stats (objective = Σ
// huber on log loss; rmse and mre on the loss itself), bootstrap intervals and state.
Result<FitReport> FitCurveLaw(const CurveLawSpec& spec, const Observations& train,
                              const Observations& test, const FitRequest& request);

// The fitted law from FitReport::state ({"fit": [...], "bootstrap": [[...], ...]}).
Result<std::unique_ptr<FittedLaw>> LoadCurveLaw(CurveLawSpec spec, const nlohmann::json& state);

}  // namespace mixrun
